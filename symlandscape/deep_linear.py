"""Deep linear networks ``L = s ||W_{H+1} ⋯ W_1 X - Y||_F^2`` with a closed-form exact engine.

The loss is a polynomial of degree ``2(H+1)`` in all the weights; expanding it is
hopeless beyond a few dozen parameters, so value, gradient, Hessian and Taylor
coefficients are assembled from matrix products (flint ``fmpq_mat``):

- gradient: ``∂L/∂W_k = 2s A_kᵀ R C_kᵀ`` with ``A_k = W_{H+1}⋯W_{k+1}``,
  ``C_k = W_{k-1}⋯W_1 X`` and the residual ``R = W_{H+1}⋯W_1 X - Y``;
- Hessian ``= 2s (JᵀJ + Σ R_ij ∇²(PX)_ij)``: the Gauss–Newton block ``(k, l)`` is
  ``kron(A_kᵀ A_l, C_k C_lᵀ)``; for ``k < l`` the residual block has entry
  ``G[c, b] · M[d, a]`` at ``(W_k[a,b], W_l[c,d])`` with ``G = A_lᵀ R C_kᵀ`` and
  ``M = W_{l-1}⋯W_{k+1}``; diagonal residual blocks vanish (L is linear in each W_k);
- Taylor coefficients along a polynomial curve: products of matrix polynomials in
  ``t`` truncated at the requested order.
"""

from __future__ import annotations

from functools import cached_property

import flint

from .activations import get_activation
from .errors import InvalidArgument, ShapeError
from .exact import rational_matrix, to_sympy, to_sympy_matrix
from .landscape import Landscape, PolynomialLandscape
from .losses import get_loss
from .network import Network, layer_widths
from .polynomial import polynomial_context

__all__ = ["deep_linear", "DeepLinearLandscape"]

_SCALE = {"half": flint.fmpq(1, 2), "sum": flint.fmpq(1)}


def deep_linear(X, Y, hidden, scale="half", *, variables=None):
    """Landscape of ``s ||W_{H+1}⋯W_1 X - Y||_F^2`` with ``s = 1/2`` (``"half"``) or 1 (``"sum"``).

    ``X`` is ``d_x × m``, ``Y`` is ``d_y × m``; ``hidden = [d_1, ..., d_H]``.  Parameters:
    ``W_1`` row-major first, then ``W_2``, ...; ``W_k[i, j]`` is named ``W{k}_{i}_{j}``
    (from 1), or ``w{k}`` when every layer has width 1.

    >>> L = deep_linear([[1]], [[1]], hidden=[1, 1])      # 1/2 (1 - w3 w2 w1)^2
    >>> L.hessian([0, 0, 0]).is_zero_matrix, L.taylor([0, 0, 0], [1, 1, 1], 6)
    (True, [1/2, 0, 0, -1, 0, 0, 1/2])
    """
    return DeepLinearLandscape(X, Y, hidden, scale, variables=variables)


