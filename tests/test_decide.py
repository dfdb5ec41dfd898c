"""Points the search now decides: the gradient first, curves solved order by order, witnesses far away.

Expected values are derived by hand in each docstring; curves stated by a certificate are
re-expanded here with SymPy (a second method, independent of the checker's own series).
"""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
import sympy

from symlandscape import Landscape, classify, deep_linear, verify


def first_order_along(landscape, certificate_curve):
    """(order, coefficient) of the first nonzero Taylor coefficient of L(θ0 + Σ t^k d_k) - L(θ0), by SymPy."""
    t = sympy.Symbol("t")
    point = [sympy.Integer(0)] * len(landscape.variables)
    curve = [p + sum(sympy.Rational(d[i]) * t ** (k + 1) for k, d in enumerate(certificate_curve))
             for i, p in enumerate(point)]
    expression = landscape.expression
    along = sympy.expand(expression.subs(dict(zip(landscape.variables, curve)), simultaneous=True)
                         - expression.subs({v: 0 for v in landscape.variables}))
    polynomial = sympy.Poly(along, t)
    order = min(m[0] for m in polynomial.monoms())
    return order, polynomial.coeff_monomial(t ** order)


# ---------------------------------------------------------------------------------------
# not critical: decided from the gradient, the Hessian never formed


def test_not_critical_is_decided_before_the_hessian(monkeypatch):
    """Lee's loss (1 - w1 w2)² at (1, 2): ∂L/∂w1 = -2 w2 (1 - w1 w2) = 4, ∂L/∂w2 = -2 w1 (1 - w1 w2) = 2."""
    lee = Landscape.from_expression("(1 - w1*w2)^2", "w1,w2")

    def forbidden(point):
        raise AssertionError("the Hessian is not needed at a point that is not critical")

    monkeypatch.setattr(lee, "_hessian", forbidden)
    v = classify(lee, [1, 2])
    assert v.kind == "not_critical" and v.verified
    assert v.certificate["evidence"] == {"gradient": {"type": "gradient", "gradient": ["4", "2"]}}
    assert v.hessian_inertia is None
    # the value 1 is not the least: the loss is 0 on w1 w2 = 1, and the witness is exactly lower
    assert v.global_min is False
    assert verify(v.certificate, lee)


def test_not_critical_at_a_deep_linear_point_skips_the_hessian(monkeypatch):
    """64 weights (hidden [4, 4, 4]) at a random rational point: the gradient is nonzero there
    (a random point is not critical), and no Hessian is built."""
    rng = random.Random(5)
    X = [[rng.randint(-3, 3) for _ in range(5)] for _ in range(4)]
    Y = [[rng.randint(-3, 3) for _ in range(5)] for _ in range(4)]
    L = deep_linear(X, Y, hidden=[4, 4, 4])
    point = [Fraction(rng.randint(-5, 5), rng.randint(1, 4)) for _ in L.variables]
    assert len(point) == 64

    def forbidden(point):
        raise AssertionError("the Hessian is not needed at a point that is not critical")

    monkeypatch.setattr(L, "_hessian", forbidden)
    v = classify(L, point, global_search="off")
    assert v.kind == "not_critical" and v.verified
    stated = v.certificate["evidence"]["gradient"]["gradient"]
    assert [sympy.Rational(g) for g in stated] == list(L.gradient(point))


# ---------------------------------------------------------------------------------------
# curves of higher order


