"""critical_points on piecewise (ReLU-type) losses: the arrangement's faces, Clarke points, components.

Every expected value below is derived by hand in the comment beside it (pieces, their critical
points, the sign conditions of the face, the convex-hull condition on a kink).
"""

import json

import flint
import pytest
import sympy

from symlandscape import Landscape, get_loss, mlp
from symlandscape.arrangement import adjacent_signs, faces, hinges, maximize, strictly_feasible
from symlandscape.cli import main
from symlandscape.critical import critical_points
from symlandscape.errors import InvalidArgument

q = flint.fmpq


def solve(loss, variables, **kwargs):
    return critical_points(Landscape.from_expression(loss, variables), **kwargs)


def points(result):
    return [([str(c) for c in p.coordinates], str(p.value), p.kind, p.face["signs"]) for p in result.points]


def components(result):
    return [(c["face"]["signs"], c["dimension"], c["value"]) for c in result.components]


# -- the exact simplex -------------------------------------------------------------------------

def test_simplex_small_problem_by_hand():
    # max x + y, x + 2y <= 4, 3x + y <= 6: the vertex x = 8/5, y = 6/5 (both constraints tight), value 14/5
    status, value, x = maximize([q(1), q(1)], [[q(1), q(2)], [q(3), q(1)]], [q(4), q(6)])
    assert (status, value, x) == ("optimal", q(14, 5), [q(8, 5), q(6, 5)])


def test_simplex_terminates_on_beales_cycling_example():
    # E. M. L. Beale (1955): the textbook rule cycles here; the optimum is 5/4 at x4 = 1, x6 = 1
    c = [q(3, 4), q(-20), q(1, 2), q(-6)]
    A = [[q(1, 4), q(-8), q(-1), q(9)], [q(1, 2), q(-12), q(-1, 2), q(3)], [q(0), q(0), q(1), q(0)]]
    status, value, x = maximize(c, A, [q(0), q(0), q(1)])
    assert status == "optimal" and value == q(5, 4)
    assert sum((ci * xi for ci, xi in zip(c, x)), q(0)) == q(5, 4)


def test_simplex_phase_one_and_the_three_outcomes():
    # x >= 2 (written -x <= -2), x <= 3: max x is 3 (phase 1 starts from an infeasible origin)
    assert maximize([q(1)], [[q(-1)], [q(1)]], [q(-2), q(3)])[:2] == ("optimal", q(3))
    assert maximize([q(1)], [[q(-1)], [q(1)]], [q(-4), q(3)])[0] == "infeasible"   # x >= 4 and x <= 3
    assert maximize([q(1)], [[q(-1)]], [q(-2)])[0] == "unbounded"


def test_strict_feasibility_needs_interior():
    x_pos, x_neg = ((q(1), q(0)), q(0)), ((q(-1), q(0)), q(0))
    assert strictly_feasible(2, strict=[x_pos, x_neg]) is None                      # x > 0 and x < 0
    assert strictly_feasible(2, strict=[x_pos], weak=[x_neg]) is None                # x > 0 and x <= 0
    point = strictly_feasible(2, equal=[((q(0), q(1)), q(-3))], strict=[x_pos])     # y = 3, x > 0
    assert point[1] == 3 and point[0] > 0


# -- the arrangement ---------------------------------------------------------------------------

def test_faces_of_lines_through_the_origin():
    # k distinct lines through the origin of the plane: 2k sectors, 2k open rays and the origin
    L = mlp([[-1, 1, 3, 4, 5]], [[3, -3, 0, 1, 2]], hidden=[1], loss=get_loss("squared", scale="sum"),
            variables="w,b,v,c")
    units = hinges(L)
    found = faces(units, 4)
    assert (sum(f.is_region for f in found), len(found)) == (10, 21)
    # each face's witness point has exactly the face's signs, and no two faces share a sign vector
    for f in found:
        values = [h.at(f.point) for h in units]
        assert tuple((v > 0) - (v < 0) for v in values) == f.signs
    assert len({f.signs for f in found}) == len(found)
    origin = next(f for f in found if f.signs == (0,) * 5)
    # at w = b = 0 all five lines meet: the adjacent pieces are the 10 sectors
    assert len(adjacent_signs(hinges(L), origin)) == 10


def test_faces_of_the_coordinate_axes_and_a_box():
    L = Landscape.from_expression("relu(x)^2 + relu(y)^2", "x,y")
    assert len(faces(hinges(L), 2)) == 9                                  # 4 quadrants, 4 half-axes, the origin
    assert [f.signs for f in faces(hinges(L), 2, box=(1, 2))] == [(1, 1)]  # the box lies inside x > 0, y > 0


