"""Fully connected networks as exact objects: :func:`mlp` and :func:`exponential_neuron`.

Data are matrices whose *columns* are samples: ``X`` is ``d_x × m`` and ``Y`` is
``d_y × m`` (the convention of Kawaguchi 2016).  Hidden layers apply the activation;
the output layer is linear.  Parameters are ordered layer by layer, ``W_1`` (row-major)
then ``b_1`` (if biases), then ``W_2``, ``b_2``, ...; weight ``W_k[i, j]`` is named
``W{k}_{i}_{j}`` and bias ``b_k[i]`` is ``b{k}_{i}``, indices from 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import flint
import sympy

from .activations import Activation, get_activation
from .errors import InvalidArgument, ShapeError
from .exact import rational, rational_matrix, to_sympy
from .losses import Loss, get_loss

__all__ = ["Network", "mlp", "ExponentialNeuron", "exponential_neuron", "layer_widths"]


def layer_widths(X, Y, hidden):
    """``(d_x, d_1, ..., d_H, d_y)`` after checking ``hidden`` and the data shapes."""
    if isinstance(hidden, (str, bytes)) or not hasattr(hidden, "__iter__"):
        raise InvalidArgument(f"hidden={hidden!r} must be a list of positive layer widths, e.g. [2, 2]")
    hidden = list(hidden)
    for k, width in enumerate(hidden):
        if isinstance(width, bool) or not isinstance(width, int) or width < 1:
            raise InvalidArgument(f"hidden[{k}]={width!r} must be a positive integer width")
    if X.ncols() != Y.ncols():
        raise ShapeError(
            f"X is {X.nrows()}x{X.ncols()} and Y is {Y.nrows()}x{Y.ncols()}: columns are samples, "
            "so X and Y need the same number of columns"
        )
    return (X.nrows(), *hidden, Y.nrows())


def _symbol_matrix(name, rows, cols):
    return sympy.Matrix(rows, cols, lambda i, j: sympy.Symbol(f"{name}_{i + 1}_{j + 1}", real=True))


@dataclass(frozen=True, eq=False)
class Network:
    """A fully connected network with its data and loss; the exact definition of a landscape."""

    X: flint.fmpq_mat
    Y: flint.fmpq_mat
    widths: tuple
    activation: Activation
    loss: Loss
    biases: bool = True
    names: tuple = None
    _layers: list = field(default=None, repr=False)

    def __post_init__(self):
        weights, biases = [], []
        for k in range(1, len(self.widths)):
            weights.append(_symbol_matrix(f"W{k}", self.widths[k], self.widths[k - 1]))
            biases.append(
                sympy.Matrix(self.widths[k], 1, lambda i, j: sympy.Symbol(f"b{k}_{i + 1}", real=True))
                if self.biases else None
            )
        default = [s for W, b in zip(weights, biases) for s in list(W) + (list(b) if b is not None else [])]
        if self.names is not None:
            names = list(self.names)
            if len(names) != len(default):
                raise ShapeError(f"variables has {len(names)} names; this network has {len(default)} parameters")
            if len(set(names)) != len(names):
                raise InvalidArgument(f"variables={names!r} has duplicate names")
            rename = {old: sympy.Symbol(str(new), real=True) for old, new in zip(default, names)}
            weights = [W.xreplace(rename) for W in weights]
            biases = [b.xreplace(rename) if b is not None else None for b in biases]
        object.__setattr__(self, "_layers", list(zip(weights, biases)))

    @property
    def variables(self):
        """All parameters in order: ``W_1`` row-major, ``b_1``, ``W_2``, ``b_2``, ..."""
        return tuple(s for W, b in self._layers for s in list(W) + (list(b) if b is not None else []))

    @property
    def layers(self):
        """``[(W_1, b_1), ..., (W_{H+1}, b_{H+1})]`` as SymPy matrices of Symbols (``b`` may be None)."""
        return list(self._layers)

    @property
    def hidden_layers(self):
        """H, the number of hidden layers."""
        return len(self.widths) - 2

    @property
    def weight_matrices(self):
        """H + 1, the number of weight matrices (depth is never reported bare)."""
        return len(self.widths) - 1

    def _forward(self, labels=None):
        columns = []
        X = sympy.Matrix(self.X.nrows(), self.X.ncols(), [to_sympy(e) for e in self.X.entries()])
        for s in range(X.cols):
            h = X[:, s]
            for k, (W, b) in enumerate(self._layers, start=1):
                z = W * h + (b if b is not None else sympy.zeros(W.rows, 1))
                if k == len(self._layers):
                    h = z
                    break
                h = z.applyfunc(self.activation.exact)
                if labels is not None:
                    for i, unit in enumerate(h):
                        sample = ", ".join(str(v) for v in X[:, s])
                        labels.setdefault(unit, f"hidden layer {k}, unit {i + 1}, sample {s + 1} (x = {sample})")
            columns.append(h)
        return sympy.Matrix.hstack(*columns)

    def outputs(self):
        """The network's outputs on every sample, a ``d_y × m`` SymPy matrix."""
        return self._forward()

    def targets(self):
        return sympy.Matrix(self.Y.nrows(), self.Y.ncols(), [to_sympy(e) for e in self.Y.entries()])

    def loss_expression(self, outputs=None):
        """The exact loss as a SymPy expression in :attr:`variables`."""
        outputs = self.outputs() if outputs is None else outputs
        return self.loss.total(outputs, self.targets())

    def unit_labels(self):
        """Map each nonsmooth hidden unit expression to 'hidden layer k, unit i, sample s'."""
        labels = {}
        self._forward(labels)
        return labels

    def landscape(self):
        from .landscape import compile_landscape

        labels = self.unit_labels() if self.activation.piecewise else None
        return compile_landscape(self.loss_expression(), self.variables, model=self, labels=labels)


