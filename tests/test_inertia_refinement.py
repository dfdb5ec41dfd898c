"""The certified congruence of symlandscape.inertia on ill-conditioned matrices.

Each matrix is A = Q diag(d) Qᵀ with Q a product of Householder reflections
I - 2 v vᵀ / (vᵀ v) with integer v, so Q is exactly orthogonal and rational: A is similar
and congruent to diag(d), and its inertia is the count of signs of d, known by
construction.  The entries |d_i| = 2^-k reach 2^-60, far below the float error of
eigvalsh (about 1e-16 ||A||), which indeed gets some signs wrong.
"""

from __future__ import annotations

import importlib
import random

import flint
import numpy
import pytest

from symlandscape.inertia import inertia

inertia_module = importlib.import_module("symlandscape.inertia")  # the package exports the function


def identity(n):
    return flint.fmpq_mat(n, n, [int(i == j) for i in range(n) for j in range(n)])


def householder_product(n, count, rng):
    Q = identity(n)
    for _ in range(count):
        v = flint.fmpq_mat(n, 1, [rng.randint(-3, 3) for _ in range(n)])
        norm = (v.transpose() * v)[0, 0]
        if norm != 0:
            Q = Q * (identity(n) - v * v.transpose() * flint.fmpq(2) / norm)
    return Q


def ill_conditioned(n, seed, zeros, span):
    """``(A, (positive, negative, zero))`` with A = Q diag(d) Qᵀ, |d_i| = 2^-k, 0 <= k <= span."""
    rng = random.Random(seed)
    d = [flint.fmpq(rng.choice([-1, 1]), 2 ** rng.randint(0, span)) for _ in range(n - zeros)]
    d += [flint.fmpq(0)] * zeros
    Q = householder_product(n, 3, rng)
    assert Q * Q.transpose() == identity(n)  # exactly orthogonal
    D = flint.fmpq_mat(n, n, [d[i] if i == j else 0 for i in range(n) for j in range(n)])
    return Q * D * Q.transpose(), (sum(x > 0 for x in d), sum(x < 0 for x in d), zeros)


def float_counts(A):
    n = A.nrows()
    values = numpy.linalg.eigvalsh(numpy.array([float(x) for x in A.entries()]).reshape(n, n))
    return int((values > 0).sum()), int((values < 0).sum())


def kernel_of(Z):
    basis, nullity = Z.nullspace()
    n = Z.nrows()
    return [[basis[i, j] for i in range(n)] for j in range(int(nullity))]


def forbid_charpoly(monkeypatch):
    def forbidden(Z):
        raise AssertionError("charpoly should not be needed")

    monkeypatch.setattr(inertia_module, "_counts_charpoly", forbidden)


@pytest.mark.parametrize("n, seed, zeros, span", [(60, 2, 5, 50), (100, 3, 0, 60)])
def test_inertia_of_ill_conditioned_matrices_by_construction(monkeypatch, n, seed, zeros, span):
    A, expected = ill_conditioned(n, seed, zeros, span)
    assert float_counts(A) != expected[:2]  # floats alone get these wrong
    forbid_charpoly(monkeypatch)
    result = inertia(A)
    assert (result.positive, result.negative, result.zero) == expected
    for witness, sign in ((result.negative_witness, -1), (result.positive_witness, 1)):
        v = flint.fmpq_mat(n, 1, [int(x) for x in witness])
        assert sign * (v.transpose() * A * v)[0, 0] > 0
    for vector in result.kernel:
        assert all(x == 0 for x in (A * flint.fmpq_mat(n, 1, [int(x) for x in vector])).entries())


def test_refinement_frees_only_the_failing_rows():
    """On A (100 rows, |d| down to 2^-60) the rounded eigenvectors fail for some rows only;
    one refinement changes just those rows, keeps M = Q Z Qᵀ exactly, and certifies."""
    A, expected = ill_conditioned(100, 3, 0, 60)
    Z, _ = A.numer_denom()
    guess = inertia_module._FloatGuess(Z)
    assert inertia_module._counts_certified(Z, [], guess, rounds=0) is None
    values, vectors = guess.get()
    order = numpy.argsort(-numpy.abs(values), kind="stable")
    rows = inertia_module._scaled_rows(vectors[:, order], values[order], 7)
    M = inertia_module._congruent(rows, Z)
    failing = inertia_module._failing_rows(M)
    assert 0 < len(failing) < 100
    M2, rows2 = inertia_module._refine(M, rows, failing)
    assert [i for i in range(100) if rows2[i] != rows[i]] == failing
    Q2 = flint.fmpz_mat(rows2)
    assert flint.fmpz_mat(100, 100, list(M2.ravel())) == Q2 * Z * Q2.transpose()
    assert inertia_module._failing_rows(M2) == []
    counts = (sum(M2[i, i] > 0 for i in range(100)), sum(M2[i, i] < 0 for i in range(100)), 0)
    assert counts == expected


