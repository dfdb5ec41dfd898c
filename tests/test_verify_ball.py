"""Sums of squares on a ball: local minima and maxima that hold only near the point.

The identities are derived by hand in the comments; each certificate is ``classify``'s (for
``critical``, ``inertia`` and the global witness) with the kind set and a ball ``sos`` as the
local bound.  Forgeries must be rejected for the stated reason; where the claim is false,
the test shows it with an exact point of the ball where the bound fails.
"""

from __future__ import annotations

import copy
import functools

import pytest
import sympy

from symlandscape import CertificateError, Landscape
from symlandscape.classify import classify
from symlandscape.verify import verify

QUINTIC = "x^2 + y^4 - y^5"

# x² + y⁴ − y⁵ = x² + ½y⁴(1 − y)² + ½x²y⁴ + ½y⁴(1 − x² − y²): on the unit ball about 0
# every term is >= 0 (expand: ½y⁴ − y⁵ + ½y⁶ + ½x²y⁴ + ½y⁴ − ½x²y⁴ − ½y⁶ = y⁴ − y⁵)
QUINTIC_TERMS = [
    {"coefficient": "1", "polynomial": "x"},
    {"coefficient": "1/2", "polynomial": "y^2*(1 - y)"},
    {"coefficient": "1/2", "polynomial": "x*y^2"},
    {"coefficient": "1/2", "polynomial": "y^2", "constraint": 0},
]

# x² − x³ = ⅜x² + ½x²(1 − x)² + ½x²(¼ − x²): on |x| <= 1/2
# (from 1 − x = ½(1 − x)² + ½(¼ − x²) + ⅜)
CUBIC_TERMS = [
    {"coefficient": "3/8", "polynomial": "x"},
    {"coefficient": "1/2", "polynomial": "x*(1 - x)"},
    {"coefficient": "1/2", "polynomial": "x", "constraint": 0},
]


@functools.cache
def landscape(text, variables):
    return Landscape.from_expression(text, variables)


@functools.cache
def _classified(text, variables, point):
    return classify(landscape(text, variables), point).certificate


def local(text, variables, point, sos, *, kind="local_min"):
    """classify's certificate at ``point`` with ``kind`` proven by ``sos``."""
    cert = copy.deepcopy(_classified(text, variables, point))
    role = "minimum" if kind == "local_min" else "maximum"
    cert["kind"] = kind
    cert["evidence"] = {key: cert["evidence"][key] for key in ("critical", "inertia")}
    cert["evidence"][role] = copy.deepcopy(sos)
    return cert


def ball(r2, terms, sense="lower"):
    return {"type": "sos", "sense": sense, "region": {"ball": r2}, "terms": copy.deepcopy(terms)}


def rejected(cert, text, variables, match):
    with pytest.raises(CertificateError, match=match):
        verify(cert, landscape(text, variables))


def value(text, variables, point):
    return landscape(text, variables).value(point)


# ---------------------------------------------------------------------------------------
# positive cases


def test_the_quintic_is_a_local_minimum_on_the_unit_ball():
    x, y = sympy.symbols("x y")
    identity = x**2 + y**4 / 2 * (1 - y) ** 2 + x**2 * y**4 / 2 + y**4 / 2 * (1 - x**2 - y**2)
    assert sympy.expand(identity - (x**2 + y**4 - y**5)) == 0
    cert = local(QUINTIC, "x,y", (0, 0), ball("1", QUINTIC_TERMS))
    assert cert["global_min"] is False           # and it is not global: L(0, 2) = 16 − 32 < 0
    assert value(QUINTIC, "x,y", (0, 2)) == -16
    assert verify(cert, landscape(QUINTIC, "x,y")) is True


def test_a_smaller_ball_with_the_same_multipliers_is_not_the_same_identity():
    # on the ball of r2 = 1/2 the multiplier is ½ − x² − y²: ½y⁴(½ − x² − y²) is not the term
    # the identity needs, so the certificate for r2 = 1 does not carry over unchanged
    rejected(local(QUINTIC, "x,y", (0, 0), ball("1/2", QUINTIC_TERMS)), QUINTIC, "x,y", "does not hold")


