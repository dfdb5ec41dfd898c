"""Hypothesis strategies for exact instances and points of loss landscapes.

Every strategy here follows Hypothesis's house style: plural nouns, ``min_*``/``max_*``
bounds, keyword-only options, and bad arguments rejected at once — when the strategy
is *defined*, not when it is first drawn from — with :class:`~symlandscape.InvalidArgument`
naming ``name=value``.  Sizes are drawn first and with small bounds, and every number
shrinks toward a small integer, so that a failing property prints a small, exact
counterexample.  Landscapes are built through ``st.builds`` so Hypothesis prints them
as the call that makes them, e.g. ``deep_linear(Matrix([[1]]), Matrix([[1]]), hidden=[1])``.

The instances keep the promises their docstrings make *exactly* (ranks, distinct
eigenvalues, criticality): ``tests/test_strategies.py`` re-checks each promise with
code independent of this module.
"""

from __future__ import annotations

import math
from fractions import Fraction

import flint
import sympy
from hypothesis import assume
from hypothesis import strategies as st

from .deep_linear import DeepLinearLandscape, deep_linear
from hypothesis.errors import InvalidArgument as _HypothesisInvalidArgument

from .errors import InvalidArgument as _SymlandscapeInvalidArgument
from .errors import NotExactError
from .exact import rational, to_sympy
from .landscape import Landscape
from .network import mlp

__all__ = [
    "rationals",
    "rational_matrices",
    "points",
    "linear_instances",
    "linear_critical_points",
    "relu_instances",
    "relu_points",
]

#: Families of exact critical points drawn by :func:`linear_critical_points`.
CRITICAL_FAMILIES = ("index_set", "zero_block")
#: Kinds of points drawn by :func:`relu_points`.
RELU_POINT_KINDS = ("generic", "kink", "dead", "blind_spot")
# Denominator cap for ranges shorter than 1 when max_denominator is None (they need one).
_SHORT_RANGE_DENOMINATOR = 64


class InvalidArgument(_SymlandscapeInvalidArgument, _HypothesisInvalidArgument):
    """A bad argument to a strategy: both :class:`symlandscape.InvalidArgument` and
    :class:`hypothesis.errors.InvalidArgument`, so that either ``except`` catches it."""


# -- argument validation (eager: errors appear where the strategy is defined) ------------
class _NotExactArgument(NotExactError, _HypothesisInvalidArgument):
    """A float where a strategy needs an exact bound (both error trees, as :class:`InvalidArgument`)."""


def _rational_argument(value, name):
    try:
        return rational(value, name)
    except NotExactError as exc:
        raise _NotExactArgument(str(exc)) from None
    except _SymlandscapeInvalidArgument as exc:
        raise InvalidArgument(str(exc)) from None


def _check_int(name, value, minimum=None, maximum=None):
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgument(f"{name}={value!r} must be an integer")
    if minimum is not None and value < minimum:
        raise InvalidArgument(f"{name}={value!r} must be at least {minimum}")
    if maximum is not None and value > maximum:
        raise InvalidArgument(f"{name}={value!r} must be at most {maximum}")
    return value


def _check_range(min_name, min_value, max_name, max_value):
    if min_value > max_value:
        raise InvalidArgument(
            f"{min_name}={min_value!r} is larger than {max_name}={max_value!r}; swap them or widen the range"
        )


def _check_bool(name, value):
    if not isinstance(value, bool):
        raise InvalidArgument(f"{name}={value!r} must be True or False")
    return value


