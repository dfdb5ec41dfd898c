"""Tests of symlandscape.inertia: exact inertia, kernel, witnesses, congruence diagonalisation.

Every claim about a result (v^T H v < 0, H v = 0, S H S^T = diag(d)) is re-checked here
with fractions.Fraction arithmetic, independently of the module's flint code.  Test
matrices are built so that their inertia is known by construction.
"""

import importlib
from fractions import Fraction
from math import gcd

import flint
import numpy
import pytest
import sympy
from hypothesis import given, settings, strategies as st

# the package exports the function `inertia`, which hides the submodule of the same name
inertia_module = importlib.import_module("symlandscape.inertia")
from symlandscape.errors import InvalidArgument, NotExactError, ShapeError
from symlandscape.inertia import Inertia, congruence_diagonalization, inertia


# ---------------------------------------------------------------------------------------
# independent helpers (Fraction arithmetic only)


def fraction(x):
    """sympy.Rational / fmpq / int / Fraction -> Fraction, through numerator/denominator."""
    if isinstance(x, Fraction):
        return x
    if isinstance(x, int):
        return Fraction(x)
    return Fraction(int(x.p), int(x.q))


def fraction_matrix(H):
    if isinstance(H, flint.fmpq_mat):
        return [[fraction(H[i, j]) for j in range(H.ncols())] for i in range(H.nrows())]
    return [[fraction(x) if not isinstance(x, str) else Fraction(x) for x in row] for row in H]


def quadratic_form(H, v):
    v = [fraction(x) for x in v]
    return sum(v[i] * H[i][j] * v[j] for i in range(len(v)) for j in range(len(v)))


def times_vector(H, v):
    v = [fraction(x) for x in v]
    return [sum(row[j] * v[j] for j in range(len(v))) for row in H]


def fraction_rank(rows):
    """Rank by Gaussian elimination over Fraction (independent of flint and SymPy)."""
    rows = [[fraction(x) for x in row] for row in rows]
    rank, width = 0, len(rows[0]) if rows else 0
    for column in range(width):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][column] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for r in range(rank + 1, len(rows)):
            factor = rows[r][column] / rows[rank][column]
            if factor:
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[rank])]
        rank += 1
    return rank


def check_result(H, result, expected=None):
    """All the promises of an Inertia, checked with Fractions (H as Fraction lists)."""
    n = len(H)
    assert isinstance(result, Inertia)
    counts = (result.positive, result.negative, result.zero)
    if expected is not None:
        assert counts == tuple(expected)
    assert sum(counts) == n
    if result.negative:
        assert all(isinstance(x, sympy.Rational) for x in result.negative_witness)
        assert len(result.negative_witness) == n
        assert quadratic_form(H, result.negative_witness) < 0
    else:
        assert result.negative_witness is None
    if result.positive:
        assert all(isinstance(x, sympy.Rational) for x in result.positive_witness)
        assert len(result.positive_witness) == n
        assert quadratic_form(H, result.positive_witness) > 0
    else:
        assert result.positive_witness is None
    assert len(result.kernel) == result.zero
    for v in result.kernel:
        assert len(v) == n and all(isinstance(x, sympy.Rational) for x in v)
        assert any(x != 0 for x in v)
        assert all(x == 0 for x in times_vector(H, v))
    if result.kernel:
        assert fraction_rank([list(v) for v in result.kernel]) == len(result.kernel)
        if n <= 12:
            assert sympy.Matrix([list(v) for v in result.kernel]).rank() == len(result.kernel)
    assert result.as_dict() == {
        "positive": result.positive, "negative": result.negative, "zero": result.zero
    }


def check_diagonalization(H, S, d):
    """S H S^T == diag(d) exactly and det S != 0 (H as Fraction lists)."""
    n = len(H)
    assert isinstance(S, flint.fmpq_mat) and (S.nrows(), S.ncols()) == (n, n)
    assert len(d) == n and all(isinstance(x, flint.fmpq) for x in d)
    Sf = fraction_matrix(S)
    SH = [[sum(Sf[i][k] * H[k][j] for k in range(n)) for j in range(n)] for i in range(n)]
    SHSt = [[sum(SH[i][k] * Sf[j][k] for k in range(n)) for j in range(n)] for i in range(n)]
    for i in range(n):
        for j in range(n):
            assert SHSt[i][j] == (fraction(d[i]) if i == j else 0), (i, j)
    sympy_S = sympy.Matrix(n, n, [sympy.Rational(x.numerator, x.denominator)
                                  for row in Sf for x in row])
    assert sympy_S.det() != 0


