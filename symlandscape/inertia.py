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
#    inertia(Z) = inertia(M) + (0, 0, n - r).  If the exact check fails, method 1 is used.
#    Measured: at n = 256 with small rational entries this takes ~0.1 s while the exact
#    charpoly takes ~1-2 s; for small n the charpoly is used directly (see below).
#
# Witnesses v with v^T H v < 0 (> 0) are found by cheap guesses (unit vectors, e_i +- e_j,
# rounded float eigenvectors, rows of Q above) and always verified exactly; the last
# resort is the exact congruence elimination S H S^T = diag(d), whose rows s_i with
# d_i < 0 (> 0) are witnesses by construction (run only until such a pivot appears).

from __future__ import annotations

from dataclasses import dataclass
from math import gcd, lcm

import flint
import numpy
import sympy
from threadpoolctl import ThreadpoolController

from .errors import InvalidArgument, ShapeError
from .exact import rational_matrix

__all__ = ["Inertia", "inertia", "congruence_diagonalization"]

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


def _primitive(values):
    """Rational vector -> primitive integer vector (positive multiple) as Python ints."""
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


def _counts_certified(Z, kernel, guess):
    """Counts from an exactly checked diagonally dominant congruence, or ``None``.

    Returns ``(positive, negative, zero, negative_rows, positive_rows)`` where the rows are
    integer vectors ``q`` with ``q^T Z q < 0`` (resp. ``> 0``), exactly.
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
    entries = [int(x) for x in (Q * Z * Q.transpose()).entries()]
    positive = negative = 0
    negative_rows, positive_rows = [], []
    for i in range(rank):
        row = entries[i * rank:(i + 1) * rank]
        diagonal = abs(row[i])
        if 2 * diagonal <= sum(map(abs, row)):  # not strictly diagonally dominant
            return None
        if row[i] > 0:
            positive += 1
            positive_rows.append(rows[i])
        else:
            negative += 1
            negative_rows.append(rows[i])
    return positive, negative, len(kernel), negative_rows, positive_rows


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
    for row, previous, pivot in _elimination(Z):
        if sign * pivot * previous > 0:  # d = pivot / previous (times a positive scale)
            return _primitive(row)
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


def _elimination(Z):
    """Exact symmetric elimination of the symmetric ``fmpz_mat`` ``Z``, step by step.

    Yields ``(row, previous, pivot)`` per row of ``S`` (in order), meaning: row ``s_t`` of
    ``S`` is ``row / previous`` and ``d_t = pivot / previous``, where ``S Z S^T = diag(d)``.
    Pivoting is deterministic: the first remaining index with a non-zero diagonal entry;
    if every remaining diagonal entry is 0 but some entry ``(i, j)`` is not (first such
    pair, ``i < j``), row and column ``i`` are first replaced by row/column ``i`` +
    row/column ``j``, making the diagonal entry ``2 Z_ij``.  Zero pivots come last.
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
    while active:
        k = next((i for i in active if B[i, i] != 0), None)
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
        pivot = B[k, k]
        row_k = [T[k, m] for m in range(n)]
        yield row_k, previous, pivot
        a = flint.fmpz_mat(n, 1, [B[m, k] for m in range(n)])  # zero off the active set
        # Row/column k of B and row k of T become exactly zero (a_k = p); rows eliminated
        # earlier are zero and stay zero (a_m = 0 there).
        B = (B * pivot - a * a.transpose()) / previous
        T = (T * pivot - a * flint.fmpz_mat(1, n, row_k)) / previous
        previous = pivot
        active.remove(k)
    for k in active:
        # Remaining rows: s_k Z S^T = 0 because the active block of C is zero.
        yield [T[k, m] for m in range(n)], previous, flint.fmpz(0)


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
    entries, d = [], []
    for row, previous, pivot in _elimination(Z):
        entries.extend(flint.fmpq(x, previous) for x in row)
        d.append(flint.fmpq(pivot, previous * scale))
    return flint.fmpq_mat(n, n, entries), d