def test_blocks_of_the_exact_product(monkeypatch):
    """Only the blocks on and above the diagonal are multiplied; the result is Q Z Qᵀ."""
    rng = numpy.random.default_rng(5)
    B = rng.integers(-9, 10, (13, 13))
    Z = flint.fmpz_mat((B + B.T).tolist())
    rows = rng.integers(-2**40, 2**40, (11, 13)).tolist()
    monkeypatch.setattr(inertia_module, "_BLOCK_ROWS", 3)  # 3 blocks of 3, 4 and 4 rows
    M = inertia_module._congruent(rows, Z)
    Q = flint.fmpz_mat(rows)
    assert flint.fmpz_mat(11, 11, list(M.ravel())) == Q * Z * Q.transpose()


def test_scaled_dominance_by_hand():
    # D = diag(1, 2^-5) (half the bit lengths of 1 and 1000): D M D = [[1, 10/32], [10/32,
    # 1000/1024]] is dominant although M itself is not in its first row
    M = numpy.array([[flint.fmpz(1), flint.fmpz(10)], [flint.fmpz(10), flint.fmpz(1000)]], dtype=object)
    assert inertia_module._failing_rows(M) == []
    M = numpy.array([[flint.fmpz(1), flint.fmpz(2)], [flint.fmpz(2), flint.fmpz(1)]], dtype=object)
    assert inertia_module._failing_rows(M) == [0, 1]
    M = numpy.array([[flint.fmpz(0), flint.fmpz(0)], [flint.fmpz(0), flint.fmpz(-3)]], dtype=object)
    assert inertia_module._failing_rows(M) == [0]  # a zero diagonal entry never passes


def test_rows_scale_with_the_eigenvalues():
    """Row k gets bits + log2 sqrt(max|λ| / |λ_k|) bits (its largest entry is 2^t_k)."""
    vectors = numpy.eye(3)
    rows = inertia_module._scaled_rows(vectors, numpy.array([4.0, -1.0, 1 / 64]), 5)
    assert [max(abs(x) for x in row) for row in rows] == [2**5, 2**6, 2**9]
    assert inertia_module._scaled_rows(vectors, numpy.zeros(3), 5) is None


def test_dominance_proves_a_trivial_kernel(monkeypatch):
    """When the float guess looks nonsingular, a dominant n x n M proves Z nonsingular and
    the exact nullspace is not computed; the counts agree with the charpoly (Descartes)."""
    rng = numpy.random.default_rng(8)
    B = rng.integers(-5, 6, (40, 40))
    H = (B + B.T).tolist()
    expected = inertia_module._counts_charpoly(flint.fmpz_mat(H))
    assert expected[2] == 0

    def forbidden(Z):
        raise AssertionError("the nullspace should not be needed")

    monkeypatch.setattr(inertia_module, "_kernel", forbidden)
    result = inertia(H)
    assert (result.positive, result.negative, result.zero) == expected
    assert result.kernel == ()


def test_singular_matrix_still_gets_its_kernel():
    """H = AᵀDA with A of full row rank 20 (40 columns), D = diag(1 x 12, -1 x 8): AᵀDAx = 0
    forces DAx = 0, so the kernel is ker A, and by Sylvester the inertia is (12, 8, 20)."""
    rng = numpy.random.default_rng(9)
    A = rng.integers(-2, 3, (20, 40))
    assert flint.fmpz_mat(A.tolist()).rank() == 20
    D = numpy.diag([1] * 12 + [-1] * 8)
    H = (A.T @ D @ A).tolist()
    result = inertia(H)
    assert (result.positive, result.negative, result.zero) == (12, 8, 20)
    assert len(result.kernel) == 20
    for vector in result.kernel:
        product = flint.fmpz_mat(A.tolist()) * flint.fmpz_mat(40, 1, [int(x) for x in vector])
        assert all(x == 0 for x in product.entries())


class IdentityGuess:
    """A float guess that sees nothing: unit vectors, all eigenvalues 1."""

    def __init__(self, n):
        self.n = n

    def get(self):
        return numpy.ones(self.n), numpy.eye(self.n)


def test_zero_diagonal_rows_are_refined():
    """Z = diag(1, ..., 20) ⊕ five blocks [[0, 1], [1, 0]] (eigenvalues ±1 each): inertia
    (25, 5, 0) by construction.  With unit vectors as the guess, the ten rows of the blocks
    have a zero diagonal and fail; the twenty others pass, so the refinement eliminates
    against them and then diagonalises the blocks."""
    n = 30
    entries = [[0] * n for _ in range(n)]
    for i in range(20):
        entries[i][i] = i + 1
    for i in range(20, 30, 2):
        entries[i][i + 1] = entries[i + 1][i] = 1
    Z = flint.fmpz_mat(entries)
    guess = IdentityGuess(n)
    assert inertia_module._counts_certified(Z, [], guess, rounds=0) is None
    positive, negative, zero, negative_rows, positive_rows = inertia_module._counts_certified(Z, [], guess)
    assert (positive, negative, zero) == (25, 5, 0)
    for rows, sign in ((negative_rows, -1), (positive_rows, 1)):
        assert all(sign * inertia_module._quadratic_form(Z, q) > 0 for q in rows)