# -- critical points, by hand ------------------------------------------------------------------

def test_relu_squared_minus_x():
    # x > 0: x^2 - x, critical at 1/2 (inside), value -1/4, a strict minimum; x < 0: -x has none;
    # x = 0: both pieces have gradient -1, so 0 is not in their hull
    result = solve("relu(x)^2 - x", "x")
    assert points(result) == [(["1/2"], "-1/4", "strict_local_min", "+")]
    assert (result.complete, result.described, result.real_count, result.components) == (True, True, 1, ())
    assert all(p.verified for p in result.points)


def test_a_kink_that_is_a_clarke_critical_local_minimum():
    # x != 0: the gradient has first component ±1; on x = 0 the restriction (y - 1)^2 gives y = 1, and
    # 0 = 1/2 (1, 0) + 1/2 (-1, 0): Clarke-critical, the minimum 0
    result = solve("abs(x) + (y - 1)^2", "x,y")
    # classify proves L >= L(point) on every adjacent piece ("local_min": strictness is not claimed at a kink)
    assert points(result) == [(["0", "1"], "0", "local_min", "0")]
    assert result.complete and result.described
    assert "Clarke: 0 = 1/2·∇L[+] + 1/2·∇L[-]" in result.points[0].evidence[1]


def test_a_kink_that_is_not_critical():
    # abs(x) + 2x is 3x for x > 0 and x for x < 0: gradients 3 and 1, no convex combination is 0
    result = solve("abs(x) + 2*x", "x")
    assert (result.points, result.components, result.complete) == ((), (), True)


def test_max_and_leaky_relu():
    # max(x, 1 - x)^2: x^2 for x >= 1/2 (critical at 0, outside), (1 - x)^2 for x <= 1/2 (critical at 1,
    # outside); at x = 1/2 the gradients are 1 and -1: the kink is the minimum 1/4
    assert points(solve("max(x, 1 - x)^2", "x")) == [(["1/2"], "1/4", "local_min", "0")]
    # leaky_relu(x, 1/2)^2 - x: x^2 - x for x > 0 (x = 1/2), x^2/4 - x for x < 0 (x = 2, outside)
    assert points(solve("leaky_relu(x, 1/2)^2 - x", "x")) == [(["1/2"], "-1/4", "strict_local_min", "+")]


def test_an_irrational_critical_point_inside_a_region():
    # x > 0: x^3/3 - 2x, critical at x^2 = 2: sqrt(2), value 2 sqrt(2)/3 - 2 sqrt(2) = -4 sqrt(2)/3 (9v^2 = 32)
    result = solve("relu(x)^3/3 - 2*x", "x")
    (p,) = result.points
    assert p.coordinates[0].minimal_polynomial == flint.fmpz_poly([-2, 0, 1]) and p.coordinates[0].index == 1
    assert p.value.minimal_polynomial == flint.fmpz_poly([-32, 0, 9]) and float(p.value) < 0
    assert (p.kind, p.verified, result.complete) == ("strict_local_min", True, True)


def test_irrational_points_on_a_kink_by_exact_signs():
    # on x = 0 the restriction y^3/3 - 2y has y = ±sqrt(2); the adjacent gradients are (±1, y^2 - 2) = (±1, 0):
    # 0 is their midpoint, so both points are Clarke-critical, of value ∓4 sqrt(2)/3 (9 v^2 = 32)
    result = solve("abs(x) + y^3/3 - 2*y", "x,y")
    assert result.complete and len(result.points) == 2
    for p, index in zip(result.points, (1, 0)):          # sorted by value: y = +sqrt(2) first
        assert str(p.coordinates[0]) == "0"
        assert (p.coordinates[1].minimal_polynomial, p.coordinates[1].index) == (flint.fmpz_poly([-2, 0, 1]), index)
        assert p.value.minimal_polynomial == flint.fmpz_poly([-32, 0, 9])
        assert (p.kind, p.verified) == ("undetermined", False)   # classify takes rational points only
    # with + 2x the gradients are (3, 0) and (1, 0): no point on the kink, and none elsewhere
    assert solve("abs(x) + 2*x + y^3/3 - 2*y", "x,y").points == ()
    # a box keeps y = sqrt(2) and drops y = -sqrt(2)
    assert len(solve("abs(x) + y^3/3 - 2*y", "x,y", box=(-1, 2)).points) == 1


