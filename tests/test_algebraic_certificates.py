"""Certificates at real algebraic points: hand-derived points, the producer, and forgeries.

Every expected kind, inertia and value is derived by hand in a comment (closed forms over Q(√2)
or the cubic field of t³ − 2t − 5), or cross-checked by a second method (SymPy's exact
eigenvalues at the exact point, or its real roots); the certificates of the checker tests are
written by hand, not taken from the producer.
"""

from __future__ import annotations

import copy
from fractions import Fraction
import json

import flint
import mpmath
import pytest
import sympy

from symlandscape import CertificateError, Landscape, deep_linear
from symlandscape.algebraic import AlgebraicNumber, AlgebraicPoint
from symlandscape.algebraic_classify import classify_algebraic, polynomial_text
from symlandscape.budget import BudgetExceeded, limits
from symlandscape.cli import main as cli_main
from symlandscape.critical import critical_points, weight_decay
from symlandscape.errors import EvaluationError, NotCriticalError
from symlandscape.verify import verify

QUARTIC = "x^4/4 - x^2 + y^2/2"       # critical at x in {0, ±√2}, y = 0
SQRT2 = flint.fmpq_poly([-2, 0, 1])   # t^2 - 2


def landscape(loss, variables="x,y"):
    return Landscape.from_expression(loss, variables)


def certificate(kind, polynomial, interval, point, value, inertia, order, pairs=(), denominator=None):
    """An algebraic_classification certificate, written out field by field."""
    positive, negative = inertia
    return {
        "type": "algebraic_classification", "kind": kind,
        "field": {"polynomial": polynomial, "interval": list(interval)},
        "point": list(point), "denominator": denominator, "value": value, "critical": True,
        "hessian_inertia": {"positive": positive, "negative": negative, "zero": 0},
        "evidence": {"inertia": {"type": "interval_congruence", "order": list(order), "pairs": list(pairs)}},
        "global_min": None, "global": None,
    }


def sqrt2_minimum():
    # x = √2, y = 0 on the quartic: L = 4/4 - 2 = -1; Hessian diag(3x^2 - 2, 1) = diag(4, 1)
    return certificate("strict_local_min", "t^2 - 2", ("7/5", "3/2"), ("t", "0"), "-1", (2, 0), (0, 1))


def sympy_inertia(loss, variables, point):
    """(positive, negative) eigenvalue counts of the exact SymPy Hessian at an exact SymPy point."""
    expr = sympy.sympify(loss.replace("^", "**"))
    xs = sympy.symbols(variables)
    H = sympy.hessian(expr, xs).subs(dict(zip(xs, point)))
    signs = [sympy.sign(sympy.nsimplify(e)) for e in H.eigenvals(multiple=True)]
    assert 0 not in signs
    return signs.count(1), signs.count(-1)


# ---------------------------------------------------------------------------------------
# the checker, on hand-written certificates


def test_a_hand_written_certificate_verifies():
    assert verify(sqrt2_minimum(), landscape(QUARTIC)) is True


def test_the_negative_root_is_a_minimum_too():
    # x = -√2: the root of t^2 - 2 in [-3/2, -7/5]; same value and Hessian as at √2
    cert = sqrt2_minimum()
    cert["field"]["interval"] = ["-3/2", "-7/5"]
    assert verify(cert, landscape(QUARTIC))


def test_a_saddle_at_an_irrational_point():
    # x^4/4 - x^2 - y^2/2 at (√2, 0): Hessian diag(4, -1), value -1
    loss = "x^4/4 - x^2 - y^2/2"
    cert = certificate("strict_saddle", "t^2 - 2", ("1", "2"), ("t", "0"), "-1", (1, 1), (0, 1))
    assert verify(cert, landscape(loss))
    assert sympy_inertia(loss, "x y", (sympy.sqrt(2), 0)) == (1, 1)


def test_a_saddle_that_needs_a_two_by_two_pivot():
    # y (x^2 - 2): critical at (±√2, 0); Hessian [[2y, 2x], [2x, 0]] = [[0, 2√2], [2√2, 0]]: zero
    # diagonal, determinant -8 < 0, so one positive and one negative eigenvalue; value 0
    loss = "y*(x^2 - 2)"
    cert = certificate("strict_saddle", "t^2 - 2", ("1", "2"), ("t", "0"), "0", (1, 1), (0, 1), pairs=[0])
    assert verify(cert, landscape(loss))
    no_pair = copy.deepcopy(cert)
    no_pair["evidence"]["inertia"]["pairs"] = []
    with pytest.raises(CertificateError, match="pivot 0 .* cannot be separated from 0"):
        verify(no_pair, landscape(loss))


