"""Local minima and maxima through a monotone outer function: ``composition`` bounds.

Each positive case states its truth derived by hand; each forgery is rejected for the stated
reason, and where the forged claim is false the test shows it with an exact point.
"""

from __future__ import annotations

import copy
import functools

import flint
import pytest
import sympy

from symlandscape import CertificateError, Landscape, budget
from symlandscape.activations import sigmoid
from symlandscape.classify import classify
from symlandscape.composition_check import Composite, composite, derivative_sign
from symlandscape.search import composition as search_composition
from symlandscape.search.core import Search
from symlandscape.verify import verify


@functools.cache
def landscape(text, variables="x,y"):
    return Landscape.from_expression(text, variables)


@functools.cache
def _classified(text, point=(0, 0)):
    return classify(landscape(text), point)


def certificate(text, point=(0, 0)):
    return copy.deepcopy(_classified(text, point).certificate)


def rejected(cert, text, match):
    with pytest.raises(CertificateError, match=match):
        verify(cert, landscape(text))


def value(text, point):
    return landscape(text).value(point)


def composition_bound(text, kind, point=(0, 0)):
    """The search's ``composition`` bound for ``kind`` at ``point``, found on its own."""
    L = landscape(text)
    search = Search(L, L.coerce_point(point), 0, 12)
    return search_composition.composition_bound(search, "lower" if kind == "local_min" else "upper")


def claim(text, kind, bound, point=(0, 0)):
    """classify's certificate at ``point`` with ``kind`` proven by ``bound`` (and its critical, inertia)."""
    cert = certificate(text, point)
    cert["kind"] = kind
    cert["evidence"] = {key: cert["evidence"][key] for key in ("critical", "inertia")}
    cert["evidence"]["minimum" if kind == "local_min" else "maximum"] = copy.deepcopy(bound)
    return cert


def composed(text, kind="local_min", point=(0, 0)):
    """classify's certificate with ``kind`` proven by the search's composition bound."""
    return claim(text, kind, composition_bound(text, kind, point), point)


def everywhere(terms, sense):
    return {"type": "sos", "region": "everywhere", "sense": sense,
            "terms": [{"coefficient": c, "polynomial": q} for c, q in terms]}


def bound(inner, sense, width="1/4"):
    return {"type": "composition", "sense": sense, "inner": inner, "width": width}


# ---------------------------------------------------------------------------------------
# the six cases: decided by classify, verified on their own

# Truths at (0, 0), by hand (every φ here is strictly increasing; p(0, 0) = p0):
# - sigmoid(-x²y²): p = −x²y² = −(xy)² <= 0 = p0, so L <= σ(0) = 1/2: local_max, not strict
#   (L = 1/2 on both axes), and not a minimum: L(1, 1) = σ(−1) < 1/2.
# - tanh(x²y²): p = (xy)² >= 0, L >= tanh(0) = 0: local_min (L = 0 on the axes).
# - exp(−(xy)²): p = −(xy)² <= 0, L <= 1: local_max.
# - log(1 + x²y²): p = 1 + (xy)² >= 1, L >= log 1 = 0: local_min.
# - −tanh((x − y)²): p = (x − y)² >= 0, s = −1 < 0, L <= 0: local_max (L = 0 on x = y).
# - tanh(x² + y⁴ − y⁵): p >= 0 for |y| <= 1 (y⁴ − y⁵ = y⁴(1 − y)), p(0, 0) = 0: local_min;
#   not global, p(0, 2) = 16 − 32 = −16 < 0.
CASES = [
    ("sigmoid(-x^2*y^2)", "local_max", "upper"),
    ("tanh(x^2*y^2)", "local_min", "lower"),
    ("exp(-(x*y)^2)", "local_max", "upper"),
    ("log(1 + x^2*y^2)", "local_min", "lower"),
    ("-tanh((x - y)^2)", "local_max", "lower"),
    ("tanh(x^2 + y^4 - y^5)", "local_min", "lower"),
]


@pytest.mark.parametrize("text, kind, inner_sense", CASES)
def test_decided_and_verified(text, kind, inner_sense):
    # classify may answer with another local certificate tried first (a Taylor model); the kind is the truth
    verdict = _classified(text)
    assert verdict.kind == kind and verdict.verified
    assert verify(verdict.certificate, landscape(text)) is True


@pytest.mark.parametrize("text, kind, inner_sense", CASES)
def test_the_composition_certificate(text, kind, inner_sense):
    evidence = composition_bound(text, kind)
    assert evidence["type"] == "composition"
    assert evidence["sense"] == ("lower" if kind == "local_min" else "upper")
    assert evidence["inner"]["sense"] == inner_sense
    assert verify(claim(text, kind, evidence), landscape(text)) is True


