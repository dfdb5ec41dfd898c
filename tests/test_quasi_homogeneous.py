"""Strict local extrema from a definite quasi-homogeneous initial form (quasi_check, search.quasi)."""

import copy
import time

import flint
import pytest

from symlandscape import CertificateError, Landscape, budget, classify, verify
from symlandscape.quasi_check import weighted_parts
from symlandscape.search.core import Search
from symlandscape.search.quasi import quasi_bound

TEN = "x1^2 + x2^2 + x3^2 + x4^2 + x5^2 + x6^2 + x7^2 + x8^2 + x9^2 + y^4 - y^5 + x1*y^3"
TEN_NAMES = "x1,x2,x3,x4,x5,x6,x7,x8,x9,y"
THIRTY = " + ".join(f"x{i}^2" for i in range(1, 30)) + " - x1*y^2 + y^4 - y^5 + x2*y^3"
THIRTY_NAMES = ",".join([f"x{i}" for i in range(1, 30)] + ["y"])

# Expected certificates, by hand.  The weights are forced: d/w_i is the smallest pure power
# of h_i; d = lcm of those powers.  ε is the largest power of two at most the least of their
# coefficients, divided by 4 until ±f_0 − εN is a sum of squares; η the first power 1/2^j
# with S = Σ|c| η^(w·α − d) < ε.
#   x² + y⁴ − y⁵:       powers (2, 4), d = 4, w = (2, 1); f_0 = N, ε = 1; S = η < 1: η = 1/2
#   −(x² + y⁴ − y⁵):    the same for L0 − L (a maximum)
#   y² + x⁴ − x³y:      powers (4, 2), d = 4, w = (1, 2); x³y has weighted degree 3 + 2 = 5;
#                       f_0 = N, ε = 1, S = η: η = 1/2
#   TEN:                powers (2, ..., 2, 4), d = 4, w = (2, ..., 2, 1); f_0 = N, ε = 1;
#                       −y⁵ and x1·y³ both have weighted degree 5, S = 2η < 1: η = 1/4
#   x² − xy² + y⁴ + y⁵: w = (2, 1), f_0 = x² − xy² + y⁴; in (x, y²) the form f_0 − εN has
#                       the matrix [[1 − ε, −1/2], [−1/2, 1 − ε]], PSD iff ε <= 1/2: ε = 1 fails,
#                       ε = 1/4 holds; S = η < 1/4: η = 1/8
#   THIRTY:             w = (2, ..., 2, 1), d = 4; f_0 − εN has the block of x1, y² above and
#                       1 − ε on the other x_i²: ε = 1/4; −y⁵, x2·y³ of degree 5, S = 2η < 1/4:
#                       η = 1/16
#   (x−1)² + (y−2)⁴ − (y−2)⁵ at (1, 2): the first case moved, the same constants
CASES = [
    ("x^2 + y^4 - y^5", "x,y", (0, 0), "local_min", [2, 1], 4, "1", "1/2"),
    ("-x^2 - y^4 + y^5", "x,y", (0, 0), "local_max", [2, 1], 4, "1", "1/2"),
    ("y^2 + x^4 - x^3*y", "x,y", (0, 0), "local_min", [1, 2], 4, "1", "1/2"),
    (TEN, TEN_NAMES, (0,) * 10, "local_min", [2] * 9 + [1], 4, "1", "1/4"),
    ("x^2 - x*y^2 + y^4 + y^5", "x,y", (0, 0), "local_min", [2, 1], 4, "1/4", "1/8"),
    (THIRTY, THIRTY_NAMES, (0,) * 30, "local_min", [2] * 29 + [1], 4, "1/4", "1/16"),
    ("(x - 1)^2 + (y - 2)^4 - (y - 2)^5", "x,y", (1, 2), "local_min", [2, 1], 4, "1", "1/2"),
]


def landscape(text, names="x,y"):
    return Landscape.from_expression(text, names)


@pytest.fixture(scope="module")
def verdicts():
    found = {}
    for text, names, point, *_ in CASES:
        start = time.monotonic()
        verdict = classify(landscape(text, names), point, global_search="off")
        found[text] = (verdict, time.monotonic() - start)
    return found


@pytest.mark.parametrize("text, names, point, kind, weights, degree, epsilon, eta", CASES)
def test_degenerate_extrema_are_decided_by_their_initial_form(verdicts, text, names, point, kind, weights, degree,
                                                               epsilon, eta):
    verdict, seconds = verdicts[text]
    assert verdict.kind == kind and verdict.verified
    role = "minimum" if kind == "local_min" else "maximum"
    bound = verdict.certificate["evidence"][role]
    assert bound["type"] == "quasi_homogeneous"
    assert (bound["weights"], bound["degree"], bound["epsilon"], bound["eta"]) == (weights, degree, epsilon, eta)
    assert bound["certificate"]["sense"] == ("lower" if kind == "local_min" else "upper")
    assert verify(verdict.certificate, landscape(text, names))
    assert seconds < 5