def test_the_symmetric_point_of_a_valley():
    # (x^2 - 2)^2 + (y - x)^2 at (√2, √2): value 0; Hessian [[12x^2 - 8 + 2, -2], [-2, 2]] = [[18, -2], [-2, 2]],
    # determinant 32 > 0 and trace 20 > 0: positive definite
    loss = "(x^2 - 2)^2 + (y - x)^2"
    cert = certificate("strict_local_min", "t^2 - 2", ("1", "2"), ("t", "t"), "0", (2, 0), (1, 0))
    assert verify(cert, landscape(loss))
    assert sympy_inertia(loss, "x y", (sympy.sqrt(2), sympy.sqrt(2))) == (2, 0)


def test_a_point_over_a_cubic_field():
    # L = w^4/4 - w^2 - 5w: L' = w^3 - 2w - 5, one real root α ≈ 2.0946 (f(2) = -1 < 0 < f(21/10));
    # L'' = 3α^2 - 2 > 0 (α > 1): a strict minimum.  With α^3 = 2α + 5, α^4 = 2α^2 + 5α and
    # L(α) = (2α^2 + 5α)/4 - α^2 - 5α = -α^2/2 - 15α/4
    L = landscape("w^4/4 - w^2 - 5*w", "w")
    cert = certificate("strict_local_min", "t^3 - 2*t - 5", ("2", "21/10"), ("t",), "-1/2*t^2 - 15/4*t", (1, 0), (0,))
    assert verify(cert, L)
    # the negated loss has a strict maximum there, value +α^2/2 + 15α/4
    cert_max = certificate("strict_local_max", "t^3 - 2*t - 5", ("2", "21/10"), ("t",), "t^2/2 + 15*t/4", (0, 1), (0,))
    assert verify(cert_max, landscape("-(w^4/4 - w^2 - 5*w)", "w"))


def test_a_common_denominator():
    # x = 2/t at t = √2 is √2: the same minimum, written over the denominator d(t) = t
    cert = sqrt2_minimum()
    cert["point"], cert["denominator"] = ["2", "0"], "t"
    assert verify(cert, landscape(QUARTIC))


def test_a_denominator_with_a_root_elsewhere_in_the_interval_is_refined_away():
    # d(t) = t - 1 vanishes at 1, inside [1/2, 2] but not at √2: the checker bisects it away.
    # x = (t + 2)(t - 1)/(t - 1)... written as q = t^2 + t - 2 = (t + 2)(t - 1), so q/d = t + 2 ≠ √2:
    # instead q = t^2 - t (= t(t - 1)), q/d = t
    cert = sqrt2_minimum()
    cert["field"]["interval"] = ["1/2", "2"]
    cert["point"], cert["denominator"] = ["t^2 - t", "0"], "t - 1"
    assert verify(cert, landscape(QUARTIC))


def test_the_cli_verifies_an_algebraic_certificate(tmp_path, capsys):
    path = tmp_path / "sqrt2.json"
    path.write_text(json.dumps(sqrt2_minimum()), encoding="utf-8")
    assert cli_main(["verify", str(path), "--loss", QUARTIC, "--vars", "x,y"]) == 0
    assert capsys.readouterr().out.strip() == "verified"


# ---------------------------------------------------------------------------------------
# forgeries: each must be rejected


def _changed(**fields):
    cert = sqrt2_minimum()
    for key, value in fields.items():
        if key in ("polynomial", "interval"):
            cert["field"][key] = value
        else:
            cert[key] = value
    return cert


