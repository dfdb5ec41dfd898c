"""Deep linear networks in theory: Σ, Kawaguchi's assumptions, exact critical points and optimal values.

References: Baldi & Hornik, "Neural networks and principal component analysis", 1989
(critical points of one hidden layer); Kawaguchi, "Deep Learning without Poor Local
Minima", 2016, Theorem 2.3 and Lemma 4.2.  Data follow :func:`~symlandscape.deep_linear`:
``X`` is ``d_x × m``, ``Y`` is ``d_y × m``, ``Σ = Y Xᵀ (X Xᵀ)^{-1} X Yᵀ``.
"""

from __future__ import annotations

from dataclasses import dataclass

import flint
import sympy

from .deep_linear import DeepLinearLandscape
from .errors import InvalidArgument, ShapeError
from .exact import rational_matrix, to_sympy, to_sympy_matrix

__all__ = [
    "sigma",
    "KawaguchiAssumptions",
    "kawaguchi_assumptions",
    "least_squares_product",
    "global_min_value",
    "cayley_orthogonal",
    "spectral_instance",
    "sigma_eigenvectors",
    "critical_point",
    "critical_value",
    "zero_block_point",
]


def _fmpq_sigma(X, Y):
    XXt = X * X.transpose()
    if XXt.rank() < X.nrows():
        raise InvalidArgument(
            f"X X^T is singular (rank {XXt.rank()} < d_x = {X.nrows()}), so Σ = Y X^T (X X^T)^-1 X Y^T "
            "is undefined; give X full row rank"
        )
    return Y * X.transpose() * XXt.inv() * X * Y.transpose()


def sigma(X, Y):
    """``Σ = Y Xᵀ (X Xᵀ)^{-1} X Yᵀ``, exactly.

    >>> sigma([[1, 0], [0, 1]], [[1, 1]])
    Matrix([[2]])
    """
    return to_sympy_matrix(_fmpq_sigma(rational_matrix(X, "X"), rational_matrix(Y, "Y")))


@dataclass(frozen=True)
class KawaguchiAssumptions:
    """The assumptions of Kawaguchi 2016, Theorem 2.3, each decided exactly."""

    xxt_full_rank: bool
    xyt_full_rank: bool
    dy_le_dx: bool
    distinct_eigenvalues: bool

    @property
    def holds(self):
        return not self.failures

    @property
    def failures(self):
        """One line per failed assumption."""
        messages = {
            "xxt_full_rank": "X X^T is not full rank",
            "xyt_full_rank": "X Y^T is not full rank",
            "dy_le_dx": "d_y > d_x (the theorem needs d_y <= d_x)",
            "distinct_eigenvalues": "Σ = Y X^T (X X^T)^-1 X Y^T does not have d_y distinct eigenvalues",
        }
        return tuple(text for name, text in messages.items() if not getattr(self, name))


def kawaguchi_assumptions(X, Y):
    """Check Kawaguchi 2016 Theorem 2.3's assumptions on data ``X``, ``Y`` exactly.

    >>> kawaguchi_assumptions([[1, 0], [0, 1]], [[1, 0], [0, 2]]).holds
    True
    >>> kawaguchi_assumptions([[1, 0], [0, 1]], [[1, 0], [0, 1]]).failures
    ('Σ = Y X^T (X X^T)^-1 X Y^T does not have d_y distinct eigenvalues',)
    """
    X, Y = rational_matrix(X, "X"), rational_matrix(Y, "Y")
    if X.ncols() != Y.ncols():
        raise ShapeError(f"X has {X.ncols()} columns (samples) and Y has {Y.ncols()}; they must agree")
    d_x, d_y = X.nrows(), Y.nrows()
    xxt_full = (X * X.transpose()).rank() == d_x
    xyt_full = (X * Y.transpose()).rank() == min(d_x, d_y)
    distinct = False
    if xxt_full:
        # distinct eigenvalues <=> the characteristic polynomial is squarefree
        p = _fmpq_sigma(X, Y).charpoly()
        distinct = p.gcd(p.derivative()).degree() == 0
    return KawaguchiAssumptions(xxt_full, xyt_full, d_y <= d_x, distinct)