def mlp(X, Y, hidden, activation="relu", biases=True, loss="squared", *, variables=None):
    """Landscape of a fully connected network on data ``X`` (``d_x × m``), ``Y`` (``d_y × m``).

    ``activation`` and ``loss`` are registered names or records from
    :func:`~symlandscape.get_activation` / :func:`~symlandscape.get_loss` (e.g.
    ``get_loss("squared", scale="sum")``); ``variables`` optionally renames the
    parameters.  The example of Swirszcz, Czarnecki, Pascanu 2016 (one ReLU unit):

    >>> L = mlp([[-1, 1, 3, 4, 5]], [[3, -3, 0, 1, 2]], hidden=[1],
    ...         loss=get_loss("squared", scale="sum"), variables="w,b,v,c")
    >>> L.value([1, -3, 1, 0]), L.value([-7, -4, 1, 0])
    (18, 14)
    >>> [u.description for u in L.kinks([1, -3, 1, 0])]
    ['hidden layer 1, unit 1, sample 3 (x = 3)']
    """
    X = rational_matrix(X, "X")
    Y = rational_matrix(Y, "Y")
    widths = layer_widths(X, Y, hidden)
    activation = get_activation(activation)
    loss = get_loss(loss)
    if not isinstance(biases, bool):
        raise InvalidArgument(f"biases={biases!r} must be True or False")
    _check_labels(loss, Y)
    names = _names(variables)
    return Network(X, Y, widths, activation, loss, biases, names).landscape()


def _check_labels(loss, Y):
    if loss.margin and any(e not in (1, -1) for e in Y.entries()):
        bad = next(e for e in Y.entries() if e not in (1, -1))
        raise InvalidArgument(f"loss={loss.name!r} needs labels in {{-1, 1}}; Y has the entry {bad}")


def _names(variables):
    if variables is None:
        return None
    if isinstance(variables, str):
        return tuple(v.strip() for v in variables.split(","))
    return tuple(str(v) for v in variables)