def test_the_minimum_through_tanh_is_not_strict_and_not_global():
    # constant on the axes: L(1, 0) = L(0, 0), so no strict minimum
    assert value("tanh(x^2*y^2)", (1, 0)) == value("tanh(x^2*y^2)", (0, 0)) == 0
    assert value("tanh(x^2 + y^4 - y^5)", (0, 2)) == sympy.tanh(-16)
    assert _classified("tanh(x^2 + y^4 - y^5)").global_min is False
    # the inner polynomial has a minimum on a ball only: the certificate says so
    inner = composition_bound("tanh(x^2 + y^4 - y^5)", "local_min")["inner"]
    assert set(inner["region"]) == {"ball"}


def test_a_hand_written_certificate_with_a_constant_and_a_scale():
    # 3 − 2 tanh(x²y²): s = −2 < 0 and p = (xy)² >= 0, so L <= 3 near 0: a maximum
    text = "3 - 2*tanh(x^2*y^2)"
    cert = claim(text, "local_max", bound(everywhere([("1", "x*y")], "lower"), "upper", "1"))
    assert verify(cert, landscape(text)) is True


def test_the_quintic_inner_minimum_on_the_unit_ball():
    # x² + y⁴ − y⁵ = x² + ½y⁴(1 − y)² + ½x²y⁴ + ½y⁴(1 − x² − y²) (expanded by hand and below)
    x, y = sympy.symbols("x y")
    identity = x**2 + y**4 / 2 * (1 - y) ** 2 + x**2 * y**4 / 2 + y**4 / 2 * (1 - x**2 - y**2)
    assert sympy.expand(identity - (x**2 + y**4 - y**5)) == 0
    text = "tanh(x^2 + y^4 - y^5)"
    inner = {"type": "sos", "region": {"ball": "1"}, "sense": "lower", "terms": [
        {"coefficient": "1", "polynomial": "x"},
        {"coefficient": "1/2", "polynomial": "y^2*(1 - y)"},
        {"coefficient": "1/2", "polynomial": "x*y^2"},
        {"coefficient": "1/2", "polynomial": "y^2", "constraint": 0}]}
    cert = claim(text, "local_min", bound(inner, "lower"))
    assert verify(cert, landscape(text)) is True
    cert["evidence"]["minimum"]["inner"]["region"]["ball"] = "2"    # the same terms are not the identity on another ball
    rejected(cert, text, "does not hold")


def test_log_of_an_inner_maximum():
    # log(1 − x²y²) at 0: p = 1 − (xy)² <= 1 = p0, log increasing on [1/2, 1]: L <= 0, a maximum
    text = "log(1 - x^2*y^2)"
    verdict = _classified(text)
    assert verdict.kind == "local_max" and verdict.verified
    assert verdict.certificate["evidence"]["maximum"]["type"] == "composition"


# ---------------------------------------------------------------------------------------
# the shape and the monotonicity, read by the checker


def test_the_shape_read_off_the_loss():
    x, y = sympy.symbols("x y")
    p = x**2 * y**2
    assert composite(sigmoid(-p)) == Composite(flint.fmpq(0), flint.fmpq(1), "sigmoid", -p)
    assert composite(sympy.Rational(1, 2) - 3 * sympy.exp(p)) == Composite(flint.fmpq(1, 2), flint.fmpq(-3), "exp", p)
    # sums of two calls, products of calls, powers of a call, a call of another function: not the shape
    for expr in (sympy.tanh(x) + sympy.tanh(y), sympy.tanh(x) * sympy.tanh(y), sympy.tanh(x) ** 2,
                 sympy.sin(x), x**2, sympy.tanh(x) + x, sympy.exp(1) + sympy.tanh(x)):
        assert composite(expr) is None, expr


def test_the_sign_of_the_derivative():
    F = flint.fmpq
    for outer in ("exp", "tanh", "sigmoid"):
        assert derivative_sign(outer, F(-3), F(5)) == 1
    assert derivative_sign("log", F(1, 1000), F(1)) == 1
    assert derivative_sign("log", F(0), F(1)) is None        # log' = 1/t: 0 is outside the domain
    assert derivative_sign("log", F(-1), F(1)) is None
    # tanh' = sech² on [1000, 1001]: about 4e−869, positive, shown at 64 bits
    assert derivative_sign("tanh", F(1000), F(1001)) == 1


# ---------------------------------------------------------------------------------------
# forgeries


