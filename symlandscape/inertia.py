"""Exact inertia (Sylvester signature), kernel and sign witnesses of a symmetric rational matrix."""

# How the counts are made exact
# -----------------------------
# Floating-point eigenvalues are NOT trusted for counts: on a 216-parameter Hessian whose
# eigenvalues span 1e-3 to 1e9, numpy's eigvalsh has been seen to report the wrong inertia
# (its error, about eps * ||H|| ~ 1e-7, is tiny in norm, but it flips small eigenvalues
# and turns exact zeros into +-1e-8; tests/test_inertia.py rebuilds such a matrix, where
# eigvalsh gets the signs wrong while the counts below are exact).  Every count returned
# here rests on one of two exact arguments:
#
# 1. Characteristic polynomial + Descartes' rule of signs (always applicable).
#    Clear denominators: Z = c * H with c > 0, so Z has the same inertia and kernel as H.
#    p(x) = det(x I - Z) is computed exactly by flint.  Z is real symmetric, so every root
#    of p is real.  Write p(x) = x^m q(x) with q(0) != 0; m is the multiplicity of the
#    root 0 (= the number of trailing zero coefficients) and, Z being diagonalisable, also
#    the nullity.  Let P, N be the numbers of positive / negative roots of q (with
#    multiplicity) and V(f) the number of sign changes of the non-zero coefficients of f.
#    Descartes: V(q(x)) >= P and V(q(-x)) >= N.  Also V(q(x)) + V(q(-x)) <= deg q, because
#    between two consecutive non-zero coefficients a_i, a_j (j > i) the sign change
#    counts for q(x) and q(-x) add up to at most j - i.  As P + N = deg q, both
#    inequalities are equalities: #positive = V(p(x)), #negative = V(p(-x)).
#
# 2. Certified congruence (fast path for larger matrices, checked exactly).
#    A float eigendecomposition only supplies a *guess*: the eigenvectors of the r = rank(Z)
#    eigenvalues of largest magnitude, rounded to integer vectors (scaled by 2^52), form
#    the rows of an integer r x n matrix Q.  Then M = Q Z Q^T is computed exactly.  If M is
#    strictly diagonally dominant then (Levy-Desplanques) every matrix D + t (M - D),
#    t in [0, 1], D = diag(M), is nonsingular, so no eigenvalue crosses 0 along the path
#    and inertia(M) = the signs of diag(M).  Let K (n x (n - r)) be the exact kernel basis
#    of Z (flint's nullspace, exact).  The square matrix [Q; K^T] is invertible (if
#    a^T Q + b^T K^T = 0, multiply by Z Q^T: a^T M = 0, so a = 0, then b = 0 as K has full
#    rank), and it transforms Z into blockdiag(M, 0) since Z K = 0.  By Sylvester's law,
#    inertia(Z) = inertia(M) + (0, 0, n - r).  The dominance test is the scaled one: D M D
#    with D = diag(2^-s_i), s_i = half the bit length of M_ii, is strictly diagonally
#    dominant (D M D is congruent to M, so the same argument applies); on an ill-conditioned
#    Z (deep linear Hessians at random points, condition number ~1e15) small eigenvalues
#    couple through rounding errors, so Q is refined: W = rounded eigenvectors of the float
#    D M D (M exact, so each entry is known to full relative precision) and Q <- W Q, up to
#    _REFINEMENTS rounds.  If the exact check still fails, method 1 is used.
#    Measured: at n = 256 with small rational entries this takes ~0.1 s while the exact
#    charpoly takes ~1-2 s; for small n the charpoly is used directly (see below).
#
# Witnesses v with v^T H v < 0 (> 0) are found by cheap guesses (unit vectors, e_i +- e_j,
# rounded float eigenvectors, rows of Q above) and always verified exactly; the last
# resort is the exact congruence elimination S H S^T = diag(d), whose rows s_i with
# d_i < 0 (> 0) are witnesses by construction (run only until such a pivot appears).

from __future__ import annotations

from dataclasses import dataclass
import math
from math import gcd, lcm

import flint
import numpy
import sympy
from threadpoolctl import ThreadpoolController

from .errors import InvalidArgument, ShapeError
from .exact import rational_matrix

__all__ = ["Inertia", "inertia", "congruence_diagonalization", "ldl_congruence"]