FORGERIES = {
    # t^3 - 2t has the roots 0 and ±√2; [-2, 3/2] changes sign (f(-2) = -4, f(3/2) = 3/8) and holds
    # all three: the gradient vanishes modulo it, yet the point is ambiguous (0 is a saddle)
    "three roots in the interval": (_changed(polynomial="t^3 - 2*t", interval=["-2", "3/2"]), "3 distinct real roots"),
    "two roots, no sign change": (_changed(interval=["-2", "2"]), "opposite signs"),
    "no root in the interval": (_changed(interval=["2", "3"]), "opposite signs"),
    "a coordinate that is not critical": (_changed(point=["t", "1"]), "not critical: .* dL/dy"),
    "a coordinate of the wrong root": (_changed(point=["t + 1", "0"]), "not critical"),
    "a wrong value": (_changed(value="-2"), "value"),
    "a value off by a multiple of nothing": (_changed(value="t^2 - 3"), None),  # t^2 - 3 = -1 at √2: true
    "a wrong inertia": (_changed(hessian_inertia={"positive": 1, "negative": 1, "zero": 0}),
                        "hessian_inertia.positive=1"),
    "a zero count": (_changed(hessian_inertia={"positive": 2, "negative": 0, "zero": 1}), "hessian_inertia.zero=1"),
    "a denominator vanishing at the root": (_changed(point=["1", "0"], denominator="t^2 - 2"), "denominator"),
    "a denominator of zero": (_changed(denominator="0"), "denominator is 0"),
    "a degenerate kind": (_changed(kind="local_min"), "nondegenerate"),
    "a global claim": (_changed(global_min=True), "global"),
    "critical false": (_changed(critical=False), "critical must be true"),
    "an unknown field": (dict(sqrt2_minimum(), extra=1), "unknown"),
    "a float in the interval": (_changed(interval=[1.41, 1.42]), "not an exact rational"),
    "a decimal string in the interval": (_changed(interval=["1.41", "1.42"]), "not an exact rational"),
    "a garbage polynomial": (_changed(polynomial="t^^2 - 2"), "not a polynomial in t"),
    "code in a polynomial": (_changed(point=["__import__('os').system('true')", "0"]), "not a polynomial in t"),
    "a polynomial in another variable": (_changed(point=["x", "0"]), "not a polynomial in t"),
    "a rational function": (_changed(point=["1/t", "0"]), "not a polynomial in t"),
    "a reversed interval": (_changed(interval=["3/2", "7/5"]), "lower end first"),
    "a constant field polynomial": (_changed(polynomial="3"), "degree at least 1"),
}


@pytest.mark.parametrize("name", [k for k, (_, m) in FORGERIES.items() if m is not None])
def test_verify_rejects_the_forgery(name):
    cert, message = FORGERIES[name]
    with pytest.raises(CertificateError, match=message):
        verify(copy.deepcopy(cert), landscape(QUARTIC))


def test_an_equivalent_value_polynomial_is_accepted():
    # the value is compared modulo f: t^2 - 3 is -1 at √2, so this certificate is true
    assert verify(FORGERIES["a value off by a multiple of nothing"][0], landscape(QUARTIC))


def test_a_saddle_stated_as_a_minimum():
    # x^4/4 - x^2 - y^2/2 at (√2, 0) has Hessian diag(4, -1)
    L = landscape("x^4/4 - x^2 - y^2/2")
    with pytest.raises(CertificateError, match="hessian_inertia.positive=2 but .* gives 1"):
        verify(sqrt2_minimum(), L)
    cert = sqrt2_minimum()
    cert["hessian_inertia"] = {"positive": 1, "negative": 1, "zero": 0}
    with pytest.raises(CertificateError, match="strict_local_min needs a positive definite Hessian"):
        verify(cert, L)


def test_a_singular_hessian_is_not_verified():
    # x^4/4 - x^2 + y^4 at (√2, 0): critical, Hessian diag(4, 0) singular
    L = landscape("x^4/4 - x^2 + y^4")
    with pytest.raises(CertificateError, match="pivot 1 .* may be singular"):
        verify(sqrt2_minimum(), L)
    with pytest.raises(EvaluationError, match="may be singular"):
        classify_algebraic(L, AlgebraicPoint(SQRT2, 1, [[0, 1], [0]]))


def test_a_non_polynomial_loss_is_rejected():
    for loss in ("x^4/4 - x^2 + y^2/2 + exp(y) - y - 1", "x^4/4 - x^2 + y^2/2 + relu(y)^3"):
        with pytest.raises(CertificateError, match="polynomial loss"):
            verify(sqrt2_minimum(), landscape(loss))
    with pytest.raises(CertificateError, match="domain conditions"):
        verify(sqrt2_minimum(), landscape("x^4/4 - x^2 + y^2/2 + x/x - 1"))


