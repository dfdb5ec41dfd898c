"""Landscapes from expressions: exact values, derivatives and Taylor terms on the named cases."""

import math
import re
import time
from fractions import Fraction

import flint
import pytest
import sympy

from symlandscape import KinkError, Landscape, budget, deep_linear
from symlandscape.budget import BudgetExceeded
from symlandscape.errors import DomainError, EvaluationError
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


# ---------------------------------------------------------------------------------------
# the domain of the loss: every public evaluation checks its point, exactly


@pytest.mark.parametrize("loss, variables, point, fragment", [
    ("log(-z)", "z", [0], "log(-z) at column 1 needs -z > 0, and -z = 0 there"),
    ("1/x", "x", [0], "the division by x at column 2 needs x != 0, and x = 0 there"),
    ("x^(1/2)", "x", [-1], "x^(1/2) at column 1 needs x >= 0, and x = -1 there"),
    ("y^y", "y", ["-3/2"], "y^y at column 1 needs y > 0, and y = -3/2 there"),
    ("relu(x)/x", "x", [0], "needs x != 0, and x = 0 there"),
    ("x^2 + relu(x)/x - 1", "x", [0], "needs x != 0, and x = 0 there"),
    ("log(exp(x) - 2)", "x", ["1/2"], "needs -2 + exp(x) > 0, and -2 + exp(x) = -2 + exp(1/2) there"),
    ("log(1/x)", "x", [0], "the division by x"),  # the inner condition fails first
    ("x^(-1/2) + y", "x,y", [0, 5], "x^(-1/2) at column 1 needs x > 0, and x = 0 there"),
])
def test_a_point_outside_the_domain_is_refused_by_every_public_method(loss, variables, point, fragment):
    L = Landscape.from_expression(loss, variables)
    n = len(L.variables)
    calls = [lambda: L.value(point), lambda: L.gradient(point), lambda: L.hessian(point),
             lambda: L.taylor(point, [1] * n, 2), lambda: L.along([point, [1] * n], 2),
             lambda: L.taylor_polynomial(point, 2), lambda: L.pieces(point),
             lambda: L.activation_pattern(point), lambda: L.kinks(point)]
    for call in calls:
        with pytest.raises(DomainError) as info:
            call()
        assert "the point is outside the domain of the loss" in str(info.value) and fragment in str(info.value)


def test_the_domain_attribute():
    L = Landscape.from_expression("relu(x)/x + log(y) + z^(1/3)", "x,y,z")
    x, y, z = L.variables
    # in the order the parser reduced them: the calls and powers of a sum first, then its divisions
    assert L.domain == ((y, "positive"), (z, "nonnegative"), (x, "nonzero"))
    assert L.value([2, 1, 8]) == R(3)  # inside: relu(2)/2 + log(1) + 8^(1/3)
    assert Landscape.from_expression("(1 - w1*w2)^2", "w1,w2").domain == ()
    assert deep_linear([[1]], [[1]], hidden=[1]).domain == ()
    # a SymPy expression: its conditions are read from the tree SymPy built
    a = sympy.Symbol("a", real=True)
    assert Landscape.from_expression(sympy.log(a) + a**2, [a]).domain == ((a, "positive"),)


def test_the_engine_interface_fails_closed_outside_the_domain():
    # classify evaluates candidate points through the private engine methods: they check too
    L = Landscape.from_expression("log(x) + x^y", "x,y")
    for method in (L._value, L._gradient, L._hessian):
        with pytest.raises(DomainError, match="needs x > 0, and x = -1 there"):
            method((flint.fmpq(-1), flint.fmpq(2)))
    with pytest.raises(DomainError):
        L._along([(flint.fmpq(0), flint.fmpq(1)), (flint.fmpq(1), flint.fmpq(0))], 2)
    # a piece's engine reads the conditions of its own expression (x^y: x > 0)
    piece = SymbolicLandscape(L.variables, L.expression)
    with pytest.raises(DomainError, match="x > 0"):
        piece._value((flint.fmpq(-1), flint.fmpq(2)))
    # values that are not finite reals are refused whatever the domain says
    M = SymbolicLandscape(L.variables, sympy.log(L.variables[0] - 2, evaluate=False) + L.variables[1])
    M._conditions = ((), ())
    with pytest.raises(DomainError, match="not a finite real"):
        M._value((flint.fmpq(1), flint.fmpq(0)))


# ---------------------------------------------------------------------------------------
# the symbolic engine: truncated power series, exact and bounded


def test_sigmoid_at_order_64_is_quick_and_exact():
    L = Landscape.from_expression("sigmoid(y*y)", "y")
    start = time.monotonic()
    coefficients = L.taylor([0], [1], 64)
    assert time.monotonic() - start < 5
    # sigmoid(s) = 1/2 + s/4 - s^3/48 + s^5/480 - ..., with s = t^2
    assert coefficients[:11] == [R(1, 2), 0, R(1, 4), 0, 0, 0, R(-1, 48), 0, 0, 0, R(1, 480)]
    d_y = sympy.Symbol("d_y", real=True)
    assert L.taylor_polynomial([0], 6) == R(1, 2) + d_y**2 / 4 - d_y**6 / 48


def test_an_identity_comes_out_as_an_exact_zero():
    # tanh(x) = 2 sigmoid(2x) - 1: no simplify, the coefficients are exactly 0
    L = Landscape.from_expression("x*(tanh(x) - 2*sigmoid(2*x) + 1) + y^2", "x,y")
    start = time.monotonic()
    assert L.taylor(["1/3", 0], [1, 0], 8)[1:] == [0] * 8
    assert L.taylor(["1/3", 0], [0, 1], 4)[1:] == [0, 1, 0, 0]
    assert time.monotonic() - start < 10