def test_two_sample_relu_network():
    # f(x) = relu(w x + b) on the samples (1, 1) and (-1, 0): L = (relu(w + b) - 1)^2 + relu(b - w)^2.
    # With p = w + b, m = b - w:  p > 0, m < 0: (p - 1)^2, the line p = 1 (value 0, a component);
    # p < 0, m < 0: L = 1 everywhere (a two-dimensional dead component); p < 0, m > 0: 1 + m^2, no point;
    # p > 0, m > 0: (p - 1)^2 + m^2 needs m = 0: none inside.  Faces: m = 0, p > 0 gives p = 1, the point
    # (1/2, 1/2), value 0; m = 0, p < 0 and p = 0, m < 0 are constant 1 with a zero-gradient piece adjacent:
    # components; p = 0, m > 0: 1 + m^2 has m = 0, outside; the origin: the hull of (-2, -2) and 0 holds 0.
    result = solve("(relu(w + b) - 1)^2 + relu(b - w)^2", "w,b")
    assert result.arrangement["hinge_units"] == ["relu(b - w)", "relu(b + w)"]   # signs are (m, p)
    assert points(result) == [(["1/2", "1/2"], "0", "local_min", "0+"), (["0", "0"], "1", "degenerate_saddle", "00")]
    assert components(result) == [("-+", 1, "0"), ("--", 2, "1"), ("-0", 1, "1"), ("0-", 1, "1")]
    assert result.described and not result.complete and result.dimension == 2 and result.real_count is None
    assert result.summary["least_value"] == "0"


def test_a_dead_unit_family_is_never_complete():
    # (v relu(w) - 1)^2: for w < 0 the loss is 1 for every v (a dead unit: a 2-dimensional family); for
    # w > 0 the critical set of (v w - 1)^2 is the hyperbola v w = 1 (positive-dimensional, degree 4 piece)
    result = solve("(v*relu(w) - 1)^2", "v,w")
    assert (result.complete, result.described) == (False, False)
    assert ("-", 2, "1") in components(result)
    assert any("positive-dimensional critical set (dimension 1" in e for e in result.not_established)


def test_the_whole_scp16_landscape_is_not_complete_and_bounds_its_critical_values():
    # (w, b, v, c): v relu(w x + b) keeps its value along (tw, tb, v/t), so every piece with an active sample
    # has curves of critical points; the enumeration must not call its list complete.  The open faces'
    # eliminating polynomials bound every critical value from below: the least root is on the region where
    # x = 1, 3, 4, 5 are active and x = -1 is not, whose piece's least squares value is
    # (c - 3)^2 = 0 plus the line fit of (1, -3), (3, 0), (4, 1), (5, 2): Syy - Sxy^2/Sxx = 14 - 11^2/(35/4) = 6/35
    L = mlp([[-1, 1, 3, 4, 5]], [[3, -3, 0, 1, 2]], hidden=[1], loss=get_loss("squared", scale="sum"),
            variables="w,b,v,c")
    result = critical_points(L, classify_points=False)
    assert (result.complete, result.described, result.real_count) == (False, False, None)
    assert result.summary["critical_values_at_least"] == "6/35"
    assert result.summary["global_minimum"] is None
    # the dead unit: every sample inactive, v and (w, b) free, c = mean(y) = 3/5, value 106/5
    assert ("-----", 3, "106/5") in components(result)


def test_box_restricts_faces_and_points():
    assert solve("relu(x)^2 - x", "x", box=(1, 2)).points == ()                        # 1/2 lies outside
    inside = solve("relu(x)^2 - x", "x", box=(0, 1))
    assert points(inside) == [(["1/2"], "-1/4", "strict_local_min", "+")] and inside.arrangement["faces"] == 2


def test_scp16_slice_lists_the_global_minimum_family():
    # v = 1: on the region where only x = -1 is active, c must fit the other four targets (mean 0) and
    # b - w - 3 = 0: the open ray b = w + 3, w < -3/2 (there b + w < 0), of value 9 + 0 + 1 + 4 = 14
    from proofs_checks.scp16_relu import global_minimum, slice_landscape

    result = critical_points(slice_landscape([-1, 1, 3, 4, 5], [3, -3, 0, 1, 2], 1))
    assert result.described and result.summary["least_value"] == "14"
    assert ("+----", 1, "14") in components(result)
    assert str(global_minimum([-1, 1, 3, 4, 5], [3, -3, 0, 1, 2])[0]) == "14"   # the pattern argument agrees


