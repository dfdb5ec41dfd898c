"""The checker's own evaluation: values, second-order jets and series, against SymPy's calculus."""

import flint
import mpmath
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy import Rational as R

from symlandscape import budget, jets
from symlandscape.activations import leaky_relu, relu, sigmoid
from symlandscape.errors import DomainError, EvaluationError

x, y, z = sympy.symbols("x y z", real=True)
VARS = (x, y, z)


@st.composite
def polynomials(draw, depth=3):
    """Random polynomial expressions in x, y, z kept as trees (products of sums, small powers)."""
    if depth == 0 or draw(st.booleans()):
        return draw(st.sampled_from([x, y, z, R(draw(st.integers(-3, 3)), draw(st.integers(1, 3)))]))
    op = draw(st.sampled_from(["add", "mul", "pow"]))
    a = draw(polynomials(depth=depth - 1))
    if op == "pow":
        return a ** draw(st.integers(0, 3))
    b = draw(polynomials(depth=depth - 1))
    return a + b if op == "add" else a * b


smooth_functions = st.sampled_from([
    lambda e: sympy.exp(e / 3),
    lambda e: sympy.tanh(e),
    lambda e: sigmoid(e),
    lambda e: sympy.log(1 + e**2),
    lambda e: (2 + e**2) ** R(3, 2),
    lambda e: 1 / (1 + e**2),
])

rationals = st.builds(R, st.integers(-4, 4), st.integers(1, 3))
points = st.tuples(rationals, rationals, rationals)


def sympy_derivatives(expr, point):
    subs = dict(zip(VARS, point))
    gradient = [sympy.diff(expr, v).xreplace(subs) for v in VARS]
    hessian = sympy.hessian(expr, VARS).xreplace(subs)
    return expr.xreplace(subs), gradient, hessian


@settings(max_examples=60, deadline=None)
@given(polynomials(), points)
def test_polynomial_jets_are_sympys_derivatives_exactly(expr, point):
    value, gradient, H = jets.second_order(expr, VARS, point)
    v, g, Hs = sympy_derivatives(expr, point)
    assert value == v and gradient == g
    assert sympy.Matrix(H.tolist()) == Hs


@settings(max_examples=40, deadline=None)
@given(polynomials(depth=2), smooth_functions, points)
def test_transcendental_jets_agree_with_sympy_to_40_digits(expr, outer, point):
    # values are exact constants written differently (SymPy's derivative rules against the jets'
    # chain rule): compared at 50 digits; a wrong rule differs in the leading digits
    f = outer(expr) * x + y
    value, gradient, H = jets.second_order(f, VARS, point)
    v, g, Hs = sympy_derivatives(f, point)
    pairs = [(value, v), *zip(gradient, g), *zip(list(H), list(Hs))]
    with mpmath.workdps(50):
        for a, b in pairs:
            assert abs(sympy.N(a - b, 50)) < sympy.Float(10) ** -40


@settings(max_examples=40, deadline=None)
@given(polynomials(), points, st.lists(st.tuples(rationals, rationals, rationals), min_size=1, max_size=3))
def test_series_along_curves_is_the_composed_polynomial(expr, point, tail):
    t = sympy.Symbol("t")
    curve = [point, *tail]
    path = {v: sum((c[i] * t**k for k, c in enumerate(curve)), 0) for i, v in enumerate(VARS)}
    expanded = sympy.Poly(sympy.expand(expr.xreplace(path)), t)
    order = 6
    assert jets.series(expr, VARS, curve, order) == [expanded.coeff_monomial(t**k) for k in range(order + 1)]


def test_series_of_transcendental_functions():
    t = sympy.Symbol("t")
    for f in (sympy.tanh(x * y), sigmoid(x - y), sympy.exp(x) * sympy.log(2 + y), (1 + x**2) ** R(1, 3), y**y):
        curve = [[R(1, 2), R(3, 2), 0], [1, -2, 0], [R(1, 3), 0, 0]]
        ours = jets.series(f, VARS, curve, 5)
        path = {x: R(1, 2) + t + t**2 / 3, y: R(3, 2) - 2 * t}
        theirs = sympy.series(f.rewrite(sigmoid, sympy.exp).xreplace(path), t, 0, 6).removeO()
        for k in range(6):
            assert abs(sympy.N(ours[k] - theirs.coeff(t, k), 50)) < sympy.Float(10) ** -40


def test_values_of_nonsmooth_units():
    assert jets.value(relu(x - y) + sympy.Abs(z) + sympy.Max(x, y, 1) - sympy.Min(x, z), VARS, [2, 3, -1]) == 0 + 1 + 3 + 1
    assert jets.value(leaky_relu(x, R(1, 10)), VARS, [-5, 0, 0]) == R(-1, 2)