@pytest.mark.parametrize("expression, names, lowest", [
    # along (t, t²): (t² - t²)² - t⁶ = -t⁶; any curve has x of order >= 1, so -x⁶ is of order >= 6
    ("(y - x^2)^2 - x^6", "x,y", 6),
    # along (t, t² + t³): -t⁸, and -x⁸ is of order >= 8
    ("(y - x^2 - x^3)^2 - x^8", "x,y", 8),
    # along (t, t, t²): (t² - t²)² - t⁸ = -t⁸; -x⁴y⁴ is of order >= 8
    ("(z - x*y)^2 - x^4*y^4", "x,y,z", 8),
    # along (t, t³): -t⁸
    ("(y - x^3)^2 - x^8", "x,y", 8),
    # along (t, t²): -t⁷ (odd: (-t, t²) gives +t⁷, but y = x² is still needed to reach order 7)
    ("(y - x^2)^2 - x^7", "x,y", 7),
    # along (t, 0): -t¹⁴ and -t¹⁶, beyond the default order 12
    ("y^2 - x^14", "x,y", 14),
    ("y^2 - x^16", "x,y", 16),
])
def test_descent_only_along_curves_of_higher_order(expression, names, lowest):
    """Degenerate saddles at 0 whose first decrease is at order 6 to 16.  The ascent is along
    the y axis (y² or (y - …)² gives +t²) and the descent curve must beat the square: its
    order is at least ``lowest`` (argued in each comment), and the curves above reach it."""
    L = Landscape.from_expression(expression, names)
    origin = [0] * len(L.variables)
    v = classify(L, origin)
    assert v.kind == "degenerate_saddle" and v.verified
    assert v.global_min is False  # a descent curve gives points of lower value
    descent, ascent = v.certificate["evidence"]["descent"], v.certificate["evidence"]["ascent"]
    order, coefficient = first_order_along(L, descent["curve"])
    assert order == descent["order"] == lowest
    assert coefficient < 0 and sympy.Rational(descent["coefficients"][order]) == coefficient
    order, coefficient = first_order_along(L, ascent["curve"])
    assert order == ascent["order"] == 2 and coefficient > 0
    assert verify(v.certificate, L)


def test_max_order_bounds_the_degree_of_the_curves():
    """(y - x² - x³)² - x⁸ has no descent curve of degree <= 2 in t: with x = a t + b t²,
    a ≠ 0, the square must vanish to order 5, forcing y = a² t², b = -a²/2 and then a t⁴
    term -5a⁴/4 ≠ 0; with a = 0, x⁸ is of order 16 and y = 0, leaving -b² t⁴ in the square.
    So max_order=2 leaves it undetermined, and says why; the default decides it."""
    L = Landscape.from_expression("(y - x^2 - x^3)^2 - x^8", "x,y")
    v = classify(L, [0, 0], max_order=2)
    assert v.kind == "undetermined" and v.verified
    assert "degree at most 2 in t" in v.explanation
    assert classify(L, [0, 0]).kind == "degenerate_saddle"


def test_zero_weights_with_three_weight_matrices():
    """Three 6x6 weight matrices at zero (108 weights): L(t d) - L(0) = -t³ ⟨D3 D2 D1 X, Y⟩ + O(t⁶)
    along d = (D1, D2, D3), so a path direction (one unit entry per matrix, product e_i e_jᵀ)
    descends at order 3 with coefficient -(Y Xᵀ)_ij, and flipping D3 ascends."""
    rng = random.Random(0)
    X = [[rng.randint(-3, 3) for _ in range(7)] for _ in range(6)]
    Y = [[rng.randint(-3, 3) for _ in range(7)] for _ in range(6)]
    L = deep_linear(X, Y, hidden=[6, 6])
    v = classify(L, [0] * 108)
    assert v.kind == "degenerate_saddle" and v.verified
    assert v.hessian_inertia == {"positive": 0, "negative": 0, "zero": 108}
    YXt = sympy.Matrix(Y) * sympy.Matrix(X).T
    for role, sign in (("descent", -1), ("ascent", 1)):
        curve = v.certificate["evidence"][role]
        assert len(curve["curve"]) == 1
        d = [sympy.Rational(x) for x in curve["curve"][0]]
        D1, D2, D3 = sympy.Matrix(6, 6, d[:36]), sympy.Matrix(6, 6, d[36:72]), sympy.Matrix(6, 6, d[72:])
        P = D3 * D2 * D1
        cubic = -sum(P[i, j] * YXt[i, j] for i in range(6) for j in range(6))
        sextic = sum(x ** 2 for x in P * sympy.Matrix(X)) / 2  # the t⁶ term ½ ||P X||² when the cubic vanishes
        if curve["order"] == 3:
            assert sympy.Rational(curve["coefficients"][3]) == cubic and sympy.sign(cubic) == sign
        else:  # a path through a zero entry of Y Xᵀ ascends at order 6
            assert (curve["order"], role, cubic) == (6, "ascent", 0)
            assert sympy.Rational(curve["coefficients"][6]) == sextic > 0
    assert v.certificate["evidence"]["descent"]["order"] == 3