def _check_bounds(min_value, max_value, max_denominator):
    """Exact bounds as ``Fraction`` (or None) and the denominator cap; reject empty ranges."""
    low = None if min_value is None else _fraction(_rational_argument(min_value, "min_value"))
    high = None if max_value is None else _fraction(_rational_argument(max_value, "max_value"))
    if max_denominator is not None:
        _check_int("max_denominator", max_denominator, 1)
    if low is not None and high is not None:
        if low > high:
            raise InvalidArgument(
                f"min_value={min_value!r} is larger than max_value={max_value!r}; swap them or widen the range"
            )
        cap = _short_range_cap(low, high, max_denominator)
        if not any(math.floor(high * q) >= math.ceil(low * q) for q in range(1, cap + 1)):
            raise InvalidArgument(
                f"no rational in [min_value={min_value!r}, max_value={max_value!r}] has a denominator "
                f"<= {cap} (max_denominator={max_denominator!r}; ranges shorter than 1 use at most "
                f"{_SHORT_RANGE_DENOMINATOR}); widen the range"
            )
    return low, high, max_denominator


def _short_range_cap(low, high, max_denominator):
    """The largest denominator tried: ``max_denominator``, at most 64 in a range shorter than 1."""
    if high - low >= 1:
        return max_denominator if max_denominator is not None else 1
    return min(max_denominator or _SHORT_RANGE_DENOMINATOR, _SHORT_RANGE_DENOMINATOR)


def _fraction(q):
    return Fraction(int(q.p), int(q.q))


def _contains_zero(low, high):
    return (low is None or low <= 0) and (high is None or high >= 0)


def _check_scale(scale):
    if scale not in ("half", "sum"):
        raise InvalidArgument(f"scale={scale!r} is not allowed; use 'half' (1/2 ||.||_F^2) or 'sum'")
    return scale


# -- numbers and matrices --------------------------------------------------------------
def rationals(*, min_value=None, max_value=None, max_denominator=None):
    """Exact rationals (``sympy.Rational``) in ``[min_value, max_value]``, shrinking toward 0.

    Bounds are exact numbers (ints, ``Fraction``, ``sympy.Rational`` or strings such as
    ``"-3/2"``; floats are refused); ``None`` leaves a side unbounded.  Denominators are
    at most ``max_denominator`` when it is given (and at most 64 in a range shorter
    than 1).  Shrinks toward small integers, then toward small
    denominators.

    >>> from hypothesis import find
    >>> find(rationals(min_value=-5, max_value=5, max_denominator=3), lambda q: q > 1)
    2
    >>> find(rationals(min_value=-5, max_value=5, max_denominator=3), lambda q: 1 < q < 2)
    3/2
    """
    low, high, max_denominator = _check_bounds(min_value, max_value, max_denominator)
    if low is not None and high is not None and high - low < 1:
        return _short_range_rationals(low, high, _short_range_cap(low, high, max_denominator))
    return _rationals(low, high, max_denominator)


def _integer_parts(low, high, fraction):
    """The integers ``n`` with ``low <= n + fraction <= high`` as ``(first, last)`` (None: unbounded)."""
    return (None if low is None else math.ceil(low - fraction), None if high is None else math.floor(high - fraction))


@st.composite
def _rationals(draw, low, high, max_denominator):
    # value = n + a/q with 0 <= a < q: the fractional part can shrink to 0 on its own and
    # then the denominator to 1, so shrinking reaches small integers first.  Ranges are
    # computed, not filtered: filters with lambdas cost Hypothesis a source inspection each.
    q = draw(st.integers(1, max_denominator) if max_denominator is not None else st.integers(min_value=1))
    a = draw(st.integers(0, q - 1))
    first, last = _integer_parts(low, high, Fraction(a, q))
    n = draw(st.integers(first, last))
    return sympy.Rational(n * q + a, q)


def _short_range_rationals(low, high, cap):
    """In a range shorter than 1 only some fractions fit: list them once, simplest first."""
    fits = sorted({Fraction(p, q) for q in range(1, cap + 1)
                   for p in range(math.ceil(low * q), math.floor(high * q) + 1)},
                  key=lambda f: (f.denominator, abs(f), f))
    return st.sampled_from(fits).map(lambda f: sympy.Rational(f.numerator, f.denominator))


def _entries(min_value, max_value, max_denominator):
    return rationals(min_value=min_value, max_value=max_value, max_denominator=max_denominator)