# Up to this size the exact characteristic polynomial is used directly.  Above it the
# float-guided certificate goes first: the charpoly's cost grows with the size of the
# entries, and Hessians of deep linear networks have large ones (measured at a random
# rational point, charpoly vs certificate: n = 64: 47 ms vs 10 ms, n = 96: 265 ms vs
# 36 ms).  For small matrices the charpoly is as fast and needs no LAPACK call (whose
# multithreaded OpenBLAS is slow on an oversubscribed machine; OPENBLAS_NUM_THREADS=1
# avoids that).
_CHARPOLY_MAX_SIZE = 24
# Bits kept when rounding float eigenvectors to integer vectors, smallest first, so that
# returned witnesses are as short as the check allows.
_WITNESS_BITS = (4, 8, 16, 30, 52)
# Refinements of the float eigenvectors before the exact congruence gives up (an
# ill-conditioned Z: a deep linear Hessian at a random point, condition number ~1e15).
_REFINEMENTS = 3


@dataclass(frozen=True)
class Inertia:
    """Counts of positive, negative and zero eigenvalues, with exact evidence.

    ``negative_witness`` / ``positive_witness`` are primitive integer vectors ``v`` (tuples
    of ``sympy.Integer``, a subclass of ``sympy.Rational``) with ``v^T H v < 0`` / ``> 0``,
    or ``None`` when that count is 0; ``kernel`` is a basis of the kernel made of primitive
    integer vectors whose first non-zero entry is positive (``len(kernel) == zero``).
    """

    positive: int
    negative: int
    zero: int
    negative_witness: tuple | None
    positive_witness: tuple | None
    kernel: tuple

    @property
    def definiteness(self) -> str:
        """One of "positive definite", "negative definite", "positive semidefinite",
        "negative semidefinite", "indefinite" or "zero"."""
        if self.positive and self.negative:
            return "indefinite"
        if self.positive:
            return "positive definite" if not self.zero else "positive semidefinite"
        if self.negative:
            return "negative definite" if not self.zero else "negative semidefinite"
        return "zero"

    def as_dict(self) -> dict:
        """The three counts as ``{"positive": .., "negative": .., "zero": ..}``."""
        return {"positive": self.positive, "negative": self.negative, "zero": self.zero}


# ---------------------------------------------------------------------------------------
# input


def _symmetric_matrix(H, name="H"):
    """``H`` as an ``fmpq_mat``; ShapeError unless square, InvalidArgument unless symmetric."""
    matrix = rational_matrix(H, name)
    n, m = matrix.nrows(), matrix.ncols()
    if n != m:
        raise ShapeError(f"{name} has shape {n}x{m}; a Hessian must be square")
    if matrix == matrix.transpose():
        return matrix
    entries = matrix.entries()
    for i in range(n):
        for j in range(i + 1, n):
            if entries[i * n + j] != entries[j * n + i]:
                raise InvalidArgument(
                    f"{name} is not symmetric: {name}[{i}][{j}]={entries[i * n + j]} but "
                    f"{name}[{j}][{i}]={entries[j * n + i]}; pass an exactly symmetric matrix"
                )
    return matrix


# ---------------------------------------------------------------------------------------
# small exact helpers (integers throughout: Z = c * H with c > 0)