@dataclass(frozen=True, eq=False)
class ExponentialNeuron:
    """A network with one exponential neuron added per output unit, and the penalty ``λ a²/2``.

    ``f̃_j(x) = f_j(x) + a_j exp(w_jᵀ x + b_j)``; Liang, Sun, Lee, Srikant 2018 (one output)
    and Kawaguchi & Kaelbling 2019 (one neuron per output unit).
    """

    base: object
    lam: sympy.Rational
    a: tuple
    w: tuple
    b: tuple

    @property
    def variables(self):
        extra = [s for j in range(len(self.a)) for s in (self.a[j], *self.w[j], self.b[j])]
        return tuple(self.base.variables) + tuple(extra)

    @property
    def X(self):
        return self.base.X

    @property
    def Y(self):
        return self.base.Y

    @property
    def loss(self):
        return self.base.loss

    def outputs(self):
        f = self.base.outputs()
        X = sympy.Matrix(self.X.nrows(), self.X.ncols(), [to_sympy(e) for e in self.X.entries()])
        for j in range(f.rows):
            for s in range(f.cols):
                pre = sum((wi * xi for wi, xi in zip(self.w[j], X[:, s])), sympy.S.Zero) + self.b[j]
                f[j, s] = f[j, s] + self.a[j] * sympy.exp(pre)
        return f

    def targets(self):
        return self.base.targets()

    def loss_expression(self, outputs=None):
        outputs = self.outputs() if outputs is None else outputs
        penalty = self.lam / 2 * sum((a**2 for a in self.a), sympy.S.Zero)
        return self.base.loss.total(outputs, self.targets()) + penalty

    def landscape(self):
        from .landscape import compile_landscape

        return compile_landscape(self.loss_expression(), self.variables, model=self)


def exponential_neuron(landscape_or_model, lam, *, names=("a", "w", "b")):
    """Add one exponential neuron per output unit and the penalty ``lam * a²/2``.

    The result's parameters are the network's, then for each output unit ``j``:
    ``a``, ``w_1 .. w_{d_x}``, ``b`` (suffixed ``_j`` when there are several outputs);
    ``names`` changes those three stems.

    >>> from symlandscape import deep_linear
    >>> L = exponential_neuron(deep_linear([[1]], [[1]], hidden=[1]), 1)
    >>> [str(v) for v in L.variables]
    ['w1', 'w2', 'a', 'w_1', 'b']
    """
    model = getattr(landscape_or_model, "model", landscape_or_model)
    if not hasattr(model, "outputs") or not hasattr(model, "loss"):
        raise InvalidArgument(
            "exponential_neuron needs a network: a landscape from mlp() or deep_linear(), or its "
            f".model; got {type(landscape_or_model).__name__}"
        )
    lam = to_sympy(rational(lam, "lam"))
    if lam <= 0:
        raise InvalidArgument(f"lam={lam} must be positive (the penalty lam*a^2/2 forces a = 0)")
    d_x, d_y = model.X.nrows(), model.Y.nrows()
    if isinstance(names, str) or len(names) != 3 or len(set(map(str, names))) != 3:
        raise InvalidArgument(f"names={names!r} must be three distinct stems for a, w and b")
    a_name, w_name, b_name = map(str, names)

    def sym(name, j):
        return sympy.Symbol(name if d_y == 1 else f"{name}_{j + 1}", real=True)

    a = tuple(sym(a_name, j) for j in range(d_y))
    b = tuple(sym(b_name, j) for j in range(d_y))
    w = tuple(
        tuple(sympy.Symbol(f"{w_name}_{i + 1}" if d_y == 1 else f"{w_name}_{j + 1}_{i + 1}", real=True)
              for i in range(d_x))
        for j in range(d_y)
    )
    clash = {str(s) for s in model.variables} & {str(s) for s in a + b + sum(w, ())}
    if clash:
        raise InvalidArgument(
            f"the network already has parameters named {sorted(clash)}; pass other stems, "
            "e.g. exponential_neuron(..., names=('a', 'u', 'beta'))"
        )
    return ExponentialNeuron(model, lam, a, w, b).landscape()
