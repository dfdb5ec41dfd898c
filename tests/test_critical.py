"""critical_points: counts against closed forms and a second engine, positive-dimensional sets, the CLI."""

import json
import re

import numpy as np
import pytest
import sympy

from symlandscape import InvalidArgument, Landscape, deep_linear
from symlandscape.cli import main
from symlandscape.critical import coercivity, critical_points, weight_decay
from symlandscape.msolve import find_msolve

needs_msolve = pytest.mark.skipif(find_msolve() is None, reason="msolve is not installed")
METHODS = ["sympy"] + (["msolve"] if find_msolve() else [])


def chain_counts(n, y, lam):
    """Closed form for L = 1/2 (y - w1...wn)^2 + lam/2 sum w_i^2 (generic y, lam).

    Away from 0 every w_i is nonzero and lam w_i^2 = (y - p) p, so w_i = ε_i w_1: 2^(n-1) sign
    choices, 2^(n-2) for each value of σ = ε_2⋯ε_n, and w_1 solves lam = σ (y - σ w_1^n) w_1^(n-2),
    of degree 2n - 2; plus the origin.  Real points: 2^(n-2) per real root, for each σ."""
    w = sympy.Symbol("w")
    real = 0
    for sigma in (1, -1):
        equation = sympy.Poly(sympy.expand(sigma * (y - sigma * w**n) * w ** (n - 2) - lam), w)
        real += len(sympy.real_roots(equation))
    return 2 ** (n - 1) * (2 * n - 2) + 1, 2 ** (n - 2) * real + 1


CHAINS = [(2, 1, sympy.Rational(1, 10)), (3, 1, sympy.Rational(1, 10)), (3, 2, sympy.Rational(1, 3)), (3, 1, 2)]


@pytest.mark.parametrize("method, n, y, lam", [("sympy", *c) for c in CHAINS[:2]]
                         + [(m, *c) for m in METHODS if m != "sympy" for c in CHAINS])
def test_scalar_chain_counts_match_the_closed_form(method, n, y, lam):
    base = deep_linear([[1]], [[y]], hidden=[1] * (n - 1))
    result = critical_points(weight_decay(base, str(lam)), method=method)
    complex_count, real_count = chain_counts(n, y, lam)
    assert result.dimension == 0
    assert result.complex_count == complex_count
    assert result.real_count == real_count == len(result.points)
    assert result.complete


@needs_msolve
def test_both_engines_find_the_same_points():
    L = weight_decay(deep_linear([[1]], [[1]], hidden=[1, 1]), "1/10")
    a, b = critical_points(L, method="msolve"), critical_points(L, method="sympy")
    assert [p.coordinates for p in a.points] == [p.coordinates for p in b.points]
    assert [p.value for p in a.points] == [p.value for p in b.points]


def test_kinds_agree_with_float_eigenvalues_at_the_points():
    L = weight_decay(deep_linear([[1]], [[1]], hidden=[1, 1]), "1/10")
    result = critical_points(L)
    w = L.variables
    hessian = sympy.hessian(L.expression, w)
    for p in result.points:
        at = dict(zip(w, [float(c) for c in p.coordinates]))
        eigenvalues = np.linalg.eigvalsh(np.array(hessian.subs(at).evalf().tolist(), dtype=float))
        negative, positive = int((eigenvalues < -1e-9).sum()), int((eigenvalues > 1e-9).sum())
        assert p.hessian_inertia == {"positive": positive, "negative": negative, "zero": 3 - positive - negative}
        assert p.verified
        gradient = [float(sympy.diff(L.expression, v).subs(dict(zip(w, [float(c) for c in p.coordinates]))))
                    for v in w]
        assert max(abs(g) for g in gradient) < 1e-9