@pytest.mark.parametrize("expr, point, message", [
    (1 / x, [0, 1, 0], "divides by zero"),
    (sympy.log(-x), [0, 0, 0], "needs -x > 0"),
    (sympy.sqrt(x), [-1, 0, 0], "needs its base x >= 0"),
    (y**y, [0, R(-3, 2), 0], "needs its base y >= 0"),
    (relu(x) / x, [0, 0, 0], "divides by zero"),
])
def test_points_outside_the_domain(expr, point, message):
    with pytest.raises(DomainError, match=message):
        jets.value(expr, VARS, point)


def test_no_taylor_series_is_invented():
    # |θ|^(9/2) along a line through 0 has a term t^(9/2): not a Taylor series
    f = (x**2 + y**2) ** R(9, 4) - x**6 + y**2
    with pytest.raises(EvaluationError, match=r"t\^\(9/2\)"):
        jets.series(f, VARS, [[0, 0, 0], [1, 0, 0]], 8)
    # a pole and a logarithmic singularity along a curve
    with pytest.raises(EvaluationError, match="pole"):
        jets.series(1 / (x + y), VARS, [[1, -1, 0], [1, 0, 0]], 4)
    with pytest.raises(EvaluationError, match="logarithmic"):
        jets.series(sympy.log(x**2), VARS, [[0, 0, 0], [1, 0, 0]], 4)
    # but (t^2)^(3/2) = t^3 for t > 0 is one
    assert jets.series((x**2 + y**2) ** R(3, 2), VARS, [[0, 0, 0], [1, 0, 0]], 5) == [0, 0, 0, 1, 0, 0]


def test_second_order_of_a_vanishing_power():
    # (x² + y² + z²)^(9/4) = |θ|^(9/2) = o(|θ|²): its second-order expansion is 0
    f = (x**2 + y**2 + z**2) ** R(9, 4) + y**2
    value, gradient, H = jets.second_order(f, VARS, [0, 0, 0])
    assert value == 0 and gradient == [0, 0, 0] and H == sympy.diag(0, 2, 0)
    # |θ| is not differentiable at 0, and x^(5/2) is not real for x < 0: no expansion is claimed
    for bad in ((x**2 + y**2 + z**2) ** R(1, 2), x ** R(5, 2), (x**2) ** R(5, 4)):
        with pytest.raises(EvaluationError):
            jets.second_order(bad, VARS, [0, 0, 0])


def test_polynomial_expansion_and_its_budget():
    ctx = flint.fmpq_mpoly_ctx.get(("a", "b", "c"), "lex")
    assert jets.polynomial((x + y) ** 2 - 2 * x * y, VARS, ctx) == ctx.gens()[0] ** 2 + ctx.gens()[1] ** 2
    with budget.limits(max_degree=10), pytest.raises(budget.BudgetExceeded, match="max_degree"):
        jets.polynomial((x + y + 1) ** 20, VARS, ctx)
    with budget.limits(max_terms=100), pytest.raises(budget.BudgetExceeded, match="max_terms"):
        jets.polynomial((x + y + z + 1) ** 8, VARS, ctx)
    with pytest.raises(EvaluationError, match="not a polynomial"):
        jets.polynomial(relu(x), VARS, ctx)


def test_numbers_stay_within_the_digit_budget():
    with budget.limits(max_digits=100), pytest.raises(budget.BudgetExceeded, match="max_digits"):
        jets.value(x**1000, VARS, [3, 0, 0])
    with pytest.raises(budget.BudgetExceeded, match="max_order"):
        jets.series(x, VARS, [[0, 0, 0]], 10**6)


@settings(max_examples=25, deadline=None)
@given(polynomials(depth=2), st.sampled_from([sympy.exp, sympy.tanh, sigmoid]), points)
def test_the_checker_and_the_symbolic_engine_expand_alike(expr, outer, point):
    # two independent implementations of the same series (the checker's jets.py, the engine's
    # polynomial.series_along): their coefficients must be the same exact numbers
    from symlandscape import Landscape
    from symlandscape.signs import exact_sign

    f = outer(expr / 2) * x + y**2
    L = Landscape.from_expression(f, VARS)
    curve = [list(point), [1, -1, 2], [R(1, 2), 0, 0]]
    ours = jets.series(f, VARS, curve, 4)
    engine = L.along(curve, 4)
    assert all(exact_sign(sympy.sympify(a) - sympy.sympify(b)) == 0 for a, b in zip(ours, engine))