# ---------------------------------------------------------------------------------------
# global status: points of lower value far away


@pytest.mark.parametrize("expression, names, origin", [
    ("x^2 - x^3/1000", "x", [0]),        # x² - x³/1000 < 0 exactly when x > 1000
    ("x^2 + y^2 - y^3/500", "x,y", [0, 0]),  # along y: y² - y³/500 < 0 when y > 500
])
def test_strict_minimum_that_is_not_global(expression, names, origin):
    L = Landscape.from_expression(expression, names)
    v = classify(L, origin)
    assert v.kind == "strict_local_min" and v.verified
    assert v.global_min is False
    point = [Fraction(x) for x in v.certificate["global"]["point"]]
    value = Fraction(v.certificate["global"]["value"])
    if names == "x":
        assert point[0] > 1000 and value == point[0] ** 2 - point[0] ** 3 / 1000
    else:
        x, y = point
        assert y > 500 and value == x ** 2 + y ** 2 - y ** 3 / 500
    assert value < 0


def test_degenerate_minimum_on_a_ball_is_not_global(monkeypatch):
    """x² + y⁴ - y⁵ at 0 is a local minimum (x² + y⁴(1 - y) >= 0 for y <= 1) that holds only
    near 0: a sum of squares with the multiplier r² - x² - y² proves it on a ball (the
    quasi-homogeneous bound, tried first, is switched off here), and (0, 2) has value
    16 - 32 < 0, so it is not a global minimum."""
    import symlandscape.search.quasi

    monkeypatch.setattr(symlandscape.search.quasi, "quasi_bound", lambda search, sense: None)
    L = Landscape.from_expression("x^2 + y^4 - y^5", "x,y")
    v = classify(L, [0, 0])
    assert v.kind == "local_min" and v.verified
    bound = v.certificate["evidence"]["minimum"]
    # on a ball of radius above 1 the point (0, 1 + ε) has a lower value: the radius must be at most 1
    assert bound["sense"] == "lower" and 0 < Fraction(bound["region"]["ball"]) <= 1
    assert "descent" not in v.certificate["evidence"]
    assert v.global_min is False
    x, y = (Fraction(c) for c in v.certificate["global"]["point"])
    assert Fraction(v.certificate["global"]["value"]) == x ** 2 + y ** 4 - y ** 5 < 0


# ---------------------------------------------------------------------------------------
# global status from the loss's own form


def test_hinge_network_at_an_exact_fit_is_a_global_minimum():
    """f(x) = v relu(w x + b) + c with (w, b, v, c) = (1, 0, 2, -1) on x = -1, 1, 3 with labels
    -1, 1, 1: f = -1, 1, 5, so y f = 1, 1, 5 and every cubic hinge max(1 - y f, 0)^3 is 0.
    The loss is a sum of cubes of max(0, ·), each >= 0, so the value 0 is the global minimum
    (and a local one), although the point sits on the hinges' kinks."""
    from symlandscape import get_loss, mlp

    h = mlp([[-1, 1, 3]], [[-1, 1, 1]], hidden=[1], loss=get_loss("hinge"), variables="w,b,v,c")
    assert h.value([1, 0, 2, -1]) == 0
    v = classify(h, [1, 0, 2, -1])
    assert (v.kind, v.global_min, v.verified) == ("local_min", True, True)
    assert v.certificate["global"] == {"type": "structural_lower_bound", "bound": "0"}
    assert v.certificate["evidence"]["minimum"] == {"type": "structural_lower_bound", "bound": "0"}


