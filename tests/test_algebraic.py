"""Real algebraic numbers and points, Krawczyk proofs and interval inertia."""

import flint
import pytest

from symlandscape.algebraic import AlgebraicNumber, AlgebraicPoint, interval_inertia, krawczyk, real_roots
from symlandscape.inertia import inertia


def sqrt(k):
    return AlgebraicNumber.from_polynomial(flint.fmpq_poly([-k, 0, 1]), 1)


def test_equality_is_exact_and_canonical():
    point = AlgebraicPoint(flint.fmpq_poly([-2, 0, 1]), 1, [flint.fmpq_poly([0, 1]), flint.fmpq_poly([0, 0, 1])])
    t, t_squared = point.coordinates
    assert t == sqrt(2)                  # same minimal polynomial, same root
    assert t_squared == 2 and t_squared.is_rational
    assert point.number(flint.fmpq_poly([0, 0, 0, 1])) == AlgebraicNumber.from_polynomial(
        flint.fmpq_poly([-8, 0, 1]), 1)   # t^3 = 2 sqrt(2) = sqrt(8)
    assert t != AlgebraicNumber.from_polynomial(flint.fmpq_poly([-2, 0, 1]), 0)


def test_order_separates_close_numbers():
    # 140/99 < sqrt(2) < 99/70, both within 7.3e-5; sqrt(10001) - 100 lies within 1.3e-7 of 1/200
    assert AlgebraicNumber.rational(flint.fmpq(140, 99)) < sqrt(2) < AlgebraicNumber.rational(flint.fmpq(99, 70))
    close = AlgebraicPoint(flint.fmpq_poly([-10001, 0, 1]), 1, [flint.fmpq_poly([-100, 1])]).coordinates[0]
    assert close < AlgebraicNumber.rational(flint.fmpq(1, 200))
    assert close > AlgebraicNumber.rational(flint.fmpq(4999, 1000000))


def test_interval_text_isolates_the_root():
    assert str(sqrt(2)) == "root of x^2 - 2 in [1.41421356, 1.41421357]"
    negative = AlgebraicNumber.from_polynomial(flint.fmpq_poly([-2, 0, 1]), 0)
    assert str(negative) == "root of x^2 - 2 in [-1.41421357, -1.41421356]"
    assert str(AlgebraicNumber.rational(flint.fmpq(-3, 4))) == "-3/4"


def test_real_roots_skip_complex_ones():
    roots = real_roots(flint.fmpz_poly([-2, 0, 1]) * flint.fmpz_poly([1, 0, 1]))
    assert len(roots) == 2 and roots[0] < 0 < roots[1]


def test_krawczyk_proves_and_refuses():
    # x^2 + y^2 = 2, x = y: the root (1, 1)
    system = [{(2, 0): 1, (0, 2): 1, (0, 0): -2}, {(1, 0): 1, (0, 1): -1}]
    jacobian = [[{(1, 0): 2}, {(0, 1): 2}], [{(0, 0): 1}, {(0, 0): -1}]]
    assert krawczyk(system, jacobian, [flint.arb(1, 1e-3), flint.arb(1, 1e-3)])
    assert not krawczyk(system, jacobian, [flint.arb("1.1", 1e-3), flint.arb(1, 1e-3)])   # no root inside
    # a double root: x^2 = 0 cannot be isolated by Krawczyk
    assert not krawczyk([{(2,): 1}], [[{(1,): 2}]], [flint.arb(0, 1e-3)])


@pytest.mark.parametrize("rows", [
    [[2, 1, 0], [1, 2, 1], [0, 1, 2]],
    [[0, 1, 0], [1, 0, 0], [0, 0, -3]],
    [[0, 2, 1], [2, 0, 3], [1, 3, 0]],
    [[1, 2], [2, 1]],
])
def test_interval_inertia_agrees_with_the_exact_one(rows):
    exact = inertia(rows).as_dict()
    assert exact["zero"] == 0
    got = interval_inertia([[flint.arb(v) for v in row] for row in rows])
    assert got == (exact["positive"], exact["negative"], 0)


def test_interval_inertia_refuses_a_singular_matrix():
    assert interval_inertia([[flint.arb(1), flint.arb(1)], [flint.arb(1), flint.arb(1)]]) is None