def signs(d):
    return (sum(1 for x in d if x > 0), sum(1 for x in d if x < 0), sum(1 for x in d if x == 0))


def cayley_orthogonal(n, rng):
    """Exact rational orthogonal Q = (I - K)(I + K)^{-1}, K a random skew integer matrix.

    I + K is invertible because K's eigenvalues are purely imaginary."""
    K = numpy.triu(rng.integers(-2, 3, (n, n)), 1)
    K = K - K.T
    I = flint.fmpq_mat(n, n, [int(i == j) for i in range(n) for j in range(n)])
    Kq = flint.fmpq_mat(n, n, [int(x) for x in K.ravel()])
    Q = (I - Kq) * (I + Kq).inv()
    assert Q * Q.transpose() == I
    return Q


def diagonal(values):
    n = len(values)
    D = flint.fmpq_mat(n, n)
    for i, value in enumerate(values):
        D[i, i] = value
    return D


def float_counts(H, tolerance):
    w = numpy.linalg.eigvalsh(numpy.array([[float(x) for x in row] for row in H]))
    return (int((w > tolerance).sum()), int((w < -tolerance).sum()),
            int((abs(w) <= tolerance).sum()))


def random_symmetric_integer(rng, n, low=-4, high=4, zero_diagonal=False):
    A = numpy.triu(rng.integers(low, high + 1, (n, n)))
    A = A + numpy.triu(A, 1).T
    if zero_diagonal:
        numpy.fill_diagonal(A, 0)
    return [[int(x) for x in row] for row in A]


# ---------------------------------------------------------------------------------------
# small hand-checked cases


def test_lee_hessian():
    H = [[0, -2], [-2, 0]]
    result = inertia(H)
    check_result(fraction_matrix(H), result, (1, 1, 0))
    v = [Fraction(int(x)) for x in result.negative_witness]
    assert v[0] * 0 * v[0] + 2 * v[0] * -2 * v[1] + v[1] * 0 * v[1] < 0
    assert result.definiteness == "indefinite"
    assert result.kernel == ()


@pytest.mark.parametrize(
    "values, expected, definiteness",
    [
        ([1, 2, 3], (3, 0, 0), "positive definite"),
        ([-1, "-1/2"], (0, 2, 0), "negative definite"),
        ([1, 0, "2/7"], (2, 0, 1), "positive semidefinite"),
        ([0, -3], (0, 1, 1), "negative semidefinite"),
        ([5, 0, -1, 0], (1, 1, 2), "indefinite"),
        ([0, 0, 0], (0, 0, 3), "zero"),
        ([5], (1, 0, 0), "positive definite"),
        (["-1/3"], (0, 1, 0), "negative definite"),
        ([0], (0, 0, 1), "zero"),
    ],
)
def test_diagonal_matrices(values, expected, definiteness):
    n = len(values)
    H = [[values[i] if i == j else 0 for j in range(n)] for i in range(n)]
    result = inertia(H)
    check_result(fraction_matrix(H), result, expected)
    assert result.definiteness == definiteness
    # The kernel of a diagonal matrix is spanned by the unit vectors of its zero entries.
    zeros = [i for i, x in enumerate(values) if Fraction(x) == 0]
    assert sorted(result.kernel, reverse=True) == [
        tuple(int(k == i) for k in range(n)) for i in zeros
    ]


def test_zero_matrix_has_no_witnesses_and_full_kernel():
    result = inertia([[0, 0], [0, 0]])
    assert (result.positive, result.negative, result.zero) == (0, 0, 2)
    assert result.negative_witness is None and result.positive_witness is None
    assert result.definiteness == "zero"
    check_result(fraction_matrix([[0, 0], [0, 0]]), result)


def test_kernel_vectors_are_primitive_integers_with_positive_lead():
    H = [[2, -2, 0], [-2, 2, 0], [0, 0, 0]]
    result = inertia(H)
    check_result(fraction_matrix(H), result, (1, 0, 2))
    for v in result.kernel:
        assert all(isinstance(x, sympy.Integer) for x in v)
        g = 0
        for x in v:
            g = gcd(g, int(x))
        assert g == 1
        assert next(x for x in v if x != 0) > 0