def test_the_origin_is_a_spurious_local_minimum_of_the_regularised_chain():
    # by hand: the Hessian at 0 is lam*I (strict minimum, value 1/2); at w = (1, 1, 1)
    # the loss is 3/20 < 1/2, so 0 is not global
    L = weight_decay(deep_linear([[1]], [[1]], hidden=[1, 1]), "1/10")
    result = critical_points(L)
    origin = [p for p in result.points if all(c == 0 for c in p.coordinates)]
    assert len(origin) == 1 and origin[0].kind == "strict_local_min" and str(origin[0].value) == "1/2"
    assert result.summary["spurious_local_minima"] >= 1
    assert result.summary["global_minimum"] is not None and result.summary["least_value_approx"] < 3 / 20


def test_rational_points_are_exact():
    # x^4/4 - x^2/2 + y^2/2: critical points (-1, 0), (0, 0), (1, 0) by hand
    L = Landscape.from_expression("x^4/4 - x^2/2 + y^2/2", "x,y")
    result = critical_points(L)
    assert [tuple(str(c) for c in p.coordinates) for p in result.points] == [("-1", "0"), ("1", "0"), ("0", "0")]
    assert [p.kind for p in result.points] == ["strict_local_min", "strict_local_min", "strict_saddle"]
    assert all(p.verdict is not None and p.verified for p in result.points)


def test_irrational_points_have_defining_polynomials():
    # x^3/3 - 2x: critical points ±sqrt(2)
    result = critical_points(Landscape.from_expression("x^3/3 - 2*x", "x"))
    texts = [str(p.coordinates[0]) for p in result.points]
    assert texts == ["root of x^2 - 2 in [1.41421356, 1.41421357]", "root of x^2 - 2 in [-1.41421357, -1.41421356]"]
    assert [p.kind for p in result.points] == ["strict_local_min", "strict_local_max"]


def test_degenerate_point_counts_multiplicity_and_is_not_overclaimed():
    # x^4 + y^2: the only critical point is 0, of multiplicity 3 (dL/dx = 4x^3)
    result = critical_points(Landscape.from_expression("x^4 + y^2", "x,y"))
    assert (result.complex_count, result.distinct_complex_count, result.real_count) == (3, 1, 1)
    point = result.points[0]
    assert point.kind in ("strict_local_min", "local_min") and point.hessian_inertia["zero"] == 1  # classify
    assert not any("Krawczyk test proves" in e for e in point.evidence)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("loss, variables, dimension, degree", [
    ("(1 - w1*w2)^2", "w1,w2", 1, 2),                 # the hyperbola w1 w2 = 1 (and the origin)
    ("1/2*(1 - w1*w2*w3)^2", "w1,w2,w3", 2, 3),       # the surface w1 w2 w3 = 1 (and three lines)
    ("(x*y)^2", "x,y", 1, 2),                         # the two axes
])
def test_positive_dimensional_sets_are_never_complete(method, loss, variables, dimension, degree):
    result = critical_points(Landscape.from_expression(loss, variables), method=method)
    assert (result.dimension, result.degree) == (dimension, degree)
    assert result.complex_count is None and result.real_count is None
    assert result.complete is False
    assert any("no finite list is complete" in e for e in result.not_established)
    # sample points (critical points of the distance to a seeded random point): each one is a
    # real critical point; the list is never called complete
    assert result.points
    L = Landscape.from_expression(loss, variables)
    xs = [sympy.Symbol(v) for v in variables.split(",")]
    gradient = [sympy.diff(sympy.sympify(loss.replace("^", "**"), locals=dict(zip(variables.split(","), xs))), x)
                for x in xs]
    for p in result.points:
        values = [float(c) for c in p.coordinates]
        assert all(abs(float(g.subs(dict(zip(xs, values))))) < 1e-9 for g in gradient)
    data = json.loads(result.render("json"))
    assert data["complete"] is False and data["complex_count"] is None
    assert data["summary"]["sample_points"] == len(result.points) and data["summary"]["sample_target"]