def least_squares_product(X, Y):
    """``P* = Y Xᵀ (X Xᵀ)^{-1}``, the end-to-end matrix minimising ``||P X − Y||_F``."""
    X, Y = rational_matrix(X, "X"), rational_matrix(Y, "Y")
    XXt = X * X.transpose()
    if XXt.rank() < X.nrows():
        raise InvalidArgument("X X^T is singular; the least-squares product is not unique")
    return to_sympy_matrix(Y * X.transpose() * XXt.inv())


def _sigma_spectrum(X, Y):
    """Eigenvalues of Σ in descending order (exact; CRootOf when irrational)."""
    p = _fmpq_sigma(X, Y).charpoly()
    t = sympy.Symbol("t")
    poly = sympy.Poly([to_sympy(c) for c in reversed(p.coeffs())], t)
    return sorted(sympy.Poly(poly, t).real_roots(), key=lambda r: sympy.re(r.evalf(50)), reverse=True)


def global_min_value(landscape):
    """The exact global minimum of a deep linear landscape (reduced-rank regression).

    ``s (tr(Y Yᵀ) − sum of the p largest eigenvalues of Σ)`` with ``p`` the smallest hidden
    width (all eigenvalues when ``p >= d_y``).

    >>> from symlandscape import deep_linear
    >>> global_min_value(deep_linear([[1, 0], [0, 1]], [[1, 0], [0, 2]], hidden=[1]))
    1/2
    """
    _require_deep_linear(landscape)
    X, Y = landscape._X, landscape._Y
    hidden = landscape.widths[1:-1]
    p = min(hidden) if hidden else min(X.nrows(), Y.nrows())
    eigenvalues = _sigma_spectrum(X, Y)
    total = to_sympy(sum((e * e for e in Y.entries()), flint.fmpq(0)))
    value = total - sum(eigenvalues[: min(p, len(eigenvalues))], sympy.S.Zero)
    s = sympy.S.Half if landscape.scale == "half" else sympy.S.One
    return sympy.nsimplify(s * value) if all(e.is_Rational for e in eigenvalues) else s * value


def cayley_orthogonal(S):
    """The Cayley transform ``(I − S)(I + S)^{-1}`` of a skew-symmetric rational ``S``: rational orthogonal.

    >>> cayley_orthogonal([[0, 2], [-2, 0]])
    Matrix([
    [-3/5, -4/5],
    [ 4/5, -3/5]])
    """
    S = rational_matrix(S, "S")
    n = S.nrows()
    if S.ncols() != n:
        raise ShapeError(f"S is {n}x{S.ncols()}; the Cayley transform needs a square matrix")
    if S.transpose() != -S:
        raise InvalidArgument("S is not skew-symmetric (S^T != -S); the Cayley transform would not be orthogonal")
    identity = flint.fmpq_mat(n, n, [int(i == j) for i in range(n) for j in range(n)])
    # I + S is invertible for real skew-symmetric S: its eigenvalues are 1 + i·(real)
    return to_sympy_matrix((identity - S) * (identity + S).inv())


def _check_orthogonal(Q, name):
    n = Q.nrows()
    identity = flint.fmpq_mat(n, n, [int(i == j) for i in range(n) for j in range(n)])
    if Q.ncols() != n or Q.transpose() * Q != identity:
        raise InvalidArgument(f"{name} is not a square orthogonal matrix ({name}^T {name} != I)")