def test_rational_entries_and_trivial_witnesses():
    H = [["1/2", "1/3"], ["1/3", "-5/6"]]
    result = inertia(H)
    check_result(fraction_matrix(H), result, (1, 1, 0))
    # diagonal entries of each sign give unit-vector witnesses
    assert result.negative_witness == (0, 1) and result.positive_witness == (1, 0)


def test_indefinite_with_positive_diagonal_needs_a_nontrivial_witness():
    H = [[1, 2], [2, 1]]  # eigenvalues 3 and -1
    result = inertia(H)
    check_result(fraction_matrix(H), result, (1, 1, 0))


# ---------------------------------------------------------------------------------------
# random matrices with inertia known by construction


@pytest.mark.parametrize("n", range(1, 13))
@pytest.mark.parametrize("seed", range(4))
def test_random_well_conditioned(n, seed):
    rng = numpy.random.default_rng(1000 * n + seed)
    Q = cayley_orthogonal(n, rng)
    eigenvalues = [int(x) for x in rng.integers(-5, 6, n)]  # |lambda| >= 1 or exactly 0
    if seed % 2:  # also some rational scaling of the spectrum
        eigenvalues = [flint.fmpq(x, 3) for x in eigenvalues]
    Hq = Q * diagonal(eigenvalues) * Q.transpose()
    H = fraction_matrix(Hq)
    expected = signs(eigenvalues)
    result = inertia(H)
    check_result(H, result, expected)
    # Float cross-check.  Q is exactly orthogonal, so the eigenvalues of H are exactly the
    # chosen lambda, each 0 or of modulus >= 1/3.  eigvalsh is backward stable: its
    # eigenvalues are within about n * eps * ||H||_2 <= 12 * 2.3e-16 * 5 ~ 1e-14 of the
    # true ones (plus the rounding of H's entries to floats, of the same order), so a
    # tolerance of 0.1 separates zero from non-zero eigenvalues with a huge margin.
    assert float_counts(H, 0.1) == expected
    # and the exact congruence diagonalisation agrees
    S, d = congruence_diagonalization(Hq)
    assert signs(d) == expected


@pytest.mark.parametrize("n, k", [(2, 1), (3, 1), (4, 2), (5, 3), (7, 4), (9, 5), (12, 7)])
@pytest.mark.parametrize("seed", range(3))
def test_singular_rank_deficient(n, k, seed):
    rng = numpy.random.default_rng(77 * n + seed)
    while True:  # A: k x n integer of full row rank k, D: nonzero integer diagonal
        A = sympy.Matrix(rng.integers(-3, 4, (k, n)).tolist())
        if A.rank() == k:
            break
    D_values = [int(x) if x != 0 else 1 for x in rng.integers(-3, 4, k)]
    H_sym = A.T * sympy.diag(*D_values) * A
    H = [[Fraction(int(H_sym[i, j])) for j in range(n)] for i in range(n)]
    # Extending A to an invertible B = [A; C], A^T D A = B^T blockdiag(D, 0) B, so by
    # Sylvester's law the inertia is that of D plus n - k zeros.
    expected = (sum(x > 0 for x in D_values), sum(x < 0 for x in D_values), n - k)
    assert H_sym.rank() == k
    result = inertia(H_sym)
    check_result(H, result, expected)
    assert result.zero == n - H_sym.rank()
    S, d = congruence_diagonalization(H_sym)
    check_diagonalization(H, S, d)
    assert signs(d) == expected
    # rows of S with d = 0 come last and lie in the kernel
    for t in range(n - (n - k), n):
        assert all(x == 0 for x in times_vector(H, fraction_matrix(S)[t]))


def householder(n, v):
    vv = sum(int(x) ** 2 for x in v)
    V = flint.fmpq_mat(n, 1, [int(x) for x in v])
    identity = diagonal([1] * n)
    return identity - V * V.transpose() * flint.fmpq(2, vv)