def test_the_negated_quintic_is_a_local_maximum():
    text = "-(x^2 + y^4 - y^5)"
    cert = local(text, "x,y", (0, 0), ball("1", QUINTIC_TERMS, "upper"), kind="local_max")
    assert verify(cert, landscape(text, "x,y")) is True


def test_the_cubic_on_a_ball_of_radius_one_half():
    x = sympy.symbols("x")
    identity = sympy.Rational(3, 8) * x**2 + x**2 * (1 - x) ** 2 / 2 + x**2 * (sympy.Rational(1, 4) - x**2) / 2
    assert sympy.expand(identity - (x**2 - x**3)) == 0
    cert = local("x^2 - x^3", "x", (0,), ball("1/4", CUBIC_TERMS))
    cert["kind"] = "local_min"   # classify says strict_local_min; the ball proves the weaker claim
    assert verify(cert, landscape("x^2 - x^3", "x")) is True


def test_the_ball_is_centred_at_the_point():
    # the cubic moved to x = 2: the multiplier is 1/4 − (x − 2)²
    text = "(x-2)^2 - (x-2)^3"
    terms = [
        {"coefficient": "3/8", "polynomial": "x - 2"},
        {"coefficient": "1/2", "polynomial": "(x - 2)*(3 - x)"},
        {"coefficient": "1/2", "polynomial": "x - 2", "constraint": 0},
    ]
    assert verify(local(text, "x", (2,), ball("1/4", terms)), landscape(text, "x")) is True


# ---------------------------------------------------------------------------------------
# forgeries


def test_a_ball_sos_as_the_global_certificate():
    cert = local(QUINTIC, "x,y", (0, 0), ball("1", QUINTIC_TERMS))
    cert["global_min"] = True
    cert["global"] = {"type": "global_lower_bound", "certificate": ball("1", QUINTIC_TERMS)}
    assert value(QUINTIC, "x,y", (0, 2)) < 0      # the global claim is false
    rejected(cert, QUINTIC, "x,y", "a sum of squares on a ball proves a bound near the point only")


def test_a_wrong_radius():
    # r2 = 2 would claim L >= 0 on the ball of radius √2, false at (0, 6/5): (6/5)⁴(1 − 6/5) < 0
    assert value(QUINTIC, "x,y", (0, sympy.Rational(6, 5))) < 0
    rejected(local(QUINTIC, "x,y", (0, 0), ball("2", QUINTIC_TERMS)), QUINTIC, "x,y", "does not hold")
    # the cubic on r2 = 1 with the r2 = 1/4 terms (x² − x³ >= 0 on [−1, 1] is true, but these
    # terms do not prove it: the identity is what is checked, not the claim)
    rejected(local("x^2 - x^3", "x", (0,), ball("1", CUBIC_TERMS)), "x^2 - x^3", "x", "does not hold")


def test_a_constraint_index_other_than_zero():
    for k in (1, -1):
        terms = copy.deepcopy(QUINTIC_TERMS)
        terms[3]["constraint"] = k
        rejected(local(QUINTIC, "x,y", (0, 0), ball("1", terms)), QUINTIC, "x,y",
                 f"constraint={k} is not a constraint of the region")


def test_an_identity_that_holds_only_about_another_centre():
    # L3 = x² + ½y⁴(1 − y)² + ½x²y⁴ + ½y⁴(1 − (x − 1)² − y²): the identity holds with the ball
    # about (1, 0), not about the point (0, 0).  There the claim is false: at (−81/1250, 3/5),
    # inside the unit ball about 0, L3 < 0 (x = −y⁴/2 minimises x² + x y⁴).
    text = "x^2 + 1/2*y^4*(1 - y)^2 + 1/2*x^2*y^4 + 1/2*y^4*(1 - (x - 1)^2 - y^2)"
    point = (sympy.Rational(-81, 1250), sympy.Rational(3, 5))
    assert point[0] ** 2 + point[1] ** 2 < 1 and value(text, "x,y", point) < 0
    assert value(text, "x,y", (0, 0)) == 0
    rejected(local(text, "x,y", (0, 0), ball("1", QUINTIC_TERMS)), text, "x,y", "does not hold")