def _size(name, value):
    """Validate a size given as an int or a strategy of ints."""
    if isinstance(value, st.SearchStrategy):
        return value
    _check_int(name, value, 0)
    return st.just(value)


def _fmpq_rank(rows, cols, entries):
    if rows == 0 or cols == 0:
        return 0
    return flint.fmpq_mat(rows, cols, [flint.fmpq(int(e.p), int(e.q)) for e in entries]).rank()


def rational_matrices(rows, cols, *, rank=None, min_value=-5, max_value=5, max_denominator=3):
    """Exact rational matrices (``sympy.Matrix``) of shape ``rows × cols``.

    ``rows`` and ``cols`` are ints or strategies of ints.  Entries lie in
    ``[min_value, max_value]`` with denominators at most ``max_denominator``.  With
    ``rank=r`` the matrix has rank exactly ``r``: for ``r = min(rows, cols)`` (full rank)
    the entries still respect the bounds; for smaller ``r`` the matrix is a product
    ``L R`` of a full-column-rank ``rows × r`` and a full-row-rank ``r × cols`` factor
    whose entries respect the bounds (the product's entries may not).

    >>> from hypothesis import find
    >>> find(rational_matrices(2, 2, rank=2, max_denominator=1), lambda M: M[0, 0] > 0)
    Matrix([
    [1, 0],
    [0, 1]])
    """
    rows_strategy, cols_strategy = _size("rows", rows), _size("cols", cols)
    low, high, max_denominator = _check_bounds(min_value, max_value, max_denominator)
    if rank is not None:
        _check_int("rank", rank, 0)
        if isinstance(rows, int) and isinstance(cols, int) and rank > min(rows, cols):
            raise InvalidArgument(f"rank={rank!r} exceeds min(rows, cols) = {min(rows, cols)} for a {rows}x{cols} matrix")
        if rank == 0 and not _contains_zero(low, high):
            raise InvalidArgument(f"rank=0 needs the zero matrix, but 0 is outside [min_value={min_value!r}, max_value={max_value!r}]")
        if rank > 0 and low is not None and high is not None and low == high == 0:
            raise InvalidArgument(f"rank={rank!r} is impossible when every entry must be 0")
    elements = _entries(min_value, max_value, max_denominator)

    @st.composite
    def matrices(draw):
        n_rows, n_cols = draw(rows_strategy), draw(cols_strategy)
        if rank is not None and rank > min(n_rows, n_cols):
            raise InvalidArgument(
                f"rank={rank!r} exceeds min(rows, cols) = {min(n_rows, n_cols)} for the drawn {n_rows}x{n_cols} shape"
            )
        if rank is None:
            return sympy.Matrix(n_rows, n_cols, draw(st.lists(elements, min_size=n_rows * n_cols, max_size=n_rows * n_cols)))
        if rank == min(n_rows, n_cols):
            return draw(_full_rank(n_rows, n_cols, elements))
        if rank == 0:
            return sympy.zeros(n_rows, n_cols)
        left = draw(_full_rank(n_rows, rank, elements))
        right = draw(_full_rank(rank, n_cols, elements))
        return left * right

    return matrices()


def _full_rank(rows, cols, elements):
    """Matrices of rank ``min(rows, cols)`` with entries from ``elements`` (exact rank test)."""
    size = rows * cols
    target = min(rows, cols)
    return (
        st.lists(elements, min_size=size, max_size=size)
        .filter(lambda entries: _fmpq_rank(rows, cols, entries) == target)
        .map(lambda entries: sympy.Matrix(rows, cols, entries))
    )


def points(landscape, *, min_value=-3, max_value=3, max_denominator=4):
    """Exact rational points (tuples of ``sympy.Rational``) of ``landscape``.

    >>> from hypothesis import find
    >>> from symlandscape import deep_linear
    >>> find(points(deep_linear([[1]], [[1]], hidden=[1])), lambda pt: sum(pt) > 2)
    (0, 3)
    """
    if not isinstance(landscape, Landscape):
        raise InvalidArgument(f"landscape={landscape!r} must be a symlandscape Landscape")
    _check_bounds(min_value, max_value, max_denominator)
    n = len(landscape.variables)
    return st.tuples(*[_entries(min_value, max_value, max_denominator)] * n)