def test_wide_spectrum_216_parameters():
    """The case that defeats floats: n = 216, eigenvalues of modulus 1e-3 .. 1e9 and three
    exact zeros, conjugated by an exact rational orthogonal matrix."""
    n = 216
    rng = numpy.random.default_rng(5)
    Q = householder(n, rng.integers(-3, 4, n))
    for _ in range(2):
        Q = Q * householder(n, rng.integers(-3, 4, n))
    eigenvalues = []
    for i in range(n):
        if i < 3:
            eigenvalues.append(flint.fmpq(0))
            continue
        e = int(rng.integers(-3, 10))
        size = flint.fmpq(10) ** e if e >= 0 else flint.fmpq(1, 10 ** (-e))
        eigenvalues.append(size if rng.random() < 0.7 else -size)
    Hq = Q * diagonal(eigenvalues) * Q.transpose()
    expected = signs(eigenvalues)
    result = inertia(Hq)
    assert (result.positive, result.negative, result.zero) == expected
    H = fraction_matrix(Hq)
    assert quadratic_form(H, result.negative_witness) < 0
    assert quadratic_form(H, result.positive_witness) > 0
    assert len(result.kernel) == 3
    for v in result.kernel:
        assert all(x == 0 for x in times_vector(H, v))


@pytest.mark.parametrize("n", [20, 60, 100])
def test_fast_path_and_charpoly_agree(n):
    rng = numpy.random.default_rng(n)
    for singular in (False, True):
        if singular:
            k = n // 2
            A = rng.integers(-2, 3, (k, n))
            M = A.T @ numpy.diag(rng.integers(-2, 3, k)) @ A
            H = [[int(x) for x in row] for row in M]
        else:
            H = random_symmetric_integer(rng, n)
        Z = flint.fmpz_mat(H)
        basis, nullity = Z.nullspace()
        kernel = [[basis[i, j] for i in range(n)] for j in range(int(nullity))]
        certified = inertia_module._counts_certified(Z, kernel, inertia_module._FloatGuess(Z))
        assert certified is not None
        charpoly = inertia_module._counts_charpoly(Z)
        assert certified[:3] == charpoly
        result = inertia(H)
        check_result(fraction_matrix(H), result, charpoly)
        if n <= 60:
            S, d = congruence_diagonalization(H)
            assert signs(d) == charpoly


def test_bad_float_guess_falls_back_to_exact_methods(monkeypatch):
    """With a useless float guess the counts come from the charpoly and the witnesses from
    the exact elimination; the results are still exact."""
    rng = numpy.random.default_rng(3)

    def useless(self):
        n = self._Z.nrows()
        return numpy.ones(n), numpy.ones((n, n))

    monkeypatch.setattr(inertia_module._FloatGuess, "get", useless)
    for n in (2, 5, 100):
        H = random_symmetric_integer(rng, n, 1, 4)  # positive diagonal: no trivial witness
        for i in range(n):
            H[i][i] = 1
        H[0][n - 1] = H[n - 1][0] = 4  # indefinite: [[1, 4], [4, 1]] minor
        result = inertia(H)
        Hf = fraction_matrix(H)
        check_result(Hf, result)
        S, d = congruence_diagonalization(H)
        assert signs(d) == (result.positive, result.negative, result.zero)


def test_large_matrices_use_the_certified_path(monkeypatch):
    """Above the charpoly size limit the counts come from the exactly checked congruence."""
    rng = numpy.random.default_rng(11)
    n = inertia_module._CHARPOLY_MAX_SIZE + 4
    H = random_symmetric_integer(rng, n)
    expected = inertia(H)

    def forbidden(Z):
        raise AssertionError("charpoly should not be needed")

    monkeypatch.setattr(inertia_module, "_counts_charpoly", forbidden)
    result = inertia(H)
    assert result == expected
    check_result(fraction_matrix(H), result)


def test_certificate_rejects_a_wrong_guess():
    """A guess that does not diagonalise Z fails the exact dominance check."""
    Z = flint.fmpz_mat([[1, 2], [2, 1]])

    class Identity:
        def get(self):
            return numpy.array([1.0, 1.0]), numpy.eye(2)

    assert inertia_module._counts_certified(Z, [], Identity(), rounds=0) is None
    # one refinement from the exact residual M = Q Z Qᵀ repairs the guess: the eigenvalues
    # of [[1, 2], [2, 1]] are 3 and -1, so one positive and one negative
    positive, negative, zero, negative_rows, positive_rows = inertia_module._counts_certified(Z, [], Identity())
    assert (positive, negative, zero) == (1, 1, 0)
    for q, sign in ((negative_rows[0], -1), (positive_rows[0], 1)):
        assert sign * (q[0] * q[0] + 4 * q[0] * q[1] + q[1] * q[1]) > 0