def test_relu_network_at_an_exact_fit_is_a_global_minimum():
    """relu(x) fits (-1, 0), (1, 1), (2, 2) exactly: (w, b, v, c) = (1, 0, 1, 0) has loss 0
    (the unit's arguments are -1, 1, 2: inactive on the first sample, active on the others),
    and a sum of squares of residuals is >= 0 everywhere, so 0 is the global minimum."""
    from symlandscape import get_loss, mlp

    r = mlp([[-1, 1, 2]], [[0, 1, 2]], hidden=[1], loss=get_loss("squared", scale="sum"), variables="w,b,v,c")
    assert r.value([1, 0, 1, 0]) == 0
    v = classify(r, [1, 0, 1, 0])
    assert (v.kind, v.global_min, v.verified) == ("local_min", True, True)
    assert v.certificate["global"]["type"] in ("structural_lower_bound", "global_lower_bound")


def test_structural_reading_is_conservative():
    """Only forms that are nonnegative at every real point count; anything needing a domain
    (log, roots, division) or a sign (odd powers, a min with a free argument) is not read."""
    from symlandscape.verify import structural_lower_bound

    x, y = sympy.symbols("x y", real=True)
    relu = Landscape.from_expression("relu(x)", "x").expression.func
    assert structural_lower_bound(5 + (x - y) ** 2 * sympy.exp(x) + relu(y) ** 3, (x, y)) == 5
    assert structural_lower_bound(sympy.Max(0, x) ** 3 + sympy.Abs(y), (x, y)) == 0
    for expression in (x ** 3 + y ** 2, sympy.log(x) ** 2 + 1, sympy.sqrt(x) + 1, 1 / (1 + x ** 2),
                       sympy.Min(0, x) ** 3, sympy.tanh(x) + 1, (x ** 2 + 1) * (1 - y), x ** 2 - 1 - y ** 2):
        assert structural_lower_bound(expression, (x, y)) is None, expression


def test_an_undecided_gradient_sign_leaves_criticality_open_without_a_hessian(monkeypatch):
    """∂/∂x tanh(10⁴⁰ x) at x = 1 is 10⁴⁰ (1 - tanh(10⁴⁰)²) ≈ 4·10⁴⁰ e^(-2·10⁴⁰): positive, but
    far below any interval enclosure the sign rule tries, so criticality is undecided; the
    Hessian could not change that and is not formed."""
    L = Landscape.from_expression("tanh(" + "1" + "0" * 40 + "*x) + y^2", "x,y")

    def forbidden(point):
        raise AssertionError("the Hessian cannot decide criticality")

    monkeypatch.setattr(L, "_hessian", forbidden)
    v = classify(L, [1, 0])
    assert (v.kind, v.critical, v.verified) == ("undetermined", None, True)
    assert "Criticality is undecided" in v.explanation


def test_a_lower_point_at_a_finite_distance_along_a_line():
    """x²(1 - y) + y⁴ at 0 is a local minimum (x²(1 - y) >= 0 for y <= 1); its leading form y⁴ is
    nonnegative, so no line goes to -∞, but along (a, 1) with |a| > 2 the loss a²s² - a²s³ + s⁴ is
    negative between the roots of s² - a²s + a² (for a = 4: between 1.07 and 14.9)."""
    L = Landscape.from_expression("x^2*(1 - y) + y^4", "x,y")
    v = classify(L, [0, 0])
    assert v.kind == "local_min" and v.global_min is False
    x, y = (Fraction(c) for c in v.certificate["global"]["point"])
    assert Fraction(v.certificate["global"]["value"]) == x ** 2 * (1 - y) + y ** 4 < 0