def test_box_keeps_points_inside():
    L = Landscape.from_expression("x^4/4 - x^2/2 + y^2/2", "x,y")
    result = critical_points(L, box=("0", "2"))
    assert [tuple(str(c) for c in p.coordinates) for p in result.points] == [("1", "0"), ("0", "0")]
    assert result.summary["global_minimum"] is None


def test_no_critical_point():
    result = critical_points(Landscape.from_expression("x + y^2", "x,y"))
    assert (result.complex_count, result.real_count, result.complete, result.points) == (0, 0, True, ())


@pytest.mark.parametrize("loss, variables, message", [
    ("exp(x) + x^2", "x", "polynomial"),
    ("relu(relu(x) - 1)^2", "x", "nonsmooth unit inside another one"),
    ("1/x + x", "x", "polynomial"),
])
def test_non_polynomial_losses_are_refused(loss, variables, message):
    with pytest.raises(InvalidArgument, match=message):
        critical_points(Landscape.from_expression(loss, variables))


def test_bad_arguments():
    L = Landscape.from_expression("x^2", "x")
    with pytest.raises(InvalidArgument, match="method"):
        critical_points(L, method="bertini")
    with pytest.raises(InvalidArgument, match="box"):
        critical_points(L, box=("1",))
    with pytest.raises(InvalidArgument, match="lam > 0"):
        weight_decay(L, 0)
    with pytest.raises(InvalidArgument, match="float"):
        weight_decay(L, 0.1)


def test_coercivity_is_proven_only_from_the_written_form():
    assert coercivity(Landscape.from_expression("(1 - a*b)^2 + (a^2 + b^2)/10", "a,b"))[0]
    assert not coercivity(Landscape.from_expression("(1 - a*b)^2 + a^2/10", "a,b"))[0]
    assert not coercivity(Landscape.from_expression("-(1 - a*b)^2 + a^2 + b^2", "a,b"))[0]