def deep_linear_hessian(width, depth, seed):
    """The Hessian of 1/2 ||W_{H+1}⋯W_1 X - Y||² at a random rational point (ill-conditioned)."""
    import random
    from fractions import Fraction

    from symlandscape import deep_linear

    rng = random.Random(seed)
    X = [[rng.randint(-3, 3) for _ in range(width + 1)] for _ in range(width)]
    Y = [[rng.randint(-3, 3) for _ in range(width + 1)] for _ in range(width)]
    L = deep_linear(X, Y, hidden=[width] * depth)
    point = [Fraction(rng.randint(-5, 5), rng.randint(1, 4)) for _ in L.variables]
    return L.hessian(point)


def test_refinement_certifies_an_ill_conditioned_hessian(monkeypatch):
    """A 68-parameter deep linear Hessian (17 weight matrices of width 2, ill-conditioned)
    whose rounded float eigenvectors are not dominant: the refined congruence certifies the
    counts, which agree with the characteristic polynomial (Descartes), and the charpoly is
    not needed."""
    H = deep_linear_hessian(2, 16, 1)
    Z, _ = flint.fmpq_mat(H.rows, H.cols, [flint.fmpq(int(e.p), int(e.q)) for e in H]).numer_denom()
    basis, nullity = Z.nullspace()
    kernel = [[basis[i, j] for i in range(H.rows)] for j in range(int(nullity))]
    guess = inertia_module._FloatGuess(Z)
    assert inertia_module._counts_certified(Z, kernel, guess, rounds=0) is None  # the unrefined guess fails
    certified = inertia_module._counts_certified(Z, kernel, guess)
    assert certified is not None
    expected = inertia_module._counts_charpoly(Z)
    assert certified[:3] == expected
    for rows, sign in ((certified[3], -1), (certified[4], 1)):
        assert all(sign * inertia_module._quadratic_form(Z, q) > 0 for q in rows)

    def forbidden(Z):
        raise AssertionError("charpoly should not be needed")

    monkeypatch.setattr(inertia_module, "_counts_charpoly", forbidden)
    assert inertia(H).as_dict() == dict(zip(("positive", "negative", "zero"), expected))


# ---------------------------------------------------------------------------------------
# congruence diagonalisation


@pytest.mark.parametrize("n", range(1, 9))
@pytest.mark.parametrize("zero_diagonal", [False, True])
def test_congruence_diagonalization_random(n, zero_diagonal):
    rng = numpy.random.default_rng(10 * n + zero_diagonal)
    H = random_symmetric_integer(rng, n, zero_diagonal=zero_diagonal)
    if not zero_diagonal:
        H = [[Fraction(x, 1 + (i + j) % 3) for j, x in enumerate(row)] for i, row in enumerate(H)]
    S, d = congruence_diagonalization(H)
    check_diagonalization(fraction_matrix(H), S, d)
    result = inertia(H)
    assert signs(d) == (result.positive, result.negative, result.zero)
    assert congruence_diagonalization(H) == (S, d)  # deterministic


@pytest.mark.parametrize(
    "H",
    [
        [[0, -2], [-2, 0]],
        [[0, 1, 2], [1, 0, 3], [2, 3, 0]],
        [[0, 0, 1], [0, 0, 0], [1, 0, 0]],
        [[0, 0, 0], [0, 0, 5], [0, 5, 0]],
        [[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]],
        [[0, 0], [0, 0]],
        [[7]],
        [[0]],
    ],
)
def test_congruence_diagonalization_zero_diagonal(H):
    S, d = congruence_diagonalization(H)
    check_diagonalization(fraction_matrix(H), S, d)
    # rows with d = 0 come last and span the kernel
    nonzero = [x != 0 for x in d]
    assert nonzero == sorted(nonzero, reverse=True)
    assert signs(d)[2] == len(H) - sympy.Matrix(H).rank()


def test_congruence_diagonalization_doc_example():
    S, d = congruence_diagonalization([[0, -2], [-2, 0]])
    assert S.tolist() == [[1, 1], [flint.fmpq(-1, 2), flint.fmpq(1, 2)]]
    assert d == [-4, 1]


