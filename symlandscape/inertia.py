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
#    eigenvalues of largest magnitude, rounded to integer vectors, form the rows of an
#    integer r x n matrix Q.  Row k is scaled by about 2^b / sqrt(|λ_k|) (b = bit length of
#    r - 1), so that every diagonal entry of M = Q Z Q^T has about one size and a row of a large
#    eigenvalue needs few bits.  Then M is computed exactly (flint; only its blocks on and
#    above the diagonal).  If M is strictly diagonally dominant then (Levy-Desplanques)
#    every matrix D + t (M - D), t in [0, 1], D = diag(M), is nonsingular, so no eigenvalue
#    crosses 0 along the path and inertia(M) = the signs of diag(M).  Let K (n x (n - r)) be
#    the exact kernel basis of Z (flint's nullspace, exact).  The square matrix [Q; K^T] is
#    invertible (if a^T Q + b^T K^T = 0, multiply by Z Q^T: a^T M = 0, so a = 0, then b = 0
#    as K has full rank), and it transforms Z into blockdiag(M, 0) since Z K = 0.  By
#    Sylvester's law, inertia(Z) = inertia(M) + (0, 0, n - r).  The dominance test is the
#    scaled one: D M D with D = diag(2^-s_i), s_i = half the bit length of M_ii, is strictly
#    diagonally dominant (D M D is congruent to M, so the same argument applies).
#    On an ill-conditioned Z (deep linear Hessians at random points, condition number
#    ~1e15) the float eigenvectors of the smallest eigenvalues are not accurate enough and a
#    few rows S fail the test.  Only those rows are refined, each round a congruence
#    M <- T M T^T, Q <- T Q with T = I outside the rows S, computed exactly from the exact M:
#    first one step of block elimination frees each row of S from its coupling to the
#    passing rows (float multipliers, rounded; the exact M then holds the Schur complement),
#    then the rows S become the rounded eigenvectors of the float D M_SS D.  A round costs
#    O(|S| r^2) instead of a new product; up to _REFINEMENTS rounds.  Whatever T is, the
#    final exact test is all that is trusted: it passes only for a nonsingular M = Q Z Q^T.
#    If it still fails, method 1 is used.
#    When the float eigenvalues look bounded away from 0, r = n is tried first with no
#    kernel: a dominant n x n M is nonsingular, so Z is, and the exact nullspace is skipped.
#    Measured: at n = 256 with small rational entries this takes ~0.06 s while the exact
#    charpoly takes ~1-2 s, and ~2 s at n = 1,024 (a deep linear Hessian, 48-bit entries);
#    for small n the charpoly is used directly (see below).
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
            entries = self._Z.entries()
            try:
                try:  # float(fmpz) directly: twice as fast as through int at 448 rows
                    floats = numpy.fromiter(map(float, entries), dtype=float, count=n * n)
                    floats /= max(float(numpy.max(numpy.abs(floats))), 1.0)
                except OverflowError:  # entries beyond 1e308: scale exactly first
                    entries = [int(e) for e in entries]
                    scale = max(abs(e) for e in entries)
                    floats = numpy.array([e / scale for e in entries], dtype=float)
                with _single_threaded_blas():
                    values, vectors = numpy.linalg.eigh(floats.reshape(n, n))
            except (numpy.linalg.LinAlgError, OverflowError, ValueError):
                return None, None
            if numpy.all(numpy.isfinite(values)) and numpy.all(numpy.isfinite(vectors)):
                self.values, self.vectors = values, vectors
        return self.values, self.vectors

    def nonsingular(self):
        """Whether the float eigenvalues look bounded away from 0 (|λ| > 2^-40 max|λ|): only
        decides which exact path is tried first."""
        values, _ = self.get()
        if values is None or not len(values):
            return False
        magnitudes = numpy.abs(values)
        return bool(numpy.min(magnitudes) > 2.0**-40 * numpy.max(magnitudes))


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
    integer vectors ``q`` with ``q^T Z q < 0`` (resp. ``> 0``), exactly.  The rows of ``Q``
    are rounded float eigenvectors, each scaled so that ``M = Q Z Q^T`` has diagonal entries
    of about one size (:func:`_scaled_rows`).  When ``M`` is not dominant (an ill-conditioned
    ``Z``), up to ``rounds`` refinements change only the failing rows (:func:`_refine`); ``M``
    is exact, so each round starts from exact residuals.
    """
    values, vectors = guess.get()
    if values is None:
        return None
    n = Z.nrows()
    rank = n - len(kernel)
    if rank == 0:
        return 0, 0, n, [], []
    order = numpy.argsort(-numpy.abs(values), kind="stable")[:rank]
    rows = _scaled_rows(vectors[:, order], values[order], max(1, rank - 1).bit_length())
    if rows is None:
        return None
    M = _congruent(rows, Z)
    for round_ in range(rounds + 1):
        failing = _failing_rows(M)
        if not failing:
            break
        if round_ == rounds:
            return None
        refined = _refine(M, rows, failing)
        if refined is None:
            return None
        M, rows = refined
    positive = negative = 0
    negative_rows, positive_rows = [], []
    for i in range(rank):
        if M[i, i] > 0:
            positive += 1
            positive_rows.append(rows[i])
        else:
            negative += 1
            negative_rows.append(rows[i])
    return positive, negative, len(kernel), negative_rows, positive_rows


# Most bits of a rounded eigenvector (the rows are built in int64).
_ROW_CAP = 60


def _scaled_rows(vectors, values, bits):
    """Integer rows ``round(2^t_k v_k / max|v_k|)``, t_k = bits + log2 sqrt(max|λ| / |λ_k|).

    Then ``M_kk ≈ 4^t_k λ_k`` has about one size for every k: rounding a row couples it to
    the others in proportion to sqrt(|λ|) of each, so a row of a large eigenvalue needs few
    bits and one of a small eigenvalue more (measured on a 1,024-parameter deep linear
    Hessian: 10 to 29 bits instead of 52 for every row).
    Returns a list of lists of Python ints, or ``None`` for a degenerate guess.
    """
    magnitudes = numpy.abs(values)
    largest = float(numpy.max(magnitudes)) if len(magnitudes) else 0.0
    tops = numpy.max(numpy.abs(vectors), axis=0)
    if not largest > 0 or not numpy.all(tops > 0):
        return None
    magnitudes = numpy.maximum(magnitudes, largest * 2.0**-120)
    exponents = numpy.minimum(bits + numpy.rint(0.5 * numpy.log2(largest / magnitudes)), _ROW_CAP)
    scaled = vectors / tops * numpy.ldexp(1.0, exponents.astype(int))
    return numpy.rint(scaled).astype(numpy.int64).T.tolist()


# Products larger than this many rows are split into blocks (only the blocks on and above
# the diagonal of the symmetric M are multiplied: 10 of 16 with four blocks).
_BLOCK_ROWS = 256


def _congruent(rows, Z):
    """``M = Q Z Q^T`` exactly (flint), as an r x r numpy array of ``fmpz`` (r = len(rows)).

    ``Z`` is symmetric, so ``M`` is: the blocks below the diagonal are the transposes of
    those above it.
    """
    r = len(rows)
    count = max(1, min(4, r // _BLOCK_ROWS))
    cuts = [r * k // count for k in range(count + 1)]
    blocks = [flint.fmpz_mat(rows[cuts[k]:cuts[k + 1]]) for k in range(count)]
    M = numpy.empty((r, r), dtype=object)
    for I in range(count):
        G = blocks[I] * Z
        for J in range(I, count):
            block = numpy.array((G * blocks[J].transpose()).entries(), dtype=object)
            block = block.reshape(cuts[I + 1] - cuts[I], cuts[J + 1] - cuts[J])
            M[cuts[I]:cuts[I + 1], cuts[J]:cuts[J + 1]] = block
            if J != I:
                M[cuts[J]:cuts[J + 1], cuts[I]:cuts[I + 1]] = block.T
    return M


def _shifts(M):
    """s_i = half the bit length of M_ii (Python ints)."""
    return [int(abs(x)).bit_length() // 2 for x in M.diagonal()]


def _failing_rows(M):
    """Rows i where D M D is not strictly diagonally dominant, D = diag(2^-s_i), exactly.

    Row i: |M_ii| 2^-s_i > Σ_{j≠i} |M_ij| 2^-s_j, multiplied through by 2^top (integers).
    D M D is congruent to M, so if no row fails (Levy-Desplanques along D + t (D M D - D),
    t in [0, 1]) M has the inertia of its diagonal.  The sums are exact (``fmpz``).
    """
    shifts = _shifts(M)
    top = max(shifts)
    weights = numpy.array([flint.fmpz(1) << (top - s) for s in shifts], dtype=object)
    weighted = numpy.abs(M) * weights[None, :]
    diagonal = weighted.diagonal()
    off = weighted.sum(axis=1) - diagonal
    return [i for i in range(len(shifts)) if not diagonal[i] > off[i]]


def _scaled_float(M, index, shifts):
    """Float D M D restricted to ``index`` (rows and columns); ``None`` beyond float range."""
    try:
        block = numpy.array(M[numpy.ix_(index, index)], dtype=float)
        scale = numpy.ldexp(1.0, -numpy.array([shifts[i] for i in index]))
        with numpy.errstate(under="ignore"):
            block = block * scale[:, None] * scale[None, :]
    except OverflowError:
        block = None
    if block is None or not numpy.all(numpy.isfinite(block)):
        # entries beyond 2^1023: scale exactly first, keeping the leading 60 bits
        try:
            block = numpy.array([[_scaled_entry(int(M[i, j]), shifts[i] + shifts[j]) for j in index]
                                 for i in index])
        except OverflowError:  # a scaled entry beyond float range: no useful guess
            return None
    return block if numpy.all(numpy.isfinite(block)) else None


def _scaled_entry(x, k):
    """Float ``x * 2^-k`` for a Python int ``x`` of any size."""
    cut = max(0, abs(x).bit_length() - 60)
    return math.ldexp(float(x >> cut if x >= 0 else -((-x) >> cut)), cut - k)


def _round_scaled(y, k):
    """The integer nearest ``y * 2^k`` (float ``y``, any int ``k``; halves round up), exactly.

    >>> _round_scaled(0.75, 2), _round_scaled(-0.75, 1), _round_scaled(0.1, 0), _round_scaled(1.5, 70) == 3 << 69
    (3, -1, 0, True)
    """
    mantissa, exponent = math.frexp(y)
    integer = int(math.ldexp(mantissa, 53))
    shift = exponent - 53 + k
    return integer << shift if shift >= 0 else (integer + (1 << (-shift - 1))) >> -shift


# Margin (bits) of the elimination step against rounding its multipliers.
_MARGIN = 8


def _refine(M, rows, failing):
    """One refinement of the failing rows S: ``(M', rows')`` with ``M' = T M T^T`` and
    ``Q' = T Q`` exactly, T = I outside the rows S, or ``None``.

    First (if some row passes) each failing row is freed of its coupling to the passing
    rows R, as one step of block elimination with float multipliers:
    q_s <- α_s q_s - Σ_r round(α_s c_sr) q_r with c = M_SR M_RR^-1 (float, guided by the
    dominant D M_RR D), α_s a power of two large enough that the rounding leaves a coupling
    far below the Schur complement that row s now carries.  Then the rows S are replaced by
    the rounded eigenvectors of the float D M_SS D.  Whether T is invertible need not be
    checked: the next exact test passes only if M' is nonsingular, and then Q' has full
    rank.  Only |S| rows of M change, so a round costs O(|S| r^2), not a full product, when
    few rows fail (typically the smallest eigenvalues' cluster).
    """
    r = M.shape[0]
    S = list(failing)
    member = set(S)
    R = [i for i in range(r) if i not in member]
    shifts = _shifts(M)
    if R:
        X = _scaled_float(M, list(range(r)), shifts)
        if X is None:
            return None
        try:
            with _single_threaded_blas(), numpy.errstate(all="ignore"):  # a guess: checked below
                Y = numpy.linalg.solve(X[numpy.ix_(R, R)], X[numpy.ix_(R, S)])  # X_RR^-1 X_RS
                schur = numpy.abs(X[S, S] - numpy.einsum("rs,rs->s", X[numpy.ix_(R, S)], Y))
        except numpy.linalg.LinAlgError:
            return None
        if not (numpy.all(numpy.isfinite(Y)) and numpy.all(numpy.isfinite(schur))):
            return None
        top_r = max(shifts[i] for i in R)
        C = []
        for a, s in enumerate(S):
            # c_sr = 2^(s_s - s_r) Y_rs; a rounding error e in α c couples row s to row r by
            # about e 2^(s_r - s_s) / (α sqrt(schur)) after scaling, over r rows
            floor = max(float(schur[a]), 2.0**-200)
            alpha = _MARGIN + (r - 1).bit_length() + top_r - shifts[s] + math.ceil(-0.5 * math.log2(floor))
            alpha = max(alpha, 0)
            row = [0] * r
            row[s] = 1 << alpha
            for b, i in enumerate(R):
                if Y[b, a] != 0:
                    row[i] = -_round_scaled(float(Y[b, a]), alpha + shifts[s] - shifts[i])
            C.append(row)
        M, rows = _apply(M, S, C, rows)
        shifts = _shifts(M)
    if len(S) > 1:
        X = _scaled_float(M, S, shifts)
        if X is None:
            return None
        try:
            with _single_threaded_blas():
                mu, V = numpy.linalg.eigh(X)
        except numpy.linalg.LinAlgError:
            return None
        magnitudes = numpy.abs(mu)
        largest = float(numpy.max(magnitudes))
        if not largest > 0 or not numpy.all(numpy.isfinite(V)):
            return None
        # row k of W is V[:, k]ᵀ D_S (D = diag(2^-shifts)), whose rows diagonalise M_SS;
        # it is scaled by 2^(E_k + s_max) so that every entry keeps E_k bits in D's
        # coordinates, E_k growing with sqrt(1 / |μ_k|) as in _scaled_rows
        highest = max(shifts[i] for i in S)
        bits = _MARGIN + (len(S) - 1).bit_length() + 20
        C = []
        for k in range(len(S)):
            extra = round(0.5 * math.log2(largest / max(float(magnitudes[k]), largest * 2.0**-120)))
            exponent = bits + extra + highest
            row = [0] * r
            for a, i in enumerate(S):
                if V[a, k] != 0:
                    row[i] = _round_scaled(float(V[a, k]), exponent - shifts[i])
            C.append(row)
        M, rows = _apply(M, S, C, rows)
    return M, rows


def _apply(M, S, C, rows):
    """Replace rows S of T = I by C (|S| x r): ``M' = T M T^T`` and the rows of ``Q' = T Q``."""
    r = M.shape[0]
    Cm = flint.fmpz_mat(C)
    Mm = flint.fmpz_mat(r, r, list(M.ravel()))
    P = Cm * Mm  # rows S of T M
    corner = P * Cm.transpose()  # T M T^T on S x S
    new = numpy.array(P.entries(), dtype=object).reshape(len(S), r)
    new[:, S] = numpy.array(corner.entries(), dtype=object).reshape(len(S), len(S))
    M = M.copy()
    M[S, :] = new
    M[:, S] = new.T
    updated = (Cm * flint.fmpz_mat(rows)).tolist()
    rows = list(rows)
    for a, s in enumerate(S):
        rows[s] = [int(x) for x in updated[a]]
    return M, rows


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


def _kernel(Z):
    """Exact kernel basis of ``Z``: primitive integer vectors, first non-zero entry positive."""
    basis, nullity = Z.nullspace()  # basis vectors are the first `nullity` columns
    kernel = []
    for column in basis.transpose().tolist()[:int(nullity)]:
        ints = [int(x) for x in column]
        g = gcd(*ints)
        kernel.append(_oriented([x // g for x in ints]))
    return kernel


def _shortest(rows):
    """The row of fewest bits, divided by the gcd of its entries (or None)."""
    if not rows:
        return None
    row = min(rows, key=lambda r: sum(abs(x).bit_length() for x in r))
    g = gcd(*row)
    return [x // g for x in row] if g > 1 else list(row)


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

    guess = _FloatGuess(Z)
    certified = kernel = None
    if n > _CHARPOLY_MAX_SIZE and guess.nonsingular():
        # a dominant n x n M = Q Z Qᵀ is nonsingular, so Z is: the kernel is proven empty
        # without computing it
        certified = _counts_certified(Z, [], guess)
        if certified is not None:
            kernel = []
    if kernel is None:
        kernel = _kernel(Z)
        if n > _CHARPOLY_MAX_SIZE and (kernel or not guess.nonsingular()):  # else tried above
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