# -- hostile input -----------------------------------------------------------------------------

@pytest.mark.parametrize("loss, variables, message", [
    ("relu(relu(x) - 1)", "x", "inside another one"),
    ("relu(x*y)^2", "x,y", "not affine"),
    ("max(x, y, 1)", "x,y", "more than two arguments"),
    ("relu(x) + exp(x)", "x", "polynomial on each activation region"),
])
def test_unsupported_nesting_is_refused(loss, variables, message):
    with pytest.raises(InvalidArgument, match=message):
        solve(loss, variables)


def test_a_constant_unit_is_a_number():
    # relu(1/2) is 1/2: the loss is x^2 + relu(x) + 1/4; no piece has a critical point inside its region
    # (2x + 1 = 0 at -1/2 is not > 0; 2x = 0 at 0 is not < 0), and at 0 the gradients 1 and 0 hold 0 in their hull
    assert points(solve("relu(1/2)^2 + x^2 + relu(x)", "x")) == [(["0"], "1/4", "local_min", "0")]


def test_cli_json_for_a_piecewise_loss(capsys):
    code = main(["critical", "--loss", "abs(x) + (y - 1)^2", "--vars", "x,y", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {"dimension", "complex_count", "real_count", "complete", "points", "summary", "method", "components",
            "arrangement", "described"} <= set(data)
    assert (data["complete"], data["real_count"], data["points"][0]["point"], data["points"][0]["face"]["signs"]) \
        == (True, 1, ["0", "1"], "0")
    assert sympy.Rational(data["summary"]["least_value"]) == 0


@pytest.mark.parametrize("fmt", ["text", "markdown", "latex"])
def test_cli_formats_for_a_piecewise_loss(capsys, fmt):
    code = main(["critical", "--loss", "(relu(w + b) - 1)^2 + relu(b - w)^2", "--vars", "w,b", "--format", fmt])
    out = capsys.readouterr().out
    assert code == 0 and "component" in out.lower()


# -- seeded random instances: two independent checks -----------------------------------------

def random_loss(seed):
    """Two ReLU terms, a kink of abs and (for odd seeds) a quartic in y, small integer coefficients."""
    import random

    rng = random.Random(seed)

    def r():
        return rng.randint(-2, 2)

    terms = [f"({r()}*relu({r()}*x + {rng.randint(1, 2)}*y + {r()}) + {r()}*x + {r()})^2" for _ in range(2)]
    terms.append(f"abs(x - {r()})")
    if seed % 2:
        terms.append("y^4/4 - y^2")
    return " + ".join(terms)


@pytest.mark.parametrize("seed", range(6))
def test_random_instances_agree_with_classify_and_with_descent(seed):
    from symlandscape.numeric import multistart_descent

    L = Landscape.from_expression(random_loss(seed), "x,y")
    result = critical_points(L, seed=seed)
    assert result.described, f"seed {seed}: {result.not_established}"
    # classify, with its own certificates, never finds a listed point or component sample not critical
    # the faces partition the plane: no point is listed twice
    assert len({tuple(str(c) for c in p.coordinates) for p in result.points}) == len(result.points)
    kinds = [p.kind for p in result.points] + [c["sample_kind"] for c in result.components]
    assert kinds and "not_critical" not in kinds, f"seed {seed}: {kinds}"
    # the minimum is attained (odd seeds: L >= |x - k| + y^4/4 - y^2 is coercive; even seeds: each piece is a
    # quadratic bounded below on a polyhedron, Frank-Wolfe), at a Clarke-critical point, so the least critical
    # value is the global minimum: no float descent run (seeded) may end below it
    least = result.summary["least_value_approx"]
    runs = multistart_descent(L, starts=6, seed=seed, scale=2.0, steps=400)
    assert runs[0].value >= least - 1e-9, f"seed {seed}: descent reached {runs[0].value} < {least}"


def test_the_piecewise_worked_example_compiles(tmp_path):
    from symlandscape.document import PREAMBLE
    from texbuild import compile_latex, overfull

    S = solve("(relu(w + b) - 1)^2 + relu(b - w)^2", "w,b")
    body = S.render("latex")
    assert r"\toprule" in body and "components" in body
    _, log = compile_latex("\\documentclass{article}\n" + PREAMBLE + "\n\\begin{document}\n" + body
                           + "\\end{document}\n", tmp_path, "pdflatex")
    assert overfull(log) == []