# ---------------------------------------------------------------------------------------
# hypothesis: counts against the independent elimination, witnesses and kernel checked


@st.composite
def symmetric_matrices(draw):
    n = draw(st.integers(1, 6))
    entries = st.one_of(st.just(0), st.integers(-3, 3), st.fractions(-3, 3, max_denominator=4))
    upper = {(i, j): draw(entries) for i in range(n) for j in range(i, n)}
    return [[upper[min(i, j), max(i, j)] for j in range(n)] for i in range(n)]


@settings(max_examples=150, deadline=None, derandomize=True)
@given(symmetric_matrices())
def test_property_against_elimination(H):
    result = inertia(H)
    Hf = fraction_matrix(H)
    S, d = congruence_diagonalization(H)
    check_diagonalization(Hf, S, d)
    check_result(Hf, result, signs(d))
    assert result.zero == len(H) - sympy.Matrix(H).rank()


# ---------------------------------------------------------------------------------------
# errors and input types


@pytest.mark.parametrize("function", [inertia, congruence_diagonalization])
def test_errors(function):
    with pytest.raises(ShapeError):
        function([[1, 2, 3], [4, 5, 6]])
    with pytest.raises(ShapeError):
        function([])
    with pytest.raises(ShapeError):
        function([[1, 2], [3]])
    with pytest.raises(InvalidArgument) as info:
        function([[1, 2, 0], [2, 1, 7], [0, 8, 1]])
    message = str(info.value)
    assert "H[1][2]=7" in message and "H[2][1]=8" in message
    assert not isinstance(info.value, (ShapeError, NotExactError))
    with pytest.raises(NotExactError):
        function([[1.0, 0], [0, 1]])
    with pytest.raises(NotExactError):
        function(sympy.Matrix([[1, sympy.Float(0.5)], [sympy.Float(0.5), 1]]))


def test_same_result_for_all_input_types():
    rows = [[2, "1/2", 0], ["1/2", -1, 3], [0, 3, 0]]
    fractions_rows = [[Fraction(x) for x in row] for row in rows]
    as_sympy = sympy.Matrix([[sympy.Rational(x) for x in row] for row in rows])
    as_flint = flint.fmpq_mat([[flint.fmpq(x.numerator, x.denominator) for x in row]
                               for row in fractions_rows])
    results = [inertia(x) for x in (rows, fractions_rows, as_sympy, as_flint)]
    assert all(r == results[0] for r in results)
    check_result(fractions_rows, results[0])
    integer_rows = [[4, 1, 0], [1, -2, 0], [0, 0, 0]]
    integer_results = [inertia(x) for x in (integer_rows, numpy.array(integer_rows),
                                            sympy.Matrix(integer_rows),
                                            flint.fmpq_mat(integer_rows),
                                            flint.fmpz_mat(integer_rows))]
    assert all(r == integer_results[0] for r in integer_results)
    check_result(fraction_matrix(integer_rows), integer_results[0], (1, 1, 1))
    diagonalizations = [congruence_diagonalization(x) for x in (rows, as_sympy, as_flint)]
    assert all(x == diagonalizations[0] for x in diagonalizations)


def test_inertia_is_frozen():
    result = inertia([[1]])
    with pytest.raises(Exception):
        result.positive = 2


# ---------------------------------------------------------------------------------------
# the canonical congruence with 2x2 blocks (the form verify checks)


def exact_block_elimination(H):
    """The block LDLᵀ by the exact fraction-free elimination alone (no modular pivot order)."""
    Z, scale = flint.fmpq_mat(H).numer_denom()
    order, rows, d = [], [], []
    for index, row, previous, pivot in inertia_module._elimination(Z, blocks=True):
        order.append(index)
        rows.append([flint.fmpq(x, previous) for x in row])
        d.append(flint.fmpq(pivot, previous * scale))
    return order, rows, d