class DeepLinearLandscape(Landscape):
    """The landscape of a deep linear network; see :func:`deep_linear`."""

    def __init__(self, X, Y, hidden, scale="half", *, variables=None):
        X = rational_matrix(X, "X")
        Y = rational_matrix(Y, "Y")
        widths = layer_widths(X, Y, hidden)
        if scale not in _SCALE:
            raise InvalidArgument(f"scale={scale!r} is not allowed; use 'half' (1/2 ||.||_F^2) or 'sum'")
        self._X, self._Y, self.widths, self.scale = X, Y, widths, scale
        self._s = _SCALE[scale]
        self.shapes = tuple((widths[k], widths[k - 1]) for k in range(1, len(widths)))
        scalar = all(w == 1 for w in widths)
        default = [
            f"w{k}" if scalar else f"W{k}_{i + 1}_{j + 1}"
            for k, (rows, cols) in enumerate(self.shapes, start=1)
            for i in range(rows)
            for j in range(cols)
        ]
        if variables is not None:
            names = [v.strip() for v in variables.split(",")] if isinstance(variables, str) else [str(v) for v in variables]
        else:
            names = default
        self.model = Network(X, Y, widths, get_activation("identity"), get_loss("squared", scale=scale), False, tuple(names))
        super().__init__(self.model.variables)
        self._XT = X.transpose()

    # -- structure -----------------------------------------------------------------
    @property
    def X(self):
        return to_sympy_matrix(self._X)

    @property
    def Y(self):
        return to_sympy_matrix(self._Y)

    @property
    def hidden_layers(self):
        """H, the number of hidden layers (``weight_matrices - 1``)."""
        return self.model.hidden_layers

    @property
    def weight_matrices(self):
        """H + 1, the number of weight matrices."""
        return self.model.weight_matrices

    def matrices(self, point):
        """The weight matrices ``[W_1, ..., W_{H+1}]`` of ``point`` as SymPy matrices."""
        return [to_sympy_matrix(W) for W in self._split(self.coerce_point(point))]

    def point_from_matrices(self, matrices):
        """The point (tuple of Rationals) whose weight matrices are ``matrices``."""
        if len(matrices) != len(self.shapes):
            raise ShapeError(f"got {len(matrices)} matrices; this network has {len(self.shapes)} weight matrices")
        entries = []
        for k, (W, shape) in enumerate(zip(matrices, self.shapes), start=1):
            entries.extend(rational_matrix(W, f"W_{k}", shape).entries())
        return tuple(to_sympy(e) for e in entries)

    def product(self, point):
        """The end-to-end matrix ``W_{H+1}⋯W_1``."""
        return to_sympy_matrix(_chain(self._split(self.coerce_point(point))))

    @cached_property
    def expression(self):
        return self.model.loss_expression()

    @cached_property
    def polynomial(self):
        """The expanded loss as an ``fmpq_mpoly`` (only sensible for small networks)."""
        ctx = polynomial_context([str(v) for v in self._variables])
        gens = iter(ctx.gens())
        mats = [[[next(gens) for _ in range(cols)] for _ in range(rows)] for rows, cols in self.shapes]
        const = lambda q: ctx.constant(q)  # noqa: E731
        P = [[const(e) for e in row] for row in _rows(self._X)]
        for W in mats:
            P = [[sum((W[i][k] * P[k][j] for k in range(len(P))), const(0)) for j in range(len(P[0]))]
                 for i in range(len(W))]
        Y = _rows(self._Y)
        return sum(((P[i][j] - const(Y[i][j])) ** 2 for i in range(len(P)) for j in range(len(P[0]))),
                   const(0)) * const(self._s)

    # -- the engine --------------------------------------------------------------------
    # Taylor polynomials need every monomial anyway: shift the expanded polynomial
    _taylor_polynomial = PolynomialLandscape._taylor_polynomial

    def _split(self, pt):
        mats, offset = [], 0
        for rows, cols in self.shapes:
            mats.append(flint.fmpq_mat(rows, cols, list(pt[offset:offset + rows * cols])))
            offset += rows * cols
        return mats

    def _factors(self, pt):
        """Weights, prefix products ``C_k = W_{k-1}⋯W_1 X``, suffix products ``A_k``, residual."""
        W = self._split(pt)
        n = len(W)
        C = [self._X]
        for k in range(n):
            C.append(W[k] * C[k])
        A = [None] * n
        A[n - 1] = _identity(self.widths[-1])
        for k in range(n - 2, -1, -1):
            A[k] = A[k + 1] * W[k + 1]
        R = C[n] - self._Y
        return W, C, A, R

    def _value(self, pt):
        *_, R = self._factors(pt)
        return self._s * sum((e * e for e in R.entries()), flint.fmpq(0))

    def _gradient(self, pt):
        W, C, A, R = self._factors(pt)
        two_s = 2 * self._s
        grad = []
        for k in range(len(W)):
            grad.extend((A[k].transpose() * R * C[k].transpose()).entries())
        return [two_s * g for g in grad]

    def _hessian(self, pt):
        W, C, A, R = self._factors(pt)
        n_layers = len(W)
        offsets = [0]
        for rows, cols in self.shapes:
            offsets.append(offsets[-1] + rows * cols)
        size = offsets[-1]
        H = [[flint.fmpq(0)] * size for _ in range(size)]
        for k in range(n_layers):
            rk, ck = self.shapes[k]
            for l in range(k, n_layers):
                rl, cl = self.shapes[l]
                left = _rows(A[k].transpose() * A[l])          # d_k × d_l
                right = _rows(C[k] * C[l].transpose())         # d_{k-1} × d_{l-1}
                if l > k:
                    G = _rows(A[l].transpose() * R * C[k].transpose())   # d_l × d_{k-1}
                    M = _rows(_chain(W[k + 1:l]) if l > k + 1 else _identity(rk))  # d_{l-1} × d_k
                for a in range(rk):
                    for b in range(ck):
                        row = H[offsets[k] + a * ck + b]
                        la, rb = left[a], right[b]
                        for c in range(rl):
                            lac = la[c]
                            base = offsets[l] + c * cl
                            for d in range(cl):
                                entry = lac * rb[d]
                                if l > k:
                                    entry += G[c][b] * M[d][a]
                                row[base + d] = entry
        for i in range(size):
            for j in range(i):
                H[i][j] = H[j][i]
        two_s = 2 * self._s
        return flint.fmpq_mat([[two_s * e for e in row] for row in H]) if size else flint.fmpq_mat(0, 0)

    def _along(self, curve, order):
        # each W_k(t) is a matrix polynomial; multiply truncated at t^order
        coefficient_points = [self._split(vec) for vec in curve]
        layers = [[coefficient_points[j][k] for j in range(len(curve))] for k in range(len(self.shapes))]
        P = [self._X]
        for Wt in layers:
            P = _poly_matmul(Wt, P, order)
        R = list(P) + [None] * (order + 1 - len(P))
        R = [r if r is not None else flint.fmpq_mat(self._Y.nrows(), self._Y.ncols()) for r in R]
        R[0] = R[0] - self._Y
        entries = [r.entries() for r in R]
        coefficients = []
        for k in range(order + 1):
            total = flint.fmpq(0)
            for i in range(k + 1):
                total += sum((x * y for x, y in zip(entries[i], entries[k - i])), flint.fmpq(0))
            coefficients.append(self._s * total)
        return coefficients


def _identity(n):
    return flint.fmpq_mat(n, n, [1 if i == j else 0 for i in range(n) for j in range(n)])


def _chain(mats):
    """``mats[-1] ⋯ mats[0]``."""
    product = mats[0]
    for W in mats[1:]:
        product = W * product
    return product


def _rows(matrix):
    cols = matrix.ncols()
    entries = matrix.entries()
    return [entries[i * cols:(i + 1) * cols] for i in range(matrix.nrows())]


def _poly_matmul(A, B, order):
    """Product of matrix polynomials (lists of coefficient matrices), truncated at ``t^order``."""
    result = []
    for k in range(min(order, len(A) + len(B) - 2) + 1):
        terms = [A[i] * B[k - i] for i in range(max(0, k - len(B) + 1), min(k, len(A) - 1) + 1)]
        total = terms[0]
        for term in terms[1:]:
            total = total + term
        result.append(total)
    return result