def test_a_minimum_claimed_where_the_outer_function_is_decreasing():
    # −tanh((x − y)²): s = −1, so p >= p0 gives L <= L0; a minimum is false: L(1, 0) = −tanh 1 < 0 = L(0, 0)
    text = "-tanh((x - y)^2)"
    assert value(text, (1, 0)) == -sympy.tanh(1) and value(text, (1, 0)) < 0
    cert = claim(text, "local_min", bound(everywhere([("1", "x - y")], "lower"), "lower"))
    rejected(cert, text, "gives L <= L0: a maximum, not a minimum")


def test_an_inner_sum_of_squares_for_another_polynomial():
    # x² + y⁴ >= 0 everywhere, but p = x² + y⁴ − y⁵ is not that polynomial
    text = "tanh(x^2 + y^4 - y^5)"
    cert = claim(text, "local_min", bound(everywhere([("1", "x"), ("1", "y^2")], "lower"), "lower"))
    rejected(cert, text, "does not hold")
    # tanh(x²y²): the terms of x² (a square, but not of p = x²y²)
    cert = composed("tanh(x^2*y^2)")
    cert["evidence"]["minimum"]["inner"] = everywhere([("1", "x")], "lower")
    rejected(cert, "tanh(x^2*y^2)", "does not hold")


@pytest.mark.parametrize("width, match", [
    ("0", "must be positive"),
    ("-1/4", "must be positive"),
    (0.25, "is not an exact rational"),
    ("1/0", "zero denominator"),
])
def test_a_width_that_is_not_positive(width, match):
    cert = composed("tanh(x^2*y^2)")
    cert["evidence"]["minimum"]["width"] = width
    rejected(cert, "tanh(x^2*y^2)", match)


@pytest.mark.parametrize("width", ["1", "2"])
def test_log_with_the_interval_reaching_zero(width):
    # p = 1 − x²y² has a maximum p0 = 1 at 0; the interval [1 − δ, 1] must stay in p > 0
    text = "log(1 - x^2*y^2)"
    cert = composed(text, "local_max")
    cert["evidence"]["maximum"]["width"] = width
    rejected(cert, text, "log is defined for p > 0 only")
    cert["evidence"]["maximum"]["width"] = "99/100"      # the control: [1/100, 1] is in the domain
    assert verify(cert, landscape(text)) is True


def test_a_certificate_moved_to_a_loss_with_one_more_term():
    # sigmoid(−x²y²) + x³ at 0: the value (1/2), the gradient (0) and the Hessian (0) are those of
    # sigmoid(−x²y²), but it is not a maximum: L(t, 0) = 1/2 + t³ > 1/2 for t > 0
    text = "sigmoid(-x^2*y^2) + x^3"
    t = sympy.Rational(1, 10)
    assert value(text, (t, 0)) == sympy.Rational(1, 2) + t**3 > value(text, (0, 0))
    cert = composed("sigmoid(-x^2*y^2)", "local_max")
    rejected(cert, text, "the loss is not written c \\+ s·φ\\(p\\)")


def test_an_inner_function_that_is_not_a_polynomial():
    # tanh(exp(x²y²) − 1) has the shape's outer call, but its argument is no polynomial
    text = "tanh(exp(x^2*y^2) - 1)"
    cert = composed("tanh(x^2*y^2)")
    assert value(text, (0, 0)) == 0
    rejected(cert, text, "is not a polynomial")


def test_unknown_and_missing_fields():
    cert = composed("tanh(x^2*y^2)")
    cert["evidence"]["minimum"]["outer"] = "tanh"
    rejected(cert, "tanh(x^2*y^2)", "has exactly the fields")
    cert = composed("tanh(x^2*y^2)")
    del cert["evidence"]["minimum"]["width"]
    rejected(cert, "tanh(x^2*y^2)", "missing: \\['width'\\]")
    cert = composed("tanh(x^2*y^2)")
    cert["evidence"]["minimum"]["inner"]["region"] = {"ball": "1", "centre": ["1", "0"]}
    rejected(cert, "tanh(x^2*y^2)", "must have exactly the field ball")
    cert = composed("tanh(x^2*y^2)")
    cert["evidence"]["minimum"]["inner"]["note"] = "trust me"
    rejected(cert, "tanh(x^2*y^2)", "not part of a sum of squares")


def test_senses_that_do_not_match():
    cert = composed("tanh(x^2*y^2)")
    cert["evidence"]["minimum"]["sense"] = "upper"
    rejected(cert, "tanh(x^2*y^2)", "minimum.sense must be 'lower'")
    # the inner sense upper claims p <= p0 with the terms of p − p0: the residual is −p − Σ, not 0
    cert = composed("tanh(x^2*y^2)")
    cert["evidence"]["minimum"]["inner"]["sense"] = "upper"
    rejected(cert, "tanh(x^2*y^2)", "does not hold")
    cert["evidence"]["minimum"]["inner"]["sense"] = "sideways"
    rejected(cert, "tanh(x^2*y^2)", "must be 'lower'")