@pytest.mark.parametrize("seed", range(4))
def test_ldl_congruence_matches_the_exact_elimination(seed):
    """The pivot order found modulo a prime and the factors from flint's fraction-free LU (the
    path above 24 coordinates, called directly here on small matrices) give
    the same rows and pivots as the exact elimination, on matrices with zero diagonals (2x2
    blocks), singular ones and rational entries; and S H Sᵀ = diag(d) with the block form."""
    rng = numpy.random.default_rng(seed)
    blocks_seen = 0
    for trial in range(40):
        n = int(rng.integers(1, 9))
        if trial % 3 == 0:  # singular: Aᵀ D A of rank k < n
            k = int(rng.integers(0, n))
            A = rng.integers(-2, 3, (k, n))
            M = A.T @ numpy.diag(rng.integers(-2, 3, k)) @ A if k else numpy.zeros((n, n), dtype=int)
            H = [[flint.fmpq(int(x)) for x in row] for row in M]
        else:
            H = [[flint.fmpq(0)] * n for _ in range(n)]
            for i in range(n):
                for j in range(i, n):
                    if (i == j and trial % 3 == 1) or rng.random() < 0.3:
                        continue  # zero diagonal (forces 2x2 blocks) or a sparse entry
                    H[i][j] = H[j][i] = flint.fmpq(int(rng.integers(-3, 4)), int(rng.integers(1, 4)))
        Z, scale = flint.fmpq_mat(H).numer_denom()
        modular = inertia_module._ldl_modular(Z, True)  # ldl_congruence uses it above 24 coordinates
        assert modular is not None  # no Schur complement entry is divisible by 2^31 - 1 here
        order, pairs, rows, d = modular
        d = [x / scale for x in d]
        assert (order, rows, d) == exact_block_elimination(H)
        assert inertia_module.ldl_congruence(H) == (order, pairs, rows, d)
        S = flint.fmpq_mat(n, n, [x for row in rows for x in row])
        D = flint.fmpq_mat(n, n, [d[t] if t == u else 0 for t in range(n) for u in range(n)])
        assert S * flint.fmpq_mat(H) * S.transpose() == D
        for t in pairs:  # the block [[1, 1], [-1/2, 1/2]] on the coordinates (order[t], order[t + 1])
            i, j = order[t], order[t + 1]
            assert [rows[t][i], rows[t][j], rows[t + 1][i], rows[t + 1][j]] == [1, 1, flint.fmpq(-1, 2), flint.fmpq(1, 2)]
        blocks_seen += len(pairs)
    assert blocks_seen > 0


def test_ldl_congruence_falls_back_when_the_prime_hides_a_pivot():
    """A Schur complement entry divisible by 2^31 - 1 looks like zero modulo that prime: the
    exact checks reject the modular order and the exact elimination answers."""
    p = inertia_module._PRIME
    H = [[1, 1], [1, 1 + p]]  # Schur complement of the first pivot: p, nonzero but 0 mod p
    Z = flint.fmpz_mat(H)
    assert inertia_module._ldl_modular(Z, True) is None
    order, pairs, rows, d = inertia_module._ldl(Z, True)
    assert d == [1, p] and order == [0, 1] and pairs == []
    assert rows == [[1, 0], [-1, 1]]


def test_ldl_congruence_on_a_large_singular_matrix_with_blocks():
    """Above 24 coordinates the modular path answers; Sylvester's law checked by hand-built
    structure: H = [[0, B], [Bᵀ, 0]] with B = [1 2; 2 4] ⊕ I_13 (rank 14, so 2·14 nonzero
    eigenvalues, ± pairs: 14 positive, 14 negative, 2 zero)."""
    n = 15
    B = [[0] * n for _ in range(n)]
    B[0][0], B[0][1], B[1][0], B[1][1] = 1, 2, 2, 4
    for i in range(2, n):
        B[i][i] = 1
    H = [[0] * (2 * n) for _ in range(2 * n)]
    for i in range(n):
        for j in range(n):
            H[i][n + j] = H[n + j][i] = B[i][j]
    Z = flint.fmpz_mat(H)
    assert inertia_module._ldl_modular(Z, True) is not None
    order, pairs, rows, d = inertia_module.ldl_congruence(H)
    assert (sum(x > 0 for x in d), sum(x < 0 for x in d), sum(x == 0 for x in d)) == (14, 14, 2)
    assert len(pairs) == 14
    S = flint.fmpq_mat(2 * n, 2 * n, [x for row in rows for x in row])
    D = flint.fmpq_mat(2 * n, 2 * n, [d[t] if t == u else 0 for t in range(2 * n) for u in range(2 * n)])
    assert S * flint.fmpq_mat(H) * S.transpose() == D
    assert (order, rows, d) == exact_block_elimination(H)