def spectral_instance(Q, singular_values, R):
    """Data ``X = I``, ``Y = Q [diag(s) 0] R`` whose Σ has rational eigenvectors (the columns of ``Q``).

    >>> X, Y = spectral_instance([[1, 0], [0, 1]], [2, 1], [[1, 0, 0], [0, 1, 0], [0, 0, 1]])
    >>> X.shape, Y.tolist()
    ((3, 3), [[2, 0, 0], [0, 1, 0]])
    """
    Q, R = rational_matrix(Q, "Q"), rational_matrix(R, "R")
    _check_orthogonal(Q, "Q")
    _check_orthogonal(R, "R")
    d_y, d_x = Q.nrows(), R.nrows()
    values = list(singular_values)
    if len(values) != d_y or d_y > d_x:
        raise ShapeError(
            f"singular_values has {len(values)} entries; expected d_y = {d_y} (and d_y <= d_x = {d_x})"
        )
    D = flint.fmpq_mat(d_y, d_x, [0] * (d_y * d_x))
    for i, s in enumerate(rational_matrix([values], "singular_values").entries()):
        D[i, i] = s
    X = flint.fmpq_mat(d_x, d_x, [int(i == j) for i in range(d_x) for j in range(d_x)])
    return to_sympy_matrix(X), to_sympy_matrix(Q * D * R)


def sigma_eigenvectors(X, Y):
    """``(eigenvalues, U)`` of Σ — descending rational eigenvalues, orthonormal rational columns — or None.

    >>> sigma_eigenvectors([[1, 0], [0, 1]], [[0, 1], [2, 0]])
    ([4, 1], Matrix([
    [0, 1],
    [1, 0]]))
    """
    X, Y = rational_matrix(X, "X"), rational_matrix(Y, "Y")
    S = _fmpq_sigma(X, Y)
    eigenvalues = _sigma_spectrum(X, Y)
    if not all(e.is_Rational for e in eigenvalues):
        return None
    n = S.nrows()
    columns = []
    for value in sorted(set(eigenvalues), reverse=True):
        shifted = S - flint.fmpq(int(value.p), int(value.q)) * flint.fmpq_mat(
            n, n, [int(i == j) for i in range(n) for j in range(n)]
        )
        basis = to_sympy_matrix(shifted).nullspace()
        for v in sympy.GramSchmidt(basis, orthonormal=True) if len(basis) > 1 else [
            basis[0] / sympy.sqrt(basis[0].dot(basis[0]))
        ]:
            if not all(e.is_Rational for e in v):
                return None
            columns.append(v)
    return [sympy.Rational(e) for e in eigenvalues], sympy.Matrix.hstack(*columns)


def _require_deep_linear(landscape):
    if not isinstance(landscape, DeepLinearLandscape):
        raise InvalidArgument(
            f"landscape is a {type(landscape).__name__}; this needs a deep_linear(...) landscape"
        )


def _index_set(index_set, d_y, p):
    indices = tuple(index_set)
    if len(set(indices)) != len(indices) or any(
        isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < d_y for i in indices
    ):
        raise InvalidArgument(f"index_set={index_set!r} must hold distinct integers from 0 to {d_y - 1}")
    if len(indices) > p:
        raise InvalidArgument(f"index_set={index_set!r} has {len(indices)} indices; at most p = {p} fit")
    return indices