def test_a_huge_degree_is_a_budget_error():
    cert = _changed(polynomial="t^5000 - 2")
    with pytest.raises(CertificateError, match="max_degree"):
        verify(cert, landscape(QUARTIC))
    with limits(max_degree=10), pytest.raises(CertificateError, match="max_degree"):
        verify(_changed(polynomial="t^12 - 64", interval=["1", "2"]), landscape(QUARTIC))


def test_the_time_bound_is_kept():
    from symlandscape import algebraic_check
    from symlandscape.budget import Deadline

    with pytest.raises(BudgetExceeded, match="bisection .* max_seconds"):
        algebraic_check._bisect(SQRT2, flint.fmpq(1), flint.fmpq(2), flint.fmpq(1, 2**64), Deadline(-1))
    L = landscape(QUARTIC)
    with limits(max_seconds=1e-9), pytest.raises(CertificateError, match="max_seconds|gave up after"):
        verify(sqrt2_minimum(), L)


def test_the_cli_rejects_a_forgery(tmp_path, capsys):
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(_changed(value="-2")), encoding="utf-8")
    assert cli_main(["verify", str(path), "--loss", QUARTIC, "--vars", "x,y"]) == 1
    out, err = capsys.readouterr()
    assert "verified" not in out and "certificate rejected" in err


# ---------------------------------------------------------------------------------------
# the producer


def test_the_producer_at_the_quartic_minima():
    L = landscape(QUARTIC)
    for index in (0, 1):  # -√2 and √2
        v = classify_algebraic(L, AlgebraicPoint(SQRT2, index, [[0, 1], [0]]))
        assert (v.kind, v.hessian_inertia, v.verified, v.critical, v.global_min) == (
            "strict_local_min", {"positive": 2, "negative": 0, "zero": 0}, True, True, None)
        assert v.value == AlgebraicNumber.rational(-1)
        assert v.certificate["point"] == ["t", "0"] and v.certificate["field"]["polynomial"] == "t^2 - 2"
        lo, hi = (sympy.Rational(e) for e in v.certificate["field"]["interval"])
        assert lo < (-1) ** (index + 1) * sympy.sqrt(2) < hi
        assert verify(v.certificate, L)
        assert "strict_local_min" in v.render("text") and "verified" in v.render("json")


def test_the_producer_over_the_cubic_field():
    L = landscape("w^4/4 - w^2 - 5*w", "w")
    v = classify_algebraic(L, AlgebraicPoint(flint.fmpq_poly([-5, -2, 0, 1]), 0, [[0, 1]]))
    assert v.kind == "strict_local_min" and v.hessian_inertia == {"positive": 1, "negative": 0, "zero": 0}
    assert v.certificate["value"] == "-1/2*t^2 - 15/4*t"  # derived by hand above
    alpha = sympy.real_roots(sympy.Poly([1, 0, -2, -5], sympy.Symbol("t")))[0]
    assert abs(float(v.value) - float(-alpha**2 / 2 - sympy.Rational(15, 4) * alpha)) < 1e-12


def test_the_producer_with_a_denominator():
    # x = 2/t at t = √2, over the denominator d = t: the value is still exactly -1
    point = AlgebraicPoint(SQRT2, 1, [[2], [0]], denominator=flint.fmpq_poly([0, 1]))
    v = classify_algebraic(landscape(QUARTIC), point)
    assert v.certificate["denominator"] == "t" and v.certificate["point"] == ["2", "0"]
    assert v.kind == "strict_local_min" and verify(v.certificate, landscape(QUARTIC))


def test_the_producer_refuses_a_point_that_is_not_critical():
    # (√2, 1): dL/dy = y = 1
    with pytest.raises(NotCriticalError):
        classify_algebraic(landscape(QUARTIC), AlgebraicPoint(SQRT2, 1, [[0, 1], [1]]))