# -- deep linear networks ----------------------------------------------------------------
def _chain_parameters(widths):
    return sum(widths[k] * widths[k - 1] for k in range(1, len(widths)))


class _Sizes:
    """Validated size options shared by the deep linear strategies."""

    def __init__(self, min_hidden_layers, max_hidden_layers, min_width, max_width,
                 max_input_dim, max_output_dim, max_parameters):
        _check_int("min_hidden_layers", min_hidden_layers, 1)
        _check_int("max_hidden_layers", max_hidden_layers, 1)
        _check_range("min_hidden_layers", min_hidden_layers, "max_hidden_layers", max_hidden_layers)
        _check_int("min_width", min_width, 1)
        _check_int("max_width", max_width, 1)
        _check_range("min_width", min_width, "max_width", max_width)
        _check_int("max_input_dim", max_input_dim, 1)
        _check_int("max_output_dim", max_output_dim, 1)
        if max_parameters is not None:
            _check_int("max_parameters", max_parameters, 1)
            smallest = _chain_parameters((1, *[min_width] * min_hidden_layers, 1))
            if smallest > max_parameters:
                raise InvalidArgument(
                    f"max_parameters={max_parameters!r} is below the smallest network allowed by "
                    f"min_hidden_layers={min_hidden_layers!r} and min_width={min_width!r} "
                    f"({smallest} parameters); raise max_parameters or lower the minimums"
                )
        self.min_h, self.max_h = min_hidden_layers, max_hidden_layers
        self.min_w, self.max_w = min_width, max_width
        self.max_dx, self.max_dy = max_input_dim, max_output_dim
        self.budget = max_parameters

    def _fits(self, prefix, remaining_hidden, d_y):
        """Can ``prefix`` (d_x, d_1, ...) be completed within the parameter budget?"""
        if self.budget is None:
            return True
        rest = [self.min_w] * remaining_hidden + [d_y]
        return _chain_parameters((*prefix, *rest)) <= self.budget

    def _largest(self, low, high, fits):
        """The largest value in ``low..high`` accepted by the monotone test ``fits`` (low must fit)."""
        while high > low and not fits(high):
            high -= 1
        return high

    def draw(self, draw):
        """``(d_x, d_y, hidden)``: sizes first, each with small bounds, within the budget."""
        h = draw(st.integers(self.min_h, self._largest(self.min_h, self.max_h, lambda h: self._fits((1,), h, 1))))
        d_x = draw(st.integers(1, self._largest(1, self.max_dx, lambda d: self._fits((d,), h, 1))))
        d_y = draw(st.integers(1, self._largest(1, min(d_x, self.max_dy), lambda d: self._fits((d_x,), h, d))))
        hidden = []
        for k in range(h):
            prefix = (d_x, *hidden)
            largest = self._largest(self.min_w, self.max_w, lambda d: self._fits((*prefix, d), h - k - 1, d_y))
            hidden.append(draw(st.integers(self.min_w, largest)))
        return d_x, d_y, hidden


def _skew_symmetric(n, entries):
    S = sympy.zeros(n, n)
    it = iter(entries)
    for i in range(n):
        for j in range(i + 1, n):
            S[i, j] = next(it)
            S[j, i] = -S[i, j]
    return S