def test_a_huge_inner_certificate_is_refused_by_the_budget():
    text = "tanh(x^2*y^2)"
    cert = composed(text)
    cert["evidence"]["minimum"]["inner"]["terms"] *= 200
    with budget.limits(max_terms=100):
        rejected(cert, text, "above the bound max_terms=100")
    cert = composed(text)
    cert["evidence"]["minimum"]["inner"]["terms"] = [{"coefficient": "1", "polynomial": "x^4000"}]
    rejected(cert, text, "max_degree")
    cert = composed(text)
    cert["evidence"]["minimum"]["width"] = "1" + "0" * 20_000
    rejected(cert, text, "max_digits")


def test_no_bound_where_the_inner_polynomial_has_a_saddle():
    # tanh(x² − y⁴): p = x² − y⁴ < 0 = p0 at (0, t), t ≠ 0, and > 0 at (t, 0): no extremum of p, none of L
    text = "tanh(x^2 - y^4)"
    assert value(text, (0, sympy.Rational(1, 10))) < 0 < value(text, (sympy.Rational(1, 10), 0))
    L = landscape(text)
    search = Search(L, L.coerce_point((0, 0)), 0, 12)
    assert search_composition.composition_bound(search, "lower") is None
    assert "no sum of squares shows a local minimum of p (seed=0)" in search.notes[-1]
    assert _classified(text).kind == "degenerate_saddle"


# -- global bounds: p's bound on all of space, φ increasing on all of its domain ----------------

@pytest.mark.parametrize("text", ["tanh(x^2*y^2)", "log(1 + x^2*y^2)", "exp((x - y)^2)", "2 + 3*sigmoid(x^2*y^2)"])
def test_a_global_minimum_through_an_increasing_function(text):
    # p = (xy)^2 or (x - y)^2 >= 0 = p(0) everywhere and φ is increasing, s > 0: L >= L(0) everywhere
    v = _classified(text)
    assert v.kind == "local_min" and v.global_min is True and v.verified
    assert v.certificate["global"]["type"] == "composition"
    assert v.certificate["global"]["inner"]["region"] == "everywhere"


def test_forged_global_composition_bounds():
    cert = certificate("tanh(x^2*y^2)")
    # moved to -tanh(x^2 y^2): L <= L(0) everywhere, so 0 is a global maximum, not a minimum
    # (L(1, 1) = -tanh(1) < 0 = L(0, 0) shows it exactly)
    assert value("-tanh(x^2*y^2)", (1, 1)) == -sympy.tanh(1)
    rejected(copy.deepcopy(cert), "-tanh(x^2*y^2)", "not a global minimum|a minimum|maximum")
    # the global part on its own: 1 - tanh(x^2 y^2) has a local maximum at 0 (its own certificate),
    # and the global bound of tanh(x^2 y^2) claims a global minimum there: s = -1 makes it an upper bound
    L = landscape("1 - tanh(x^2*y^2)")
    forged = copy.deepcopy(_classified("1 - tanh(x^2*y^2)").certificate)
    assert forged["kind"] == "local_max"
    forged["global_min"], forged["global"] = True, copy.deepcopy(cert["global"])
    with pytest.raises(CertificateError, match="an upper bound, not a global minimum"):
        verify(forged, L)
    # p's bound on a ball only is no global bound
    ball = copy.deepcopy(cert)
    ball["global"]["inner"]["region"] = {"ball": "1"}
    rejected(ball, "tanh(x^2*y^2)", "must be 'everywhere'")
    # an extra field
    extra = copy.deepcopy(cert)
    extra["global"]["width"] = "1/4"
    rejected(extra, "tanh(x^2*y^2)", r"exactly the fields \[.inner., .type.\] \(unknown: \[.width.\]")
    # the inner identity for another polynomial: moved to tanh(x^2 y^2 - x^3), where
    # L(1/2, 0) = tanh(-1/8) < 0 = L(0, 0)
    assert value("tanh(x^2*y^2 - x^3)", (sympy.Rational(1, 2), 0)) == sympy.tanh(sympy.Rational(-1, 8))
    rejected(copy.deepcopy(cert), "tanh(x^2*y^2 - x^3)", "does not hold|not 0|critical")
    # the inner sense flipped: p <= p0 everywhere is false, and would give an upper bound
    flipped = copy.deepcopy(cert)
    flipped["global"]["inner"]["sense"] = "upper"
    rejected(flipped, "tanh(x^2*y^2)", "does not hold|upper bound")
