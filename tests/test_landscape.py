"""Landscapes from expressions: exact values, derivatives and Taylor terms on the named cases."""

from fractions import Fraction

import pytest
import sympy

from symlandscape import KinkError, Landscape, deep_linear
from symlandscape.landscape import PolynomialLandscape, SymbolicLandscape
from symlandscape.piecewise import PiecewiseLandscape

R = sympy.Rational


def test_lee_saddle_at_origin():
    L = Landscape.from_expression("(1 - w1*w2)^2", "w1,w2")
    assert isinstance(L, PolynomialLandscape)
    assert L.value([0, 0]) == 1
    assert list(L.gradient([0, 0])) == [0, 0]
    assert L.hessian([0, 0]) == sympy.Matrix([[0, -2], [-2, 0]])
    # moving along the eigenvector (1, 1) of the eigenvalue -2 lowers the loss: L(t, t) = (1 - t^2)^2
    assert L.taylor([0, 0], [1, 1], 4) == [1, 0, -2, 0, 1]


def test_lee_global_minimum_on_the_hyperbola():
    L = Landscape.from_expression("(1 - w1*w2)^2", ["w1", "w2"])
    assert L.value([2, R(1, 2)]) == 0
    assert list(L.gradient([2, "1/2"])) == [0, 0]
    # d2/dw1^2 = 2 w2^2, d2/dw1dw2 = -2 + 4 w1 w2, d2/dw2^2 = 2 w1^2
    assert L.hessian([2, Fraction(1, 2)]) == sympy.Matrix([[R(1, 2), 2], [2, 8]])


@pytest.mark.parametrize("n", [2, 3, 4])
def test_scalar_chains_at_the_origin(n):
    # 1/2 (1 - w_n ... w_1)^2 along (1, ..., 1): 1/2 - t^n + t^(2n)/2
    L = deep_linear([[1]], [[1]], hidden=[1] * (n - 1))
    origin = [0] * n
    assert L.value(origin) == R(1, 2)
    assert list(L.gradient(origin)) == [0] * n
    expected_hessian = sympy.Matrix([[0, -1], [-1, 0]]) if n == 2 else sympy.zeros(n, n)
    assert L.hessian(origin) == expected_hessian
    coefficients = L.taylor(origin, [1] * n, 2 * n)
    assert coefficients == [R(1, 2)] + [0] * (n - 1) + [-1] + [0] * (n - 1) + [R(1, 2)]


def test_chain_matches_its_expression():
    chain = deep_linear([[1]], [[1]], hidden=[1, 1])
    same = Landscape.from_expression("(1 - w3*w2*w1)^2/2", "w1,w2,w3")
    for point in ([0, 0, 0], [1, R(-1, 2), 3], ["2/3", 5, -1]):
        assert chain.value(point) == same.value(point)
        assert chain.gradient(point) == same.gradient(point)
        assert chain.hessian(point) == same.hessian(point)


def test_taylor_coefficients_match_sympy_series():
    L = Landscape.from_expression("x^3*y - 2*x*y^2 + y^4/3 + 7", "x,y")
    point, direction = [R(1, 2), -1], [3, R(2, 5)]
    t = sympy.Symbol("t")
    x, y = L.variables
    series = sympy.expand(L.expression.xreplace({x: point[0] + 3 * t, y: point[1] + R(2, 5) * t}))
    assert L.taylor(point, direction, 4) == [series.coeff(t, k) for k in range(5)]


def test_curves_of_higher_degree():
    # Peano's surface: every line through 0 goes up, the parabola y = 3/2 x^2 goes down
    L = Landscape.from_expression("(y - x^2)*(y - 2*x^2)", "x,y")
    assert L.along([[0, 0], [1, 0], [0, R(3, 2)]], 4) == [0, 0, 0, 0, R(-1, 4)]


def test_taylor_polynomial():
    L = Landscape.from_expression("(1 - w1*w2)^2", "w1,w2")
    d1, d2 = sympy.symbols("d_w1 d_w2", real=True)
    assert L.taylor_polynomial([1, 1], 2) == sympy.expand(d1**2 + 2 * d1 * d2 + d2**2)


def test_symbolic_landscape_is_exact():
    L = Landscape.from_expression("exp(x) + tanh(y)", "x,y")
    assert isinstance(L, SymbolicLandscape) and not L.rational_valued
    assert L.value([R(1, 2), 0]) == sympy.exp(R(1, 2))
    assert list(L.gradient([0, 0])) == [1, 1]
    assert L.taylor([0, 0], [1, 1], 3) == [1, 2, R(1, 2), R(-1, 6)]


def test_sympy_expression_with_plain_symbols():
    x, y = sympy.symbols("x y")
    L = Landscape.from_expression(x**2 * y, ["x", "y"])
    assert L.value([3, 2]) == 18
    assert [str(v) for v in L.variables] == ["x", "y"]


def test_relu_kink_report_and_pieces():
    L = Landscape.from_expression("(relu(x - y) - 1)^2 + y^2", "x,y")
    assert isinstance(L, PiecewiseLandscape)
    assert [u.description for u in L.kinks([1, 1])] == ["relu(x - y)"]
    pieces = L.pieces([1, 1])
    assert sorted(p.pattern for p in pieces) == [("active",), ("inactive",)]
    for piece in pieces:
        assert piece.contains([1, 1])
    active = next(p for p in pieces if p.pattern == ("active",))
    assert active.contains([2, 1]) and not active.contains([0, 1])
    with pytest.raises(KinkError, match="pieces"):
        L.hessian([1, 1])
    # one-sided expansions pick the piece the curve enters
    assert L.along([[1, 1], [1, 0]], 2) == [2, -2, 1]
    assert L.along([[1, 1], [-1, 0]], 2) == [2, 0, 0]


def test_kink_where_pieces_agree_has_a_hessian():
    # max(x, 0)^3 is C^2: both pieces have Hessian 0 at x = 0
    L = Landscape.from_expression("max(x, 0)^3 + y^2", "x,y")
    assert L.kinks([0, 0])
    assert L.hessian([0, 0]) == sympy.Matrix([[0, 0], [0, 2]])


def test_nested_units_resolve_inner_first():
    L = Landscape.from_expression("relu(relu(x) - 1)", "x")
    assert L.value([3]) == 2 and L.value([-5]) == 0
    assert [u.description for u in L.kinks([1])] == ["relu(relu(x) - 1)"]
    assert list(L.gradient([2])) == [1]