def primitive_vector(values):
    """Rational vector -> primitive integer vector (positive multiple) as Python ints; zeros stay zeros.

    >>> primitive_vector([flint.fmpq(1, 2), flint.fmpq(-3, 4), 0])
    [2, -3, 0]
    """
    values = [flint.fmpq(v) for v in values]
    denominator = lcm(*(int(v.q) for v in values))
    ints = [int(v.p) * (denominator // int(v.q)) for v in values]
    g = gcd(*ints)
    return [x // g for x in ints] if g > 1 else ints


def _oriented(ints):
    """Scale by -1 if needed so that the first non-zero entry is positive (kernel vectors)."""
    for x in ints:
        if x:
            return ints if x > 0 else [-y for y in ints]
    return ints


def _as_sympy(ints):
    return tuple(sympy.Integer(x) for x in ints)


def _quadratic_form(Z, ints):
    """Exact ``v^T Z v`` for an integer vector ``v`` (Python int)."""
    n = len(ints)
    column = flint.fmpz_mat(n, 1, ints)
    return int((column.transpose() * (Z * column))[0, 0])


def _sign_changes(coefficients):
    signs = [c > 0 for c in coefficients if c != 0]
    return sum(1 for a, b in zip(signs, signs[1:]) if a != b)


# ---------------------------------------------------------------------------------------
# counts


def _counts_charpoly(Z):
    """Exact (positive, negative, zero) of symmetric integer ``Z`` by Descartes' rule."""
    coefficients = [int(c) for c in Z.charpoly().coeffs()]  # constant term first
    zero = 0
    while coefficients[zero] == 0:
        zero += 1
    positive = _sign_changes(coefficients)
    negative = _sign_changes([-c if k % 2 else c for k, c in enumerate(coefficients)])
    return positive, negative, zero


_BLAS = []


def _single_threaded_blas():
    """Limit BLAS to one thread: for the matrices here one thread is fastest, and a
    multithreaded eigh on a busy 2-core machine was measured 19x slower (59 ms vs 3 ms
    at n = 96)."""
    if not _BLAS:
        _BLAS.append(ThreadpoolController())
    return _BLAS[0].limit(limits=1, user_api="blas")


class _FloatGuess:
    """Float eigendecomposition of ``Z`` (computed once, lazily); only ever a guess."""

    def __init__(self, Z):
        self._Z = Z
        self._done = False
        self.values = self.vectors = None

    def get(self):
        if not self._done:
            self._done = True
            n = self._Z.nrows()
            entries = [int(e) for e in self._Z.entries()]
            try:
                try:
                    floats = numpy.array(entries, dtype=float)
                    floats /= max(float(numpy.max(numpy.abs(floats))), 1.0)
                except OverflowError:  # entries beyond 1e308: scale exactly first
                    scale = max(abs(e) for e in entries)
                    floats = numpy.array([e / scale for e in entries], dtype=float)
                with _single_threaded_blas():
                    values, vectors = numpy.linalg.eigh(floats.reshape(n, n))
            except (numpy.linalg.LinAlgError, OverflowError, ValueError):
                return None, None
            if numpy.all(numpy.isfinite(values)) and numpy.all(numpy.isfinite(vectors)):
                self.values, self.vectors = values, vectors
        return self.values, self.vectors


def _round_columns(vectors, bits):
    """Columns of a float matrix -> integer columns ``round(v / max|v| * 2^bits)``, as a
    list of lists of Python ints (one per column), or ``None`` for a zero column."""
    tops = numpy.max(numpy.abs(vectors), axis=0)
    if not numpy.all(tops > 0):
        return None
    return numpy.rint(vectors / tops * 2.0**bits).astype(numpy.int64).T.tolist()


def _counts_certified(Z, kernel, guess, rounds=_REFINEMENTS):
    """Counts from an exactly checked diagonally dominant congruence, or ``None``.

    Returns ``(positive, negative, zero, negative_rows, positive_rows)`` where the rows are
    integer vectors ``q`` with ``q^T Z q < 0`` (resp. ``> 0``), exactly.  When the rounded
    eigenvectors do not give a dominant ``M = Q Z Q^T`` (an ill-conditioned ``Z``), up to
    ``rounds`` refinements replace ``Q`` by ``W Q``, ``W`` the rounded eigenvectors of ``M``
    scaled to unit diagonal; ``M`` is exact, so each round starts from exact residuals.
    """
    values, vectors = guess.get()
    if values is None:
        return None
    n = Z.nrows()
    rank = n - len(kernel)
    if rank == 0:
        return 0, 0, n, [], []
    order = numpy.argsort(-numpy.abs(values), kind="stable")[:rank]
    rows = _round_columns(vectors[:, order], 52)
    if rows is None:
        return None
    Q = flint.fmpz_mat(rows)
    for round_ in range(rounds + 1):
        M = Q * Z * Q.transpose()
        entries = [int(x) for x in M.entries()]
        diagonal = [entries[i * rank + i] for i in range(rank)]
        if all(diagonal):
            shifts = [abs(x).bit_length() // 2 for x in diagonal]
            if _scaled_dominant(entries, shifts, rank):
                break
        if round_ == rounds:
            return None
        W = _refinement(entries, diagonal, rank)
        if W is None:
            return None
        Q = W * Q
    rows = [[int(x) for x in row] for row in Q.tolist()]
    positive = negative = 0
    negative_rows, positive_rows = [], []
    for i in range(rank):
        g = gcd(*rows[i])
        row = [x // g for x in rows[i]] if g > 1 else rows[i]
        if diagonal[i] > 0:
            positive += 1
            positive_rows.append(row)
        else:
            negative += 1
            negative_rows.append(row)
    return positive, negative, len(kernel), negative_rows, positive_rows


def _scaled_dominant(entries, shifts, rank):
    """True when D M D is strictly diagonally dominant for D = diag(2^-shifts), exactly.

    Row i: |M_ii| 2^-s_i > Σ_{j≠i} |M_ij| 2^-s_j, multiplied through by 2^top (integers).
    D M D is congruent to M, so (Levy-Desplanques along D + t (D M D - D), t in [0, 1])
    M has the inertia of its diagonal.
    """
    top = max(shifts)
    weights = [1 << (top - k) for k in shifts]
    for i in range(rank):
        row = entries[i * rank:(i + 1) * rank]
        off = sum(abs(x) * w for j, (x, w) in enumerate(zip(row, weights)) if j != i)
        if abs(row[i]) * weights[i] <= off:
            return False
    return True


def _refinement(entries, diagonal, rank):
    """Integer rows W (an ``fmpz_mat``) of rounded eigenvectors of M scaled to unit diagonal, or None."""
    if not all(diagonal):
        return None
    shifts = [abs(x).bit_length() // 2 for x in diagonal]
    scaled = numpy.empty((rank, rank))
    for i in range(rank):
        for j in range(rank):
            x = entries[i * rank + j]
            cut = max(0, abs(x).bit_length() - 60)
            scaled[i, j] = math.ldexp(float(x >> cut if x >= 0 else -((-x) >> cut)), cut - shifts[i] - shifts[j])
    try:
        with _single_threaded_blas():
            _, V = numpy.linalg.eigh(scaled)
    except numpy.linalg.LinAlgError:
        return None
    # row k of W is V[:, k]ᵀ D with D = diag(2^-shifts), whose vectors diagonalise M
    W = V.T * numpy.array([math.ldexp(1.0, -k) for k in shifts])
    if not numpy.all(numpy.isfinite(W)):
        return None
    tops = numpy.max(numpy.abs(W), axis=1)
    if not numpy.all(tops > 0):
        return None
    integers = numpy.rint(W / tops[:, None] * 2.0**52).astype(numpy.int64)
    return flint.fmpz_mat(integers.tolist())


# ---------------------------------------------------------------------------------------
# witnesses


def _trivial_witness(Z, sign):
    """``e_i`` with ``sign * Z_ii > 0``, or ``e_i +- e_j`` with ``Z_ii = Z_jj = 0 != Z_ij``."""
    n = Z.nrows()
    diagonal = [Z[i, i] for i in range(n)]
    for i, value in enumerate(diagonal):
        if sign * value > 0:
            return [1 if k == i else 0 for k in range(n)]
    zeros = [i for i, value in enumerate(diagonal) if value == 0]
    for a, i in enumerate(zeros):
        for j in zeros[a + 1:]:
            value = Z[i, j]
            if value != 0:
                # (e_i + t e_j)^T Z (e_i + t e_j) = 2 t Z_ij with t = +-1.
                t = 1 if sign * value > 0 else -1
                return [1 if k == i else t if k == j else 0 for k in range(n)]
    return None


def _float_witness(Z, guess, sign):
    """A rounded float eigenvector whose eigenvalue has the wanted sign, checked exactly."""
    values, vectors = guess.get()
    if values is None:
        return None
    # The (up to) three eigenvectors whose eigenvalues have the wanted sign most strongly.
    candidates = [k for k in numpy.argsort(-sign * values, kind="stable")[:3]
                  if sign * values[k] > 0]
    for k in candidates:
        for bits in _WITNESS_BITS:
            rounded = _round_columns(vectors[:, [k]], bits)
            if rounded is not None and sign * _quadratic_form(Z, rounded[0]) > 0:
                g = gcd(*rounded[0])
                return [x // g for x in rounded[0]]
    return None


def _elimination_witness(Z, sign):
    """Last resort, always succeeds if a witness exists: run the exact congruence
    elimination until a pivot of the wanted sign appears; its row of S is a witness."""
    for _, row, previous, pivot in _elimination(Z):
        if sign * pivot * previous > 0:  # d = pivot / previous (times a positive scale)
            return primitive_vector(row)
    return None


def _shortest(rows):
    return min(rows, key=lambda r: sum(abs(x).bit_length() for x in r)) if rows else None


# ---------------------------------------------------------------------------------------
# public API


def inertia(H) -> Inertia:
    """Exact inertia of the symmetric rational matrix ``H``, with witnesses and kernel.

    ``H`` is anything :func:`symlandscape.exact.rational_matrix` accepts.  The counts and
    the kernel are exact and deterministic; a witness may come from a rounded float
    eigenvector (so it can differ between LAPACK builds) but is always verified exactly.
    Raises ``ShapeError`` unless ``H`` is square and ``InvalidArgument`` (naming the first
    entry pair) unless it is exactly symmetric; floats raise ``NotExactError``.

    >>> result = inertia([[0, -2], [-2, 0]])
    >>> result.as_dict()
    {'positive': 1, 'negative': 1, 'zero': 0}
    >>> result.negative_witness, result.positive_witness, result.definiteness
    ((1, 1), (1, -1), 'indefinite')
    >>> inertia([[1, 1], [1, 1]]).kernel
    ((1, -1),)
    """
    matrix = _symmetric_matrix(H)
    n = matrix.nrows()
    Z, _ = matrix.numer_denom()  # Z = c * H, c > 0: same inertia, kernel and witnesses

    basis, nullity = Z.nullspace()  # basis vectors are the first `nullity` columns
    kernel = []
    for column in basis.transpose().tolist()[:int(nullity)]:
        ints = [int(x) for x in column]
        g = gcd(*ints)
        kernel.append(_oriented([x // g for x in ints]))

    guess = _FloatGuess(Z)
    certified = None
    if n > _CHARPOLY_MAX_SIZE:
        certified = _counts_certified(Z, kernel, guess)
    if certified is not None:
        positive, negative, zero, negative_rows, positive_rows = certified
    else:
        positive, negative, zero = _counts_charpoly(Z)
        negative_rows = positive_rows = []
    if zero != len(kernel) or positive + negative + zero != n:  # pragma: no cover
        raise RuntimeError(
            f"internal error: inertia counts {(positive, negative, zero)} disagree with the "
            f"kernel dimension {len(kernel)} for a {n}x{n} matrix"
        )

    def witness(count, sign, certified_rows):
        if count == 0:
            return None
        found = (_trivial_witness(Z, sign) or _float_witness(Z, guess, sign)
                 or _shortest(certified_rows) or _elimination_witness(Z, sign))
        if not sign * _quadratic_form(Z, found) > 0:  # pragma: no cover
            raise RuntimeError(f"internal error: witness {found} failed its exact check")
        return _as_sympy(found)

    return Inertia(
        positive=positive,
        negative=negative,
        zero=zero,
        negative_witness=witness(negative, -1, negative_rows),
        positive_witness=witness(positive, 1, positive_rows),
        kernel=tuple(_as_sympy(v) for v in kernel),
    )


def _elimination(Z, blocks=False):
    """Exact symmetric elimination of the symmetric ``fmpz_mat`` ``Z``, step by step.

    Yields ``(index, row, previous, pivot)`` per row of ``S`` (in order), meaning: row
    ``s_t`` of ``S`` is ``row / previous``, ``d_t = pivot / previous`` and ``index`` is the
    coordinate eliminated, where ``S Z S^T = diag(d)``.  Pivoting is deterministic: the
    first remaining index with a non-zero diagonal entry; if every remaining diagonal entry
    is 0 but some entry ``(i, j)`` is not (first such pair, ``i < j``), row and column
    ``i`` are first replaced by row/column ``i`` + row/column ``j``, making the diagonal
    entry ``2 Z_ij``.  With ``blocks``, ``j`` is eliminated right after ``i`` (its diagonal
    entry is then ``-Z_ij / 2``): the pair is one 2x2 pivot block, whose rows of ``S`` are
    ``[[1, 1], [-1/2, 1/2]]`` on ``(i, j)``.  Zero pivots come last.
    """
    n = Z.nrows()
    # Fraction-free (Bareiss-style) form of the elimination, all in fmpz_mat.  With
    # `previous` the last pivot of B (1 at the start), the rational quantities are
    #     S_i (row i of S, i still active) = T_i / previous,
    #     C (active Schur complement of Z)  = B / previous,
    # and S Z S^T = diag(d so far) + C at all times.  Eliminating pivot k, p = B_kk,
    # a = B[:, k], is the congruence by E = I - u e_k^T with u_i = C_ik / C_kk (u_k = 0):
    #     C <- C - C[:,k] C[k,:] / C_kk,   S_i <- S_i - (C_ik / C_kk) S_k   (i != k),
    # i.e.  B <- (p B - a a^T) / previous  and  T <- (p T - a T_k) / previous.
    # The divisions are exact (Sylvester's determinant identity: B's entries are minors of
    # Z after the unimodular pair steps, T's rows are cofactor rows), and flint's fmpz_mat
    # division raises if one were not, so nothing is ever rounded.  Every step multiplies
    # S by an elementary invertible matrix, so S is invertible.
    B = flint.fmpz_mat(Z)
    T = flint.fmpz_mat(n, n)
    for i in range(n):
        T[i, i] = 1
    previous = flint.fmpz(1)
    active = list(range(n))
    forced = None
    while active:
        k = forced if forced is not None else next((i for i in active if B[i, i] != 0), None)
        forced = None
        if k is None:
            pair = next(((i, j) for a, i in enumerate(active) for j in active[a + 1:]
                         if B[i, j] != 0), None)
            if pair is None:
                break  # the active block is zero
            i, j = pair
            # Congruence by E = I + e_i e_j^T (unimodular): row i += row j, then
            # column i += column j, so B_ii becomes B_ii + 2 B_ij + B_jj = 2 B_ij.
            for m in active:
                B[i, m] = B[i, m] + B[j, m]
            for m in active:
                B[m, i] = B[m, i] + B[m, j]
            for m in range(n):
                T[i, m] = T[i, m] + T[j, m]
            k = i
            if blocks:
                forced = j
        pivot = B[k, k]
        row_k = [T[k, m] for m in range(n)]
        yield k, row_k, previous, pivot
        a = flint.fmpz_mat(n, 1, [B[m, k] for m in range(n)])  # zero off the active set
        # Row/column k of B and row k of T become exactly zero (a_k = p); rows eliminated
        # earlier are zero and stay zero (a_m = 0 there).
        B = (B * pivot - a * a.transpose()) / previous
        T = (T * pivot - a * flint.fmpz_mat(1, n, row_k)) / previous
        previous = pivot
        active.remove(k)
    for k in active:
        # Remaining rows: s_k Z S^T = 0 because the active block of C is zero.
        yield k, [T[k, m] for m in range(n)], previous, flint.fmpz(0)


def congruence_diagonalization(H):
    """Exact ``(S, d)`` with ``S`` invertible and ``S H S^T = diag(d)`` (``fmpq_mat``, ``fmpq``).

    Symmetric Gaussian elimination (Lagrange/Sylvester), deterministic: the pivot is the
    first remaining index with a non-zero diagonal entry; if every remaining diagonal entry
    is 0 but some ``H_ij != 0`` (first such pair, ``i < j``), row and column ``i`` are first
    replaced by row/column ``i`` + row/column ``j``, making the diagonal entry ``2 H_ij``.
    By Sylvester's law of inertia the signs of ``d`` give the inertia of ``H``.  Row ``t``
    of ``S`` belongs to ``d[t]``; the rows with ``d[t] = 0`` come last and span the kernel:
    ``s_t H S^T = d_t e_t^T = 0`` and ``S^T`` is invertible, so ``s_t H = 0``.

    >>> S, d = congruence_diagonalization([[0, -2], [-2, 0]])
    >>> S.tolist(), d
    ([[1, 1], [-1/2, 1/2]], [-4, 1])
    """
    matrix = _symmetric_matrix(H)
    Z, scale = matrix.numer_denom()  # H = Z / scale with scale > 0, so d(H) = d(Z) / scale
    n = Z.nrows()
    found = _ldl(Z, blocks=False)
    _, _, rows, d = found
    entries = [e for row in rows for e in row]
    return flint.fmpq_mat(n, n, entries), [x / scale for x in d]


def ldl_congruence(H):
    """The canonical congruence of the symmetric rational ``H`` with 2x2 pivot blocks.

    Returns ``(order, pairs, rows, d)``: ``rows[t]`` (``fmpq``) is row ``t`` of ``S`` with
    ``S H S^T = diag(d)``, ``order[t]`` the coordinate eliminated at step ``t`` and ``pairs``
    the positions ``t`` where a 2x2 block occupies steps ``t, t + 1``.  The pivot is the
    first remaining coordinate with a nonzero diagonal entry of the Schur complement; when
    every remaining diagonal entry is zero, the first pair ``(i, j)`` with a nonzero entry
    is one block, whose rows of ``S`` are ``[[1, 1], [-1/2, 1/2]]`` on ``(i, j)``.  This is
    the form :func:`symlandscape.verify` checks (the unique LDLᵀ form of its pivot order).

    Here the first nonzero diagonal entry is 3 (coordinate 2); then both remaining diagonal
    entries are zero and (0, 1) is a block, with pivots 2·1 and -1/2:

    >>> order, pairs, rows, d = ldl_congruence([[0, 1, 0], [1, 0, 0], [0, 0, 3]])
    >>> order, pairs, [[str(x) for x in row] for row in rows], [str(x) for x in d]
    ([2, 0, 1], [1], [['0', '0', '1'], ['1', '1', '0'], ['-1/2', '1/2', '0']], ['3', '2', '-1/2'])
    """
    matrix = _symmetric_matrix(H)
    Z, scale = matrix.numer_denom()
    order, pairs, rows, d = _ldl(Z, blocks=True)
    return order, pairs, rows, [x / scale for x in d]


# ---------------------------------------------------------------------------------------
# the LDLᵀ congruence: a pivot order found modulo a prime, the factors by flint's
# fraction-free LU
#
# The rational elimination costs n rank-one updates of a matrix whose entries grow to
# thousands of bits (seconds at n = 400).  But the factors of a given pivot order are a
# few calls to flint's C routines: with A = P E Z Eᵀ Pᵀ (P the pivot order, E the
# unimodular steps row/column i += j of the 2x2 blocks, applied up front: they commute
# with the rank-one updates of other pivots) and A11 its leading r x r block, the
# fraction-free LU of A11 gives the leading minors D_k (so d_k = D_k / D_{k-1}) and
# Ũ = D Lᵀ; then S1 = L⁻¹ = Ũ A11⁻¹ (one exact solve), and the kernel rows are
# [-A21 A11⁻¹, I].  The order itself is found by running the same elimination modulo
# the prime 2^31 - 1 in numpy.  A pivot nonzero modulo p is nonzero; a zero modulo p may
# hide a nonzero number, and then a stated fact fails (the Schur complement of the
# kernel is not zero, a block's entry is not -1/2, the LU needs a row swap): every one is
# checked exactly, and the elimination in exact integers (_elimination) answers instead.

_PRIME = 2**31 - 1
# Up to this size the exact elimination alone (measured: 0.4 ms vs 1.3 ms at n = 12, equal
# at n = 24, 23 ms vs 20 ms at n = 48 with small rational entries).
_EXACT_LDL_SIZE = 24


def _modular_order(Z, blocks):
    """``(order, pairs, rank)`` of the elimination of ``Z`` run modulo ``_PRIME``.

    ``pairs`` are step positions (``blocks``) or coordinate pairs ``(i, j)``.  The active
    block is kept compact (eliminated rows and columns are dropped), in coordinate order.
    """
    n = Z.nrows()
    A = numpy.array([int(x) % _PRIME for x in Z.entries()], dtype=numpy.int64).reshape(n, n)
    index = numpy.arange(n)
    order, pairs = [], []
    forced = None
    while len(index):
        if forced is not None:
            k, forced = int(numpy.flatnonzero(index == forced)[0]), None
        else:
            candidates = numpy.flatnonzero(numpy.diagonal(A))
            k = int(candidates[0]) if len(candidates) else None
        if k is None:
            hits = numpy.argwhere(numpy.triu(A, 1))
            if not len(hits):
                break
            i, j = int(hits[0][0]), int(hits[0][1])
            A[i, :] = (A[i, :] + A[j, :]) % _PRIME
            A[:, i] = (A[:, i] + A[:, j]) % _PRIME
            k = i
            if blocks:
                forced = int(index[j])
                pairs.append(len(order))
            else:
                pairs.append((int(index[i]), int(index[j])))
        inverse = pow(int(A[k, k]), _PRIME - 2, _PRIME)
        column = A[:, k].copy()
        A -= numpy.outer(column, column * inverse % _PRIME) % _PRIME
        A %= _PRIME
        order.append(int(index[k]))
        keep = numpy.arange(len(index)) != k
        A = A[keep][:, keep]
        index = index[keep]
    rank = len(order)
    order += [int(i) for i in index]
    return order, pairs, rank


def _ldl(Z, blocks):
    """``(order, pairs, rows, d)`` of the canonical elimination of the symmetric integer ``Z``.

    ``pairs`` are step positions (``blocks``) or the coordinate pairs ``(i, j)`` of the
    unimodular steps (not ``blocks``); ``rows`` are lists of ``fmpq``, ``d`` the pivots.
    """
    n = Z.nrows()
    # small matrices: the exact elimination is faster than the modular order's set-up
    found = _ldl_modular(Z, blocks) if n > _EXACT_LDL_SIZE else None
    if found is not None:
        return found
    order, pairs, rows, d = [], [], [], []
    for index, row, previous, pivot in _elimination(Z, blocks):
        order.append(index)
        rows.append([flint.fmpq(x, previous) for x in row])
        d.append(flint.fmpq(pivot, previous))
    if blocks:
        # a block's first row has the entry 1 at the next pivot; a unit lower triangular row has 0
        rank = sum(1 for x in d if x != 0)
        pairs = [t for t in range(rank - 1) if rows[t][order[t + 1]] != 0]
    return order, pairs, rows, d


def _ldl_modular(Z, blocks):
    """The factors of the pivot order found modulo a prime, checked exactly; None if a check fails."""
    n = Z.nrows()
    order, pairs, rank = _modular_order(Z, blocks)
    if not blocks and pairs:
        return None  # unimodular steps whose partner is eliminated later: the exact elimination
    entries = [int(x) for x in Z.entries()]
    table = [entries[i * n:(i + 1) * n] for i in range(n)]
    couples = [(order[t], order[t + 1]) for t in pairs]
    for i, j in couples:  # E Z Eᵀ: row i += row j, then column i += column j
        table[i] = [a + b for a, b in zip(table[i], table[j])]
        for row in table:
            row[i] += row[j]
    A = [[table[a][b] for b in order] for a in order]
    r = rank
    if r:
        # Bareiss on [A11 | I]: after step k, row k is D_{k-1} [Ũ_k, (L⁻¹)_k], so the right
        # block holds S1 = L⁻¹ row by row, and the diagonal the leading minors D_k
        augmented = flint.fmpz_mat([row[:r] + [int(u == t) for u in range(r)] for t, row in enumerate(A[:r])])
        LU, _, permutation, lu_rank = augmented._fflu()
        if lu_rank != r or list(permutation) != list(range(r)):
            return None
        minors = [LU[k, k] for k in range(r)]
        if any(m == 0 for m in minors):
            return None
        previous = [flint.fmpz(1)] + minors[:-1]
        S1 = [[flint.fmpq(LU[k, r + j], previous[k]) for j in range(r)] for k in range(r)]
        d = [flint.fmpq(minors[k], previous[k]) for k in range(r)]
        for t in pairs:
            if S1[t + 1][t] != flint.fmpq(-1, 2):  # a block whose diagonal was not zero
                return None
    else:
        S1, d = [], []
    kernel_rows = []
    if r < n:
        A12 = flint.fmpz_mat([row[r:] for row in A[:r]]) if r else None
        A22 = flint.fmpz_mat([row[r:] for row in A[r:]])
        if r:
            # K = A11⁻¹ A12 with A11⁻¹ = S1ᵀ D⁻¹ S1: products only, no solve
            S1m = flint.fmpq_mat(r, r, [x for row in S1 for x in row])
            Dinv = flint.fmpq_mat(r, r, [1 / d[t] if t == u else 0 for t in range(r) for u in range(r)])
            K = S1m.transpose() * (Dinv * (S1m * flint.fmpq_mat(A12)))
            if flint.fmpq_mat(A22) != flint.fmpq_mat(A12.transpose()) * K:  # the Schur complement must vanish
                return None
            kt = K.transpose().entries()
        elif not A22.is_zero():
            return None
        for t in range(n - r):
            row = [-flint.fmpq(kt[t * r + j]) for j in range(r)] if r else []
            row += [flint.fmpq(int(u == t)) for u in range(n - r)]
            kernel_rows.append(row)
    rows = []
    zero = flint.fmpq(0)
    for permuted in S1 + kernel_rows:
        row = [zero] * n
        for u, x in enumerate(permuted + [zero] * (n - len(permuted))):
            if x:
                row[order[u]] = x
        for i, j in couples:  # times E: column j += column i
            row[j] = row[j] + row[i]
        rows.append(row)
    d += [zero] * (n - r)
    return order, (pairs if blocks else []), rows, d
