"""Global minima of nonnegative polynomials that are not sums of squares: Reznick multipliers.

Motzkin's M = x⁴y² + x²y⁴ − 3x²y² + 1 and Choi–Lam's S = x²y² + y²z² + z²x² + 1 − 4xyz are
nonnegative (AM–GM) but no sum of squares; (1 + |θ|²) M and (1 + |θ|²) S are.  The identities
are re-expanded here with SymPy, independently of flint and of the checker.
"""

import copy

import pytest
import sympy

from symlandscape import CertificateError, Landscape, classify, verify
from symlandscape.expression import parse_expression

MOTZKIN = ("x^4*y^2 + x^2*y^4 - 3*x^2*y^2 + 1", "x,y", [1, 1])
CHOI_LAM = ("x^2*y^2 + y^2*z^2 + z^2*x^2 + 1 - 4*x*y*z", "x,y,z", [1, 1, 1])


def certified(case):
    text, variables, point = case
    L = Landscape.from_expression(text, variables)
    return L, classify(L, point)


@pytest.mark.parametrize("case", [MOTZKIN, CHOI_LAM], ids=["motzkin", "choi-lam"])
def test_a_global_minimum_that_no_sum_of_squares_shows(case):
    L, v = certified(case)
    assert v.kind == "strict_local_min" and v.value == 0 and v.global_min is True
    bound = v.certificate["global"]["certificate"]
    assert bound["multiplier"] == {"reznick": 1}
    # (1 + |θ|²) L = Σ c q², expanded by SymPy
    symbols = L.variables
    total = sum(sympy.Rational(t["coefficient"]) * parse_expression(t["polynomial"], symbols) ** 2
                for t in bound["terms"])
    weight = 1 + sum(s ** 2 for s in symbols)
    assert sympy.expand(weight * L.expression - total) == 0


def motzkin_certificate():
    L, v = certified(MOTZKIN)
    return L, copy.deepcopy(v.certificate)


@pytest.mark.parametrize("change, message", [
    (lambda b: b["multiplier"].update(reznick=2), "does not hold"),
    (lambda b: b["multiplier"].update(reznick=0), "between 1 and"),
    (lambda b: b["multiplier"].update(reznick=99), "between 1 and"),
    (lambda b: b["multiplier"].update(reznick="1"), "integer"),
    (lambda b: b["multiplier"].update(weight="x^2"), "exactly the field reznick"),
    (lambda b: b.update(multiplier=[1]), "must be an object"),
    (lambda b: b.update(region={"ball": "1"}), "ball|everywhere"),
    (lambda b: b.update(note="trust me"), "not part of a sum of squares"),
    (lambda b: b["terms"][0].update(weight="2"), "fields other than"),
    (lambda b: b["terms"].pop(), "does not hold"),
])
def test_forged_reznick_bounds_are_rejected(change, message):
    L, cert = motzkin_certificate()
    change(cert["global"]["certificate"])
    with pytest.raises(CertificateError, match=message):
        verify(cert, L)


def test_a_transplanted_bound_does_not_prove_a_point_that_is_not_a_global_minimum():
    # M + (x - 1)^3 has the same value, gradient and Hessian at (1, 1) (the cubic vanishes to second
    # order there), but M(x, 0) = 1, so at (-1, 0) it is 1 - 8 < 0: (1, 1) is not a global minimum
    L, cert = motzkin_certificate()
    other = Landscape.from_expression(MOTZKIN[0] + " + (x - 1)^3", "x,y")
    assert other.value([-1, 0]) == -7
    with pytest.raises(CertificateError, match="does not hold"):
        verify(cert, other)
    # and classify itself finds the lower point
    assert classify(other, [1, 1]).global_min is False


def test_a_local_bound_may_not_carry_a_multiplier_on_a_ball(monkeypatch):
    import symlandscape.search.quasi

    # the ball's sum of squares (the quasi-homogeneous bound, tried first, is switched off)
    monkeypatch.setattr(symlandscape.search.quasi, "quasi_bound", lambda search, sense: None)
    L = Landscape.from_expression("x^2 + y^4 - y^5", "x,y")
    cert = copy.deepcopy(classify(L, [0, 0]).certificate)
    cert["evidence"]["minimum"]["multiplier"] = {"reznick": 1}
    with pytest.raises(CertificateError, match="only for a bound on all of space"):
        verify(cert, L)