def test_polynomial_text_round_trips_through_the_grammar():
    from symlandscape.expression import parse_expression

    t = sympy.Symbol("t")
    for coefficients in ([-5, -2, 0, 1], [0, flint.fmpq(-3, 7)], [1], [0, 0, -1, flint.fmpq(1, 2)]):
        p = flint.fmpq_poly(coefficients)
        expr = parse_expression(polynomial_text(p), [t])
        assert sympy.Poly(expr, t).all_coeffs()[::-1] == [sympy.Rational(str(c)) for c in p.coeffs()]


# ---------------------------------------------------------------------------------------
# critical_points: every irrational point now carries a checked certificate


def test_critical_points_of_the_quartic_are_all_verified():
    S = critical_points(landscape(QUARTIC))
    assert [(p.kind, p.verified) for p in S.points] == [
        ("strict_local_min", True), ("strict_local_min", True), ("strict_saddle", True)]
    irrational = [p for p in S.points if not p.is_rational]
    assert len(irrational) == 2
    for p in irrational:
        assert p.verdict.certificate["type"] == "algebraic_classification"
        assert verify(p.verdict.certificate, landscape(QUARTIC))


def test_the_regularised_chain_verifies_every_point():
    # the README's chain: 17 complex, 9 real critical points; each irrational one now has an
    # algebraic certificate; the inertia is cross-checked by SymPy's exact eigenvalues
    chain = weight_decay(deep_linear([[1]], [[1]], hidden=[1, 1]), "1/10")
    S = critical_points(chain)
    assert (S.complex_count, S.real_count) == (17, 9)
    assert all(p.verified for p in S.points)
    irrational = [p for p in S.points if not p.is_rational]
    assert len(irrational) == 8
    xs = chain.variables
    H = sympy.hessian(chain.expression, xs)
    for p in irrational:
        cert = p.verdict.certificate
        assert cert["type"] == "algebraic_classification" and verify(cert, chain)
        exact = [c.to_sympy() for c in p.coordinates]
        numeric = H.subs(dict(zip(xs, [sympy.N(c, 60) for c in exact])))
        with mpmath.workdps(50):
            eigenvalues = mpmath.eigsy(mpmath.matrix([[mpmath.mpf(str(e)) for e in row] for row in numeric.tolist()]),
                                       eigvals_only=True)
            assert min(abs(e) for e in eigenvalues) > mpmath.mpf("1e-10")
        assert (sum(1 for e in eigenvalues if e > 0), sum(1 for e in eigenvalues if e < 0)) == (
            p.hessian_inertia["positive"], p.hessian_inertia["negative"])


def test_the_fallback_is_not_called_verified(monkeypatch):
    # with certificates switched off, the interval inertia is still given, but not as verified
    from symlandscape import critical

    monkeypatch.setattr(critical, "CERTIFIED_DEGREE", 1)
    monkeypatch.setattr(critical, "_enclosure_verdict", lambda *args: (None, "switched off"))
    S = critical_points(landscape(QUARTIC))
    irrational = [p for p in S.points if not p.is_rational]
    assert [p.kind for p in irrational] == ["strict_local_min", "strict_local_min"]
    assert not any(p.verified for p in irrational)
    assert all(any("not checked by verify" in e for e in p.evidence) for p in irrational)


def test_beyond_the_certified_degree_an_enclosure_certificate_verifies(monkeypatch):
    # fields above CERTIFIED_DEGREE get a box certificate instead: one critical point in the box
    # (Krawczyk) and the Hessian's inertia on the box; verify re-checks it from the loss alone
    from symlandscape import critical

    monkeypatch.setattr(critical, "CERTIFIED_DEGREE", 1)
    L = landscape(QUARTIC)
    S = critical_points(L)
    irrational = [p for p in S.points if not p.is_rational]
    assert [p.kind for p in irrational] == ["strict_local_min", "strict_local_min"]
    for p in irrational:
        assert p.verified and p.verdict.certificate["type"] == "enclosure_classification"
        assert verify(p.verdict.certificate, L)
        # the box holds the point's own enclosure
        for (lo, hi), c in zip(p.verdict.certificate["box"], p.point.enclosure(128)):
            assert Fraction(lo) < float(c.mid()) < Fraction(hi)