def test_coefficients_are_exact_numbers():
    L = Landscape.from_expression("exp(x) + log(1 + y) + (2 + x)^(1/2)", "x,y")
    c = L.taylor(["1/2", 0], [1, 1], 3)
    # exp(1/2 + t) + log(1 + t) + (5/2 + t)^(1/2), term by term
    e, s = sympy.exp(R(1, 2)), sympy.sqrt(R(5, 2))
    expected = [e + s, e + 1 + 1 / (2 * s), e / 2 - R(1, 2) - 1 / (8 * s**3), e / 6 + R(1, 3) + 1 / (16 * s**5)]
    for got, want in zip(c, expected):
        assert not got.atoms(sympy.Float)
        assert abs(sympy.N(got - want, 60)) < sympy.Rational(1, 10**50)


def test_the_sympy_series_failure_is_gone():
    # (tanh(x) - tanh(1))^4: sympy.series raised NotImplementedError here
    L = Landscape.from_expression("(tanh(x) - tanh(1))^4 + y^2", "x,y")
    c = L.taylor([1, 0], [1, 0], 4)
    assert c[:4] == [0, 0, 0, 0] and c[4] != 0
    assert L.taylor([1, 0], [0, 1], 2) == [0, 0, 1]


@pytest.mark.parametrize("loss, point, direction, fragment", [
    ("(x^2+y^2)^(9/4)", [0, 0], [1, 1], "has a term t^(9/2): not a Taylor series"),
    ("(x^2+y^2)^(1/2)", [0, 0], [1, 0], "has a term |t|^1: not a Taylor series"),
    ("(x^3 + y^2)^(1/2)", [0, 0], [1, 0], "has a term t^(3/2): not a Taylor series"),
])
def test_a_fractional_power_of_t_is_never_dropped(loss, point, direction, fragment):
    L = Landscape.from_expression(loss, "x,y")
    with pytest.raises(EvaluationError, match=re.escape(fragment)):
        L.taylor(point, direction, 6)


def test_an_even_power_of_a_vanishing_base_is_a_taylor_series():
    # (x^2 + y^2)^(3/2) along (t, 0): (t^2)^(3/2) = |t|^3, not smooth; (x^4)^(1/2) = x^2 is
    L = Landscape.from_expression("(x^4 + y^4)^(1/2)", "x,y")
    assert L.taylor([0, 0], [1, 0], 4) == [0, 0, 1, 0, 0]


def test_expansions_stop_within_the_time_budget():
    L = Landscape.from_expression("tanh(x)^2 + sigmoid(x*y)^3", "x,y")
    with budget.limits(max_seconds=0.05):
        start = time.monotonic()
        with pytest.raises(BudgetExceeded, match="max_seconds"):
            L.taylor(["1/3", "1/7"], [1, 1], 64)
        assert time.monotonic() - start < 5


def test_numbers_computed_at_a_point_are_bounded():
    L = Landscape.from_expression("2^x", "x")
    start = time.monotonic()
    with pytest.raises(BudgetExceeded, match="max_digits"):
        L.value([10**9])
    assert time.monotonic() - start < 2
    assert L.value([10]) == 1024


def test_the_order_is_bounded_by_the_budget():
    L = Landscape.from_expression("exp(x)", "x")
    with pytest.raises(BudgetExceeded, match="max_order=64"):
        L.taylor([0], [1], 65)
    with budget.limits(max_order=70):
        assert L.taylor([0], [1], 65)[65] == R(1, math.factorial(65))


@pytest.mark.parametrize("loss, point", [
    ("tanh(sigmoid(x*y))^2 + log(1 + x^2) - exp(-y)", ["1/3", "-1/2"]),
    ("x^y + (x^2 + y^2)^(9/4)", ["2", "1/3"]),
    ("sigmoid(log(1 + exp(x - y)))*y^3", ["1/5", "2"]),
])
def test_second_order_jets_agree_with_sympy_diff(loss, point):
    by_diff = Landscape.from_expression(loss, "x,y")
    by_jets = Landscape.from_expression(loss, "x,y")
    by_jets._by_diff = False  # what a deep expression gets: second-order jets over the DAG
    assert by_diff._by_diff
    for a, b in zip(list(by_diff.gradient(point)) + list(by_diff.hessian(point)),
                    list(by_jets.gradient(point)) + list(by_jets.hessian(point))):
        assert not b.atoms(sympy.Float)
        assert abs(sympy.N(a - b, 50)) < sympy.Rational(1, 10**40)


def test_deep_nesting_is_bounded():
    # SymPy's diff of a tower x^x^...^x ran for minutes; jets are bounded by the budget
    tower = Landscape.from_expression("x" + "^x" * 12, "x")
    assert not tower._by_diff
    start = time.monotonic()
    gradient = tower.gradient(["1/2"])[0]
    assert gradient.is_number and not gradient.atoms(sympy.Float)
    assert time.monotonic() - start < 10
    deep = Landscape.from_expression("x" + "^x" * 150, "x")
    with budget.limits(max_seconds=0.01):
        with pytest.raises(BudgetExceeded, match="max_seconds"):
            deep.hessian(["1/2"])
    # 100 nested sigmoids: the Hessian written out has millions of operations
    chain = Landscape.from_expression("sigmoid(" * 100 + "x" + ")" * 100, "x")
    with pytest.raises(BudgetExceeded, match="max_nodes"):
        chain.hessian(["1/2"])