def test_cli_json_contract(capsys):
    code = main(["critical", "--loss", "1/2*(1 - w1*w2*w3)^2 + 1/20*(w1^2 + w2^2 + w3^2)", "--vars", "w1,w2,w3",
                 "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {"dimension", "complex_count", "real_count", "complete", "points", "summary", "method"} <= set(data)
    assert (data["dimension"], data["complex_count"], data["real_count"], data["complete"]) == (0, 17, 9, True)
    point = data["points"][0]
    assert {"point", "approx", "value", "value_approx", "kind", "hessian_inertia", "verified"} <= set(point)
    assert data["summary"]["counts"] == {"strict_local_min": 5, "strict_saddle": 4}


@pytest.mark.parametrize("fmt", ["text", "markdown", "latex"])
def test_cli_formats(capsys, fmt):
    assert main(["critical", "--loss", "x^3/3 - x", "--vars", "x", "--format", fmt]) == 0
    out = capsys.readouterr().out
    # x^3/3 - x: critical points -1 (a maximum, value 2/3) and 1 (a minimum, value -2/3)
    assert ("strict_local_min" if fmt == "text" else "strict local min") in out
    if fmt == "latex":
        assert "\\begin{tabular}" in out and "\\end{tabular}" in out


def test_cli_bad_input(capsys):
    assert main(["critical", "--loss", "exp(x)", "--vars", "x"]) == 2
    assert "polynomial" in capsys.readouterr().err
    assert main(["critical", "--loss", "x^2", "--vars", "x", "--box", "1"]) == 2


def test_reg_dln_finds_the_spurious_origin_by_enumeration():
    from proofs_checks import reg_dln
    from symlandscape.claims import get_claim

    claim = get_claim("REG-DLN")
    chain = claim.instance("scalar chain, 3 weights, λ = 1/10")
    result = reg_dln.exact_check(chain)
    assert result.passed and result.data["spurious"] == 1 and result.data["real_count"] == 9
    # one hidden layer: the origin is a saddle, and no spurious minimum is found
    shallow = reg_dln.exact_check(claim.instance("scalar chain, 2 weights, λ = 1/10"))
    assert shallow.passed and shallow.data["spurious"] == 0
    # a deliberately large λ: the origin (value 1/2) is then the global minimum, and the requirement that it be
    # spurious must fail
    large = reg_dln.exact_check(chain.with_parameters(lam=["2"]))
    assert not large.passed and large.data["spurious"] == 0


@needs_msolve
def test_large_parametrizations_fall_back_to_certified_enclosures(monkeypatch):
    from symlandscape import algebraic

    L = weight_decay(deep_linear([[1]], [[1]], hidden=[1, 1]), "1/10")
    exact = critical_points(L)
    monkeypatch.setattr(algebraic, "EXACT_DEGREE", 4)      # f has degree 17: the enclosure path
    enclosed = critical_points(L)
    assert (enclosed.complex_count, enclosed.real_count) == (17, 9)
    assert sorted(p.kind for p in enclosed.points) == sorted(p.kind for p in exact.points)
    assert all(p.verified and any(e.startswith("isolated:") for e in p.evidence) for p in enclosed.points)
    # verified by verify: an algebraic certificate over the unfactored f (degree 17, reducible) and its
    # denominator, for every point (the rational one included)
    for p in enclosed.points:
        cert = p.verdict.certificate
        assert cert["type"] == "algebraic_classification" and cert["denominator"] is not None
        assert re.match(r"\d+\*t\^17 ", cert["field"]["polynomial"])
    assert any("not checked exactly" in m for m in enclosed.not_established)
    for a, b in zip(sorted(exact.points, key=lambda p: [float(c) for c in p.coordinates]),
                    sorted(enclosed.points, key=lambda p: [float(c) for c in p.coordinates])):
        for x, y in zip(a.coordinates, b.coordinates):
            assert x.enclosure().overlaps(y.enclosure())
    # ties between enclosed values are never claimed: no global minimum from enclosures
    assert enclosed.summary["values_exact"] is False and enclosed.summary["global_minimum"] is None
    assert enclosed.summary["spurious_local_minima"] == 1   # the origin (1/2) separates from ~0.1448


@pytest.mark.parametrize("engine", ["pdflatex", "lualatex"])
def test_the_worked_example_compiles(engine, tmp_path):
    from symlandscape.document import PREAMBLE
    from texbuild import compile_latex, overfull

    S = critical_points(Landscape.from_expression("x^3/3 - x*y^2/2 + y^2/2", "x,y"))
    body = S.render("latex")
    assert r"\toprule" in body and "root of" in body          # the table, then the exact coordinates
    pdf, log = compile_latex("\\documentclass{article}\n" + PREAMBLE + "\n\\begin{document}\n" + body
                             + "\\end{document}\n", tmp_path, engine)
    assert overfull(log) == []
    assert "<math" in S.render("html") and "| point |" in S.render("markdown")


@pytest.mark.parametrize("method", METHODS)
def test_a_non_radical_system_has_its_distinct_count_rederived(method):
    # x^4 + y^4: the gradient (4x^3, 4y^3) has the one solution 0, of multiplicity 3 * 3 = 9; the
    # count of distinct solutions is re-derived by the other engine before the list is complete
    result = critical_points(Landscape.from_expression("x^4 + y^4", "x,y"), method=method)
    assert (result.complex_count, result.distinct_complex_count, result.real_count) == (9, 1, 1)
    assert result.complete is True
    assert any("1 distinct complex solutions (9 with multiplicity" in e for e in result.established)


def test_a_missing_distinct_solution_is_an_error(monkeypatch):
    # an engine whose parametrization misses a solution of a non-radical system (msolve 0.10.1
    # can): the second method's count disagrees, and the answer is rejected, never listed
    from symlandscape import critical
    from symlandscape.errors import EvaluationError

    monkeypatch.setattr(critical, "_distinct_count", lambda *args: (2, "a second method"))
    with pytest.raises(EvaluationError, match="a solution is missing"):
        critical_points(Landscape.from_expression("x^4 + y^4", "x,y"))