def test_the_critical_command_prints_certificates_that_verify(tmp_path, capsys):
    # every point of `symlandscape critical --format json` carries its certificate; each one passes
    # `symlandscape verify` on the same loss
    assert cli_main(["critical", "--loss", QUARTIC, "--vars", "x,y", "--format", "json"]) == 0
    points = json.loads(capsys.readouterr().out)["points"]
    assert [p["kind"] for p in points] == ["strict_local_min", "strict_local_min", "strict_saddle"]
    types = []
    for i, p in enumerate(points):
        assert p["verified"] is True
        types.append(p["certificate"]["type"])
        path = tmp_path / f"point{i}.json"
        path.write_text(json.dumps(p["certificate"]), encoding="utf-8")
        assert cli_main(["verify", str(path), "--loss", QUARTIC, "--vars", "x,y"]) == 0
        assert capsys.readouterr().out.strip() == "verified"
    assert types == ["algebraic_classification", "algebraic_classification", "classification"]


def test_an_algebraic_verdict_renders_as_text_and_json_only():
    from symlandscape import InvalidArgument
    from symlandscape.algebraic_classify import AlgebraicVerdict

    v = classify_algebraic(landscape(QUARTIC), AlgebraicPoint(SQRT2, 1, [[0, 1], [0]]))
    assert isinstance(v, AlgebraicVerdict)
    assert "point: (x, y) = (root of x^2 - 2 in [1.41421356, 1.41421357], 0)" in v.render("text")
    assert json.loads(v.render("json"))["certificate"] == v.certificate
    for fmt in ("latex", "markdown", "html"):
        with pytest.raises(InvalidArgument, match="use 'text' or 'json'"):
            v.render(fmt)
    assert "strict_local_min" in v._repr_markdown_() and v._repr_html_().startswith("<pre>")


def test_critical_points_leave_a_singular_hessian_undetermined():
    # x^4/4 - x^2 + y^4 at (±√2, 0): Hessian diag(4, 0); no certificate, and no kind claimed
    S = critical_points(landscape("x^4/4 - x^2 + y^4"))
    irrational = [p for p in S.points if not p.is_rational]
    assert len(irrational) == 2
    for p in irrational:
        assert (p.kind, p.verified, p.hessian_inertia, p.to_dict()["certificate"]) == ("undetermined", False, None, None)
        assert any("no algebraic certificate" in e and "may be singular" in e for e in p.evidence)


def test_critical_points_of_the_negated_quartic_are_verified_maxima():
    # -(x^4/4 - x^2) - y^2/2 at (±√2, 0): value -(1 - 2) = 1, Hessian diag(-(3x^2 - 2), -1) = diag(-4, -1)
    L = landscape("-(x^4/4 - x^2) - y^2/2")
    S = critical_points(L)
    maxima = [p for p in S.points if not p.is_rational]
    assert [(p.kind, p.verified, str(p.value)) for p in maxima] == [("strict_local_max", True, "1")] * 2
    assert all(p.hessian_inertia == {"positive": 0, "negative": 2, "zero": 0} for p in maxima)


def test_a_reducible_field_polynomial():
    # f = t^3 - 2t = t(t^2 - 2): x = t is critical at every root of f (dL/dx = x^3 - 2x = f).  The
    # value is compared modulo f: t^4 ≡ 2t^2, so L(t) ≡ -t^2/2, which is -1 at √2; the constant -1
    # differs from -t^2/2 at the root 0 of f, so it is not the same residue and is rejected
    cert = _changed(polynomial="t^3 - 2*t", interval=["1", "2"], value="-1/2*t^2")
    assert verify(cert, landscape(QUARTIC))
    cert["value"] = "-1"
    with pytest.raises(CertificateError, match="value"):
        verify(cert, landscape(QUARTIC))


def test_classify_takes_the_algebraic_points_that_critical_points_returns():
    # x^4/4 - x^2 + y^2/2: critical points x in {0, ±√2}, y = 0; at ±√2 the Hessian is diag(2·2 - 2, 1) > 0
    from symlandscape import Landscape, classify, critical_points

    L = Landscape.from_expression("x^4/4 - x^2 + y^2/2", "x,y")
    irrational = [p for p in critical_points(L).points if not p.is_rational]
    assert len(irrational) == 2
    for p in irrational:
        v = classify(L, p.point)
        assert v.kind == "strict_local_min" and v.verified and v.certificate["type"] == "algebraic_classification"
        assert float(v.value) == -1.0