@st.composite
def _spectral_data(draw, d_x, d_y):
    """``(X, Y)`` with ``X = I`` and ``Y = Q [diag(s) 0] R``: Σ has rational eigenvectors."""
    from .linear_theory import cayley_orthogonal, spectral_instance

    small = rationals(min_value=-2, max_value=2, max_denominator=2)
    skew_q = draw(st.lists(small, min_size=d_y * (d_y - 1) // 2, max_size=d_y * (d_y - 1) // 2))
    skew_r = draw(st.lists(small, min_size=d_x * (d_x - 1) // 2, max_size=d_x * (d_x - 1) // 2))
    # distinct positive singular values s_i make the eigenvalues s_i^2 of Σ distinct
    singular = draw(st.lists(st.integers(1, 2 * d_y + 2), min_size=d_y, max_size=d_y, unique=True))
    Q = cayley_orthogonal(_skew_symmetric(d_y, skew_q))
    R = cayley_orthogonal(_skew_symmetric(d_x, skew_r))
    return spectral_instance(Q, singular, R)


@st.composite
def _kawaguchi_data(draw, d_x, d_y, max_samples, elements):
    """General ``(X, Y)``; draws that miss an assumption are rejected (exact test)."""
    from .linear_theory import kawaguchi_assumptions

    m = draw(st.integers(d_x, max(d_x, max_samples)))
    X = draw(_full_rank(d_x, m, elements))
    Y = draw(st.lists(elements, min_size=d_y * m, max_size=d_y * m).map(lambda e: sympy.Matrix(d_y, m, e)))
    assume(kawaguchi_assumptions(X, Y).holds)
    return X, Y


def linear_instances(*, min_hidden_layers=1, max_hidden_layers=2, min_width=1, max_width=3,
                     max_input_dim=3, max_output_dim=2, max_samples=4, max_parameters=None,
                     rational_spectrum=False, scale="half", min_value=-3, max_value=3, max_denominator=1):
    """Deep linear landscapes (:func:`~symlandscape.deep_linear`) whose data satisfy the
    assumptions of Kawaguchi 2016, Theorem 2.3, exactly: ``X Xᵀ`` and ``X Yᵀ`` full rank,
    ``d_y <= d_x`` and ``Σ = Y Xᵀ (X Xᵀ)^{-1} X Yᵀ`` with ``d_y`` distinct eigenvalues.

    Sizes: ``min_hidden_layers..max_hidden_layers`` hidden layers of widths
    ``min_width..max_width``, ``d_x <= max_input_dim``, ``d_y <= max_output_dim``,
    ``d_x <= m <= max_samples`` samples, at most ``max_parameters`` weights.  Data entries
    lie in ``[min_value, max_value]`` with denominators ``<= max_denominator``.

    With ``rational_spectrum=True`` the data are ``X = I`` and ``Y = Q [diag(s) 0] R``
    (:func:`~symlandscape.linear_theory.spectral_instance`, ``Q``, ``R`` Cayley transforms
    of small skew-symmetric matrices, distinct positive integers ``s``): Σ then has
    rational eigenvalues ``s_i²`` and rational eigenvectors, so every critical point of
    Baldi & Hornik's and Kawaguchi's families is exact.  The bounds on entries do not
    apply there.

    >>> from hypothesis import find
    >>> L = find(linear_instances(max_hidden_layers=1, max_input_dim=1), lambda L: True)
    >>> L.X, L.Y, L.widths
    (Matrix([[1]]), Matrix([[1]]), (1, 1, 1))
    """
    sizes = _Sizes(min_hidden_layers, max_hidden_layers, min_width, max_width,
                   max_input_dim, max_output_dim, max_parameters)
    _check_int("max_samples", max_samples, 1)
    _check_bool("rational_spectrum", rational_spectrum)
    _check_scale(scale)
    low, high, _ = _check_bounds(min_value, max_value, max_denominator)
    if not rational_spectrum and (low is not None and high is not None and low == high == 0):
        raise InvalidArgument("min_value=max_value=0 makes X Y^T = 0; no instance satisfies Kawaguchi's assumptions")
    elements = _entries(min_value, max_value, max_denominator)

    @st.composite
    def instances(draw):
        d_x, d_y, hidden = sizes.draw(draw)
        if rational_spectrum:
            X, Y = draw(_spectral_data(d_x, d_y))
        else:
            X, Y = draw(_kawaguchi_data(d_x, d_y, max_samples, elements))
        return draw(_deep_linear_builds(X, Y, hidden, scale))

    return instances()


def _deep_linear_builds(X, Y, hidden, scale):
    # st.builds makes Hypothesis print the landscape as the call that constructs it
    if scale == "half":
        return st.builds(deep_linear, st.just(X), st.just(Y), hidden=st.just(list(hidden)))
    return st.builds(deep_linear, st.just(X), st.just(Y), hidden=st.just(list(hidden)), scale=st.just(scale))


def linear_critical_points(*, families=CRITICAL_FAMILIES, min_hidden_layers=1, max_hidden_layers=2,
                           min_width=1, max_width=3, max_input_dim=3, max_output_dim=2,
                           max_parameters=None, scale="half", mixers=True):
    """Pairs ``(landscape, point)``: a deep linear instance with rational spectrum
    (see :func:`linear_instances`) and an exact critical point of it.

    ``families`` chooses among:

    - ``"index_set"``: :func:`~symlandscape.linear_theory.critical_point` for an index
      set ``I`` of eigenvectors of Σ with ``|I| <= p`` (Baldi & Hornik 1989 for one hidden
      layer and ``|I| = p``; Kawaguchi 2016 Lemma 4.2 forms for deeper nets, with
      rank-deficient end-to-end products when ``|I| < min(p, d_y)``).  The global minima
      are ``I = {0, ..., min(p, d_y) - 1}``; every other ``I`` gives a saddle.  With
      ``mixers=True`` an invertible rational ``C_k`` per hidden layer moves the point
      along the symmetry orbit ``W_{k+1} C_k^{-1}, C_k W_k``.
    - ``"zero_block"``: :func:`~symlandscape.linear_theory.zero_block_point`, ``W_1 = 0``
      and ``W_{H+1} = 0`` with drawn middle weights (zero or not): always a saddle; with
      three or more weight matrices and zero middle weights its Hessian vanishes.

    >>> from hypothesis import find
    >>> L, pt = find(linear_critical_points(max_hidden_layers=1, max_input_dim=1), lambda case: True)
    >>> L.widths, pt, list(L.gradient(pt))
    ((1, 1, 1), (0, 0), [0, 0])
    """
    if isinstance(families, str) or not hasattr(families, "__iter__"):
        raise InvalidArgument(f"families={families!r} must be a collection of names from {CRITICAL_FAMILIES}")
    families = tuple(families)
    unknown = [f for f in families if f not in CRITICAL_FAMILIES]
    if unknown or not families:
        raise InvalidArgument(
            f"families={families!r} must be a non-empty collection of names from {CRITICAL_FAMILIES}"
        )
    _check_bool("mixers", mixers)
    instances = linear_instances(
        min_hidden_layers=min_hidden_layers, max_hidden_layers=max_hidden_layers, min_width=min_width,
        max_width=max_width, max_input_dim=max_input_dim, max_output_dim=max_output_dim,
        max_parameters=max_parameters, rational_spectrum=True, scale=scale,
    )

    @st.composite
    def cases(draw):
        from .linear_theory import critical_point, zero_block_point

        landscape = draw(instances)
        family = draw(st.sampled_from(families))
        hidden = landscape.widths[1:-1]
        if family == "zero_block":
            middle = [draw(rational_matrices(*shape, min_value=-2, max_value=2, max_denominator=2))
                      for shape in landscape.shapes[1:-1]]
            return landscape, zero_block_point(landscape, middle)
        d_y = landscape.widths[-1]
        top = min(min(hidden), d_y)
        size = draw(st.integers(0, top))
        # index 0 is the largest eigenvalue of Σ, so small indices (the shrink target) are the global minimum
        indices = draw(st.lists(st.integers(0, d_y - 1), min_size=size, max_size=size, unique=True))
        mixing = None
        if mixers and draw(st.booleans()):
            mixing = [draw(rational_matrices(d, d, rank=d, min_value=-2, max_value=2, max_denominator=2))
                      for d in hidden]
        return landscape, critical_point(landscape, sorted(indices), mixing)

    return cases()


# -- ReLU networks -------------------------------------------------------------------------
def relu_instances(*, min_hidden_layers=1, max_hidden_layers=1, min_width=1, max_width=2, max_input_dim=2,
                   max_output_dim=1, min_samples=1, max_samples=4, activation="relu", biases=True,
                   scale="half", min_value=-3, max_value=3, max_denominator=1):
    """Small ReLU regression landscapes from :func:`~symlandscape.mlp` (squared loss).

    ``activation`` is ``"relu"`` or ``"leaky_relu"``; data entries lie in
    ``[min_value, max_value]`` with denominators ``<= max_denominator``; ``X`` is
    ``d_x × m`` and ``Y`` is ``d_y × m`` with ``min_samples <= m <= max_samples``.

    >>> from hypothesis import find
    >>> L = find(relu_instances(max_samples=1), lambda L: True)
    >>> L.model.widths, [str(v) for v in L.variables]
    ((1, 1, 1), ['W1_1_1', 'b1_1', 'W2_1_1', 'b2_1'])
    """
    sizes = _Sizes(min_hidden_layers, max_hidden_layers, min_width, max_width, max_input_dim,
                   max_output_dim, None)
    _check_int("min_samples", min_samples, 1)
    _check_int("max_samples", max_samples, 1)
    _check_range("min_samples", min_samples, "max_samples", max_samples)
    if activation not in ("relu", "leaky_relu"):
        raise InvalidArgument(f"activation={activation!r} must be 'relu' or 'leaky_relu'")
    _check_bool("biases", biases)
    _check_scale(scale)
    _check_bounds(min_value, max_value, max_denominator)
    elements = _entries(min_value, max_value, max_denominator)

    @st.composite
    def instances(draw):
        h = draw(st.integers(sizes.min_h, sizes.max_h))
        d_x = draw(st.integers(1, sizes.max_dx))
        d_y = draw(st.integers(1, sizes.max_dy))
        hidden = [draw(st.integers(sizes.min_w, sizes.max_w)) for _ in range(h)]
        m = draw(st.integers(min_samples, max_samples))
        X = sympy.Matrix(d_x, m, draw(st.lists(elements, min_size=d_x * m, max_size=d_x * m)))
        Y = sympy.Matrix(d_y, m, draw(st.lists(elements, min_size=d_y * m, max_size=d_y * m)))
        kwargs = {"hidden": st.just(hidden)}
        if activation != "relu":
            kwargs["activation"] = st.just(activation)
        if not biases:
            kwargs["biases"] = st.just(False)
        if scale != "half":
            from .losses import get_loss

            kwargs["loss"] = st.just(get_loss("squared", scale=scale))
        return draw(st.builds(mlp, st.just(X), st.just(Y), **kwargs))

    return instances()


def _relu_model(landscape):
    model = getattr(landscape, "model", None)
    activation = getattr(getattr(model, "activation", None), "name", None)
    if not isinstance(landscape, Landscape) or model is None or isinstance(landscape, DeepLinearLandscape) \
            or activation not in ("relu", "leaky_relu") or not hasattr(model, "layers"):
        raise InvalidArgument(
            f"landscape={landscape!r} must come from mlp(..., activation='relu' or 'leaky_relu'), "
            "e.g. a draw from relu_instances()"
        )
    return model


def relu_points(landscape, *, kinds=RELU_POINT_KINDS, min_value=-3, max_value=3, max_denominator=2):
    """Exact points of a ReLU landscape from :func:`~symlandscape.mlp`, with chosen hidden
    units placed exactly on kinks or made dead.

    Weights are drawn in ``[min_value, max_value]``; then each hidden unit, layer by
    layer, is left as drawn (``"generic"``) or gets the bias that puts its pre-activation
    exactly at 0 on one sample (``"kink"``) or at ``<= 0`` on every sample (``"dead"``,
    on a kink when the margin is 0).  ``"blind_spot"`` makes every first-layer unit
    strictly inactive on every sample and sets the output bias so that the (then
    constant) output equals the mean target: a local minimum (Swirszcz, Czarnecki, Pascanu 2016, Section 3.1).
    Kinks and dead units need biases.

    >>> from hypothesis import find
    >>> from symlandscape import mlp
    >>> L = mlp([[1, 2]], [[1, 0]], hidden=[1])
    >>> pt = find(relu_points(L, kinds=["kink"]), lambda pt: True)
    >>> [u.description for u in L.kinks(pt)]
    ['hidden layer 1, unit 1, sample 1 (x = 1)', 'hidden layer 1, unit 1, sample 2 (x = 2)']
    """
    model = _relu_model(landscape)
    if isinstance(kinds, str) or not hasattr(kinds, "__iter__"):
        raise InvalidArgument(f"kinds={kinds!r} must be a collection of names from {RELU_POINT_KINDS}")
    kinds = tuple(kinds)
    if not kinds or any(k not in RELU_POINT_KINDS for k in kinds):
        raise InvalidArgument(f"kinds={kinds!r} must be a non-empty collection of names from {RELU_POINT_KINDS}")
    if not model.biases and kinds != ("generic",):
        raise InvalidArgument(
            f"kinds={kinds!r} needs biases to place units on kinks; this network has none, use kinds=['generic']"
        )
    if "blind_spot" in kinds and model.activation.name != "relu":
        raise InvalidArgument(
            f"kinds={kinds!r}: a blind spot needs units that output exactly 0 when inactive; "
            f"activation={model.activation.name!r} does not, drop 'blind_spot'"
        )
    _check_bounds(min_value, max_value, max_denominator)
    elements = _entries(min_value, max_value, max_denominator)
    return _relu_points(model, kinds, elements)


@st.composite
def _relu_points(draw, model, kinds, elements):
    kind = draw(st.sampled_from(kinds))
    act = model.activation.exact
    X, Y = model.X, model.Y
    m = X.ncols()
    h = [[to_sympy(X[i, s]) for i in range(X.nrows())] for s in range(m)]   # inputs per sample
    values = []
    n_layers = len(model.layers)
    for k, (W, b) in enumerate(model.layers, start=1):
        rows, cols = W.shape
        weights = sympy.Matrix(rows, cols, draw(st.lists(elements, min_size=rows * cols, max_size=rows * cols)))
        bias = list(draw(st.lists(elements, min_size=rows, max_size=rows))) if b is not None else []
        pre_bias = [[sum((weights[i, j] * h[s][j] for j in range(cols)), sympy.S.Zero) for s in range(m)]
                    for i in range(rows)]
        if k < n_layers and b is not None:
            for i in range(rows):
                unit_kind = kind
                if kind == "blind_spot":
                    unit_kind = "dead" if k == 1 else "generic"
                elif kind != "generic" and (k, i) != (1, 0):
                    # the first unit always gets the drawn kind; the others may stay generic
                    unit_kind = draw(st.sampled_from(("generic", kind)))
                if unit_kind == "kink":
                    s = draw(st.integers(0, m - 1))
                    bias[i] = -pre_bias[i][s]
                elif unit_kind == "dead":
                    # margin 0 leaves the unit dead *and* on a kink; the blind spot needs it strictly dead
                    margin = abs(draw(elements)) + (1 if kind == "blind_spot" else 0)
                    bias[i] = -max(pre_bias[i]) - margin
        if k == n_layers and kind == "blind_spot" and b is not None:
            # every sample reaches the output layer with the same h, so outputs are constant;
            # the output bias that makes them the target means minimises the loss locally
            for i in range(rows):
                mean = sum((to_sympy(Y[i, s]) for s in range(m)), sympy.S.Zero) / m
                bias[i] = mean - pre_bias[i][0]
        values.extend(weights)
        values.extend(bias)
        if k < n_layers:
            h = [[act(pre_bias[i][s] + (bias[i] if bias else 0)) for i in range(rows)] for s in range(m)]
    return tuple(sympy.Rational(v) for v in values)