def critical_point(landscape, index_set, mixers=None):
    """An exact critical point whose end-to-end product is ``U_I U_Iᵀ P*``.

    ``U_I`` are the eigenvectors of Σ with indices ``index_set`` (0 = largest eigenvalue);
    ``|I| <= p``.  The weights are ``W_{H+1} = [U_I 0]``, ``W_k = diag(I_r, 0)`` in between and
    ``W_1 = [U_Iᵀ P*; 0]``, then each invertible ``mixers[k]`` acts as the symmetry
    ``W_{k+1} C⁻¹, C W_k``.  Every gradient block ``A_kᵀ (U_I U_Iᵀ − I) Y Xᵀ B_kᵀ``
    vanishes because the columns of ``A_k`` lie in the span of ``U_I`` and
    ``Y Xᵀ B_{H+1}ᵀ`` has columns ``Σ U_I = U_I Λ_I``.  With one hidden layer and
    ``|I| = p`` these are Baldi & Hornik's critical points.

    >>> from symlandscape import deep_linear
    >>> L = deep_linear([[1, 0], [0, 1]], [[0, 1], [2, 0]], hidden=[1])
    >>> pt = critical_point(L, [1]); pt, L.value(pt), list(L.gradient(pt))
    ((0, 1, 1, 0), 2, [0, 0, 0, 0])
    """
    _require_deep_linear(landscape)
    widths = landscape.widths
    d_x, d_y = widths[0], widths[-1]
    hidden = widths[1:-1]
    spectrum = sigma_eigenvectors(landscape._X, landscape._Y)
    if spectrum is None:
        raise InvalidArgument(
            "Σ has irrational eigenvectors on this instance; use data from spectral_instance(...) "
            "so that the critical points stay exact"
        )
    _, U = spectrum
    P_star = least_squares_product(landscape._X, landscape._Y)
    if not hidden:
        return landscape.point_from_matrices([P_star])
    indices = _index_set(index_set, d_y, min(hidden))
    r = len(indices)
    U_I = U[:, list(indices)] if r else sympy.zeros(d_y, 0)
    mats = []
    first = sympy.zeros(hidden[0], d_x)
    if r:
        first[:r, :] = U_I.T * P_star
    mats.append(first)
    for k in range(1, len(hidden)):
        middle = sympy.zeros(hidden[k], hidden[k - 1])
        for i in range(r):
            middle[i, i] = 1
        mats.append(middle)
    last = sympy.zeros(d_y, hidden[-1])
    if r:
        last[:, :r] = U_I
    mats.append(last)
    for k, C in enumerate(mixers or []):
        if k >= len(hidden):
            raise ShapeError(f"got {len(mixers)} mixers; there are {len(hidden)} hidden layers")
        C = to_sympy_matrix(rational_matrix(C, f"mixers[{k}]", (hidden[k], hidden[k])))
        if C.det() == 0:
            raise InvalidArgument(f"mixers[{k}] is singular; a symmetry needs an invertible matrix")
        mats[k] = C * mats[k]
        mats[k + 1] = mats[k + 1] * C.inv()
    return landscape.point_from_matrices(mats)


def critical_value(landscape, index_set):
    """``s (tr(Y Yᵀ) − Σ_{i∈I} λ_i)``, the loss at :func:`critical_point` for ``index_set``."""
    _require_deep_linear(landscape)
    spectrum = sigma_eigenvectors(landscape._X, landscape._Y)
    eigenvalues = spectrum[0] if spectrum else _sigma_spectrum(landscape._X, landscape._Y)
    indices = _index_set(index_set, landscape.widths[-1], landscape.widths[-1])
    total = to_sympy(sum((e * e for e in landscape._Y.entries()), flint.fmpq(0)))
    s = sympy.S.Half if landscape.scale == "half" else sympy.S.One
    return s * (total - sum((eigenvalues[i] for i in indices), sympy.S.Zero))


def zero_block_point(landscape, middle=None):
    """The point with ``W_1 = 0`` and ``W_{H+1} = 0`` (``middle`` gives ``W_2..W_H``, default 0).

    It is critical whenever there is a hidden layer: every gradient block has a zero
    factor.  With three or more weight matrices and zero middle weights the Hessian
    vanishes too — Kawaguchi's degenerate ("bad") saddle.

    >>> from symlandscape import deep_linear
    >>> L = deep_linear([[1]], [[1]], hidden=[1, 1])
    >>> zero_block_point(L), L.hessian(zero_block_point(L)).is_zero_matrix
    ((0, 0, 0), True)
    """
    _require_deep_linear(landscape)
    if landscape.weight_matrices < 2:
        raise InvalidArgument("zero_block_point needs at least one hidden layer (two weight matrices)")
    shapes = landscape.shapes
    mats = [sympy.zeros(*shape) for shape in shapes]
    if middle is not None:
        middle = list(middle)
        if len(middle) != len(shapes) - 2:
            raise ShapeError(f"middle has {len(middle)} matrices; expected {len(shapes) - 2} (W_2 .. W_H)")
        for k, M in enumerate(middle, start=1):
            mats[k] = to_sympy_matrix(rational_matrix(M, f"middle[{k - 1}]", shapes[k]))
    return landscape.point_from_matrices(mats)