def test_many_parameter_minima_are_quick(verdicts):
    # beyond the ball sum of squares (6 parameters): decided by the initial form alone
    for text in (TEN, THIRTY):
        verdict, seconds = verdicts[text]
        assert verdict.kind == "local_min" and seconds < 2


def test_the_expansion_about_the_point_is_bounded(minimum):
    # x² + y⁴ − y⁵ expands into at most 3 + 5 + 6 = 14 monomials about a point
    with budget.limits(max_terms=10):
        rejects("x^2 + y^4 - y^5", minimum, "has terms 14, above the bound max_terms=10")


def test_the_split_by_weighted_degree():
    ctx = flint.fmpq_mpoly_ctx.get(("x", "y"), "lex")
    X, Y = ctx.gens()
    # weights (2, 1): x² and y⁴ have degree 4, x·y³ and y⁵ degree 5, y³ degree 3
    initial, higher, lower = weighted_parts(X ** 2 + Y ** 4 - Y ** 5 + X * Y ** 3 + Y ** 3, (2, 1), 4)
    assert initial == X ** 2 + Y ** 4
    assert sorted(higher) == [((0, 5), -1), ((1, 3), 1)]
    assert lower == [((0, 3), 1)]


def analysed(text, point=(0, 0)):
    L = landscape(text)
    search = Search(L, tuple(flint.fmpq(v) for v in point), 0, 12)
    verdict = search.run()
    return search, verdict


def test_an_indefinite_initial_form_is_not_a_minimum():
    # x² − y⁴: −y⁴ along y (not a minimum), −x² along x (not a maximum): a saddle
    search, verdict = analysed("x^2 - y^4")
    assert verdict.kind == "degenerate_saddle"
    assert quasi_bound(search, "lower") is None and quasi_bound(search, "upper") is None
    assert any("along y alone" in note for note in search.notes)
    # x² + 3xy² + y⁴: every axis is positive, but f_0 = (x + 3y²/2)² − 5y⁴/4 is indefinite
    # (at x = −3y²/2 it is −5y⁴/4): no sum of squares for any ε > 0, and a saddle
    search, verdict = analysed("x^2 + 3*x*y^2 + y^4")
    assert verdict.kind == "degenerate_saddle"
    assert quasi_bound(search, "lower") is None
    assert any("No quasi-homogeneous lower bound with weights [2, 1]" in note for note in search.notes)


def test_a_term_below_the_initial_degree_gives_no_bound():
    # x² + y³ + y⁴: the smallest power of y alone is y³ (odd): along y it changes sign
    search, verdict = analysed("x^2 + y^4 + y^3")
    assert verdict.kind != "local_min"
    assert quasi_bound(search, "lower") is None


# ---------------------------------------------------------------------------------------
# forgeries: each an edit of a genuine certificate


def genuine(text, point=(0, 0)):
    return classify(landscape(text), point, global_search="off").certificate


@pytest.fixture(scope="module")
def minimum():
    return genuine("x^2 + y^4 - y^5")


def forged(certificate, change, role="minimum"):
    certificate = copy.deepcopy(certificate)
    change(certificate["evidence"][role])
    return certificate


def rejects(text, certificate, match):
    with pytest.raises(CertificateError, match=match):
        verify(certificate, landscape(text))


def test_the_genuine_certificate(minimum):
    assert minimum["evidence"]["minimum"]["certificate"]["terms"] == []  # f_0 − N = 0
    assert verify(minimum, landscape("x^2 + y^4 - y^5"))


def test_a_term_of_lower_weighted_degree_is_rejected(minimum):
    # + y³ keeps the value, gradient and Hessian diag(2, 0) at 0, but has weighted degree 3 < 4
    # (and x² + y³ + ... is no minimum: it is negative along y < 0)
    rejects("x^2 + y^4 - y^5 + y^3", minimum, r"weighted degree 3 < degree=4")


def test_higher_terms_too_large_are_rejected(minimum):
    # η = 1: S = 1, not below ε = 1
    rejects("x^2 + y^4 - y^5", forged(minimum, lambda m: m.update(eta="1")), "not below epsilon")
    # ε = 1/4 with η = 1/2: S = 1/2
    rejects("x^2 + y^4 - y^5", forged(minimum, lambda m: m.update(epsilon="1/4")), "not below epsilon")
    # ε = 2 passes S = 1/2 < 2, but f_0 − 2N = −x² − y⁴ is not the (empty) sum of squares
    rejects("x^2 + y^4 - y^5", forged(minimum, lambda m: m.update(epsilon="2")), "does not hold")
    rejects("x^2 + y^4 - y^5", forged(minimum, lambda m: m.update(eta="0")), "0 < eta <= 1")
    rejects("x^2 + y^4 - y^5", forged(minimum, lambda m: m.update(eta="2")), "0 < eta <= 1")
    rejects("x^2 + y^4 - y^5", forged(minimum, lambda m: m.update(epsilon="-1")), "must be positive")