@pytest.mark.parametrize("r2, match", [
    ("0", "must be positive"),
    ("-1", "must be positive"),
    (0.25, "is not an exact rational"),
    ("1/0", "zero denominator"),
    ("sqrt(2)", "is not an exact rational"),
])
def test_a_radius_that_is_not_a_positive_rational(r2, match):
    rejected(local(QUINTIC, "x,y", (0, 0), ball(r2, QUINTIC_TERMS)), QUINTIC, "x,y", match)


def test_a_ball_with_other_fields():
    sos = ball("1", QUINTIC_TERMS)
    sos["region"]["centre"] = ["1", "0"]
    rejected(local(QUINTIC, "x,y", (0, 0), sos), QUINTIC, "x,y", "must have exactly the field ball")


def test_the_wrong_sense():
    rejected(local(QUINTIC, "x,y", (0, 0), ball("1", QUINTIC_TERMS, "upper")), QUINTIC, "x,y",
             "sense must be 'lower'")


def test_no_ball_at_a_kink():
    # relu(x) + x² + y⁴ − y⁵ at 0 sits on the kink of relu(x): a ball sos for the whole loss is
    # refused (each adjacent piece needs its own region)
    text = "relu(x) + x^2 + y^4 - y^5"
    cert = copy.deepcopy(_classified(text, "x,y", (0, 0)))
    assert "pieces" in cert["evidence"] and "clarke" in cert["evidence"]
    cert["kind"] = "local_min"
    cert["evidence"] = {key: cert["evidence"][key] for key in ("pieces", "clarke")}
    cert["evidence"]["minimum"] = ball("1", QUINTIC_TERMS)
    rejected(cert, text, "x,y", "a piecewise landscape needs one sos per adjacent piece")


def test_a_ball_on_a_piece():
    # relu(x) + x² + y² at 0: each piece's sum of squares holds on its whole region, so it also
    # holds within a ball; the ball is one more multiplier, numbered after the piece's own constraints
    text = "relu(x) + x^2 + y^2"
    cert = copy.deepcopy(_classified(text, "x,y", (0, 0)))
    assert cert["kind"] == "local_min" and cert["evidence"]["minimum"]["type"] == "pieces"
    assert verify(cert, landscape(text, "x,y")) is True      # the control
    cert["evidence"]["minimum"]["pieces"][0]["region"]["ball"] = "1"
    assert verify(cert, landscape(text, "x,y")) is True
    for r2, match in (("0", "must be positive"), ("-1", "must be positive"), ("1.5", "exact rational")):
        bad = copy.deepcopy(cert)
        bad["evidence"]["minimum"]["pieces"][0]["region"]["ball"] = r2
        rejected(bad, text, "x,y", match)
    bad = copy.deepcopy(cert)
    bad["evidence"]["minimum"]["pieces"][0]["region"]["box"] = "1"
    rejected(bad, text, "x,y", "has the field pattern, and optionally ball")


def test_a_bound_that_needs_the_ball_on_each_piece():
    # |x| + |y| − xy at 0: on the quadrant x, y >= 0 the piece is x + y − xy, negative at (2, 2),
    # so no bound holds on the whole region; classify bounds every piece within a ball
    text = "abs(x) + abs(y) - x*y"
    cert = copy.deepcopy(_classified(text, "x,y", (0, 0)))
    assert cert["kind"] == "local_min" and value(text, "x,y", (2, 2)) == 0 and value(text, "x,y", (3, 3)) < 0
    pieces = cert["evidence"]["minimum"]["pieces"]
    assert len(pieces) == 4 and all("ball" in p["region"] for p in pieces)
    assert verify(cert, landscape(text, "x,y")) is True
    # a larger radius changes the multiplier, and the identity fails
    bad = copy.deepcopy(cert)
    bad["evidence"]["minimum"]["pieces"][0]["region"]["ball"] = "100"
    rejected(bad, text, "x,y", "does not hold")
    # without the ball, the stated multiplier number names no constraint of the piece
    bad = copy.deepcopy(cert)
    del bad["evidence"]["minimum"]["pieces"][0]["region"]["ball"]
    rejected(bad, text, "x,y", "is not a constraint of the piece|does not hold")