def test_wrong_weights_are_rejected(minimum):
    text = "x^2 + y^4 - y^5"
    rejects(text, forged(minimum, lambda m: m.update(weights=[3, 1])), r"not divisible by 2·weights\[0\] = 6")
    rejects(text, forged(minimum, lambda m: m.update(degree=6)), r"not divisible by 2·weights\[0\] = 4")
    # weights (1, 1), d = 4: x² has weighted degree 2 < 4
    rejects(text, forged(minimum, lambda m: m.update(weights=[1, 1])), "weighted degree 2 < degree=4")
    rejects(text, forged(minimum, lambda m: m.update(weights=[2])), "has 1 entries; expected 2")
    rejects(text, forged(minimum, lambda m: m.update(weights=[0, 1])), "between 1 and 32")
    rejects(text, forged(minimum, lambda m: m.update(weights=["2", 1])), "must be an integer")


def test_a_zero_initial_form_is_rejected():
    # x⁴ + y⁴ − y⁵: w = (1, 1), d = 4; with d = 2 every term is above d and f_0 = 0
    certificate = genuine("x^4 + y^4 - y^5")
    assert certificate["evidence"]["minimum"]["weights"] == [1, 1]
    rejects("x^4 + y^4 - y^5", forged(certificate, lambda m: m.update(degree=2)), "initial form is zero")


def test_a_sum_of_squares_for_another_initial_form_is_rejected(minimum):
    # the genuine sos of x² − xy² + y⁴ − (x² + y⁴)/4 (ε = 1/4), with ε and η that pass S for x² + y⁴ − y⁵
    # (S = 1/8 < 1/4): the identity is for the wrong f_0
    other = genuine("x^2 - x*y^2 + y^4 + y^5")["evidence"]["minimum"]
    assert other["epsilon"] == "1/4" and other["certificate"]["terms"]
    rejects("x^2 + y^4 - y^5", forged(minimum, lambda m: m.update(epsilon="1/4", eta="1/8",
                                                                  certificate=other["certificate"])),
            "does not hold")


def test_unknown_and_missing_fields_are_rejected(minimum):
    rejects("x^2 + y^4 - y^5", forged(minimum, lambda m: m.update(note="trust me")), "unknown")
    rejects("x^2 + y^4 - y^5", forged(minimum, lambda m: m.pop("eta")), "missing")
    rejects("x^2 + y^4 - y^5", forged(minimum, lambda m: m["certificate"].update(note="x")),
            "not part of a sum of squares")


def test_huge_degrees_and_weights_are_refused(minimum):
    rejects("x^2 + y^4 - y^5", forged(minimum, lambda m: m.update(degree=128, weights=[64, 32])), "between 1 and 32")
    rejects("x^2 + y^4 - y^5", forged(minimum, lambda m: m.update(degree=10**9)), "between 2 and 64")


def test_a_flipped_sense_is_rejected(minimum):
    rejects("x^2 + y^4 - y^5", forged(minimum, lambda m: m["certificate"].update(sense="upper")),
            "sense must be 'lower'")
    # x⁴ + y⁴ − y⁵ has a zero Hessian; its minimum certificate presented as a maximum: the
    # checker forms −f_0 − εN = −2(x⁴ + y⁴), which the (empty) sum of squares does not match
    certificate = genuine("x^4 + y^4 - y^5")
    certificate["kind"] = "local_max"
    certificate["evidence"]["maximum"] = certificate["evidence"].pop("minimum")
    certificate["evidence"]["maximum"]["certificate"]["sense"] = "upper"
    rejects("x^4 + y^4 - y^5", certificate, "does not hold")


def test_a_non_polynomial_loss_is_rejected(minimum):
    # x² + y⁴ − tanh(y)⁵ has the same value, gradient and Hessian at 0
    rejects("x^2 + y^4 - tanh(y)^5", minimum, "needs a polynomial loss")


def test_a_long_eta_raised_to_a_high_power_is_refused():
    # x² + y⁴ − y¹⁰⁰⁰: the term y¹⁰⁰⁰ has weighted degree 1000, so η^996 is formed; an η of
    # 2,000 digits would give about 2,000,000 digits, above max_digits = 10,000
    text = "x^2 + y^4 - y^1000"
    certificate = genuine(text)
    assert certificate["evidence"]["minimum"]["eta"] == "1/2"  # S = η^996 < 1
    with pytest.raises(CertificateError, match="a power of eta .* above the bound max_digits"):
        verify(forged(certificate, lambda m: m.update(eta="1/" + "7" * 2000)), landscape(text))
