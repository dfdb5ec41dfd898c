"""Taylor models: local minima and maxima of smooth transcendental losses (taylor_check, search.taylor)."""

import copy
import time

import flint
import pytest
import sympy

from symlandscape import CertificateError, Landscape, budget, classify, sos, verify
from symlandscape.errors import EvaluationError
from symlandscape.search.core import Search
from symlandscape.search.taylor import taylor_bound
from symlandscape.taylor_check import MAX_ORDER, remainder_bound, taylor_polynomial

x, y = sympy.symbols("x y", real=True)

# At (0, 0), with h = (x, y).  In every case the gradient vanishes and the Hessian is
# diag(±2, 0): semidefinite and singular, so the Hessian does not decide.  By hand, with
# tanh u = u − u³/3 + O(u⁵), exp u = 1 + u + u²/2 + ..., log(1 + u) = u − u²/2 + ...:
#   x² + y⁴ − tanh(y)⁵        = x² + y⁴ − y⁵ + O(y⁷)           >= 0 near 0: min (y⁴ beats y⁵)
#   tanh(x)² + y⁴ − y⁵        = x² − 2x⁴/3 + y⁴ − y⁵ + ...     min (x² beats x⁴, y⁴ beats y⁵)
#   x² + tanh(y²)² − y⁵       = x² + y⁴ − y⁵ + O(y⁸)           min
#   exp(x² + y⁴ − y⁵)         = 1 + (x² + y⁴ − y⁵) + ...       min of value 1 (exp increasing)
#   log(1 + x² + y⁴) − y⁵     = x² + y⁴ − y⁵ − (x² + y⁴)²/2 + ...  min
#   tanh(x² + y⁴ − y⁵)        : tanh increasing, u = x² + y⁴ − y⁵ >= 0 near 0: min
#   −tanh(x² + y⁴)            : −tanh of a nonnegative u vanishing only at 0: (strict) max
CASES = [
    ("x^2 + y^4 - tanh(y)^5", "local_min", "0"),
    ("tanh(x)^2 + y^4 - y^5", "local_min", "0"),
    ("x^2 + tanh(y^2)^2 - y^5", "local_min", "0"),
    ("exp(x^2 + y^4 - y^5)", "local_min", "1"),
    ("log(1 + x^2 + y^4) - y^5", "local_min", "0"),
    ("tanh(x^2 + y^4 - y^5)", "local_min", "0"),
    ("-tanh(x^2 + y^4)", "local_max", "0"),
]


def landscape(text, names="x,y"):
    return Landscape.from_expression(text, names)


@pytest.fixture(scope="module")
def verdicts():
    found = {}
    for text, _, _ in CASES:
        start = time.monotonic()
        verdict = classify(landscape(text), (0, 0), global_search="off")
        found[text] = (verdict, time.monotonic() - start)
    return found


@pytest.mark.parametrize("text, kind, value", CASES)
def test_the_degenerate_extrema_are_decided_by_a_taylor_model(verdicts, text, kind, value):
    verdict, seconds = verdicts[text]
    assert verdict.kind == kind and verdict.verified
    assert str(verdict.value) == value
    role = "minimum" if kind == "local_min" else "maximum"
    model = verdict.certificate["evidence"][role]
    assert model["type"] == "taylor_model"
    assert verify(verdict.certificate, landscape(text))
    assert seconds < 5


def test_the_taylor_polynomial_is_exact():
    # tanh(x)² = x² − 2x⁴/3 + O(x⁶); exp(u) = 1 + u + u²/2 + u³/6 with u = x² + y:
    # exp(x² + y) = 1 + y + x² + y²/2 + x²y + y³/6 + (terms of degree >= 4)
    assert taylor_polynomial(sympy.tanh(x) ** 2, (x, y), [0, 0], 5) == {(2, 0): 1, (4, 0): flint.fmpq(-2, 3)}
    assert taylor_polynomial(sympy.exp(x ** 2 + y), (x, y), [0, 0], 3) == {
        (0, 0): 1, (0, 1): 1, (2, 0): 1, (0, 2): flint.fmpq(1, 2), (2, 1): 1, (0, 3): flint.fmpq(1, 6)}
    # sigmoid(x) = 1/2 + x/4 − x³/48; log(1 + x) = x − x²/2 + x³/3; √(1+x) = 1 + x/2 − x²/8 + x³/16
    from symlandscape.activations import sigmoid

    assert taylor_polynomial(sigmoid(x), (x, y), [0, 0], 3) == {
        (0, 0): flint.fmpq(1, 2), (1, 0): flint.fmpq(1, 4), (3, 0): flint.fmpq(-1, 48)}
    assert taylor_polynomial(sympy.log(1 + x), (x, y), [0, 0], 3) == {
        (1, 0): 1, (2, 0): flint.fmpq(-1, 2), (3, 0): flint.fmpq(1, 3)}
    assert taylor_polynomial(sympy.sqrt(1 + x), (x, y), [0, 0], 3) == {
        (0, 0): 1, (1, 0): flint.fmpq(1, 2), (2, 0): flint.fmpq(-1, 8), (3, 0): flint.fmpq(1, 16)}
    # at (1, 0): 1/x = 1 − h + h² − h³
    assert taylor_polynomial(1 / x, (x, y), [1, 0], 3) == {(0, 0): 1, (1, 0): -1, (2, 0): 1, (3, 0): -1}


def test_an_irrational_coefficient_fails_closed():
    with pytest.raises(EvaluationError, match="not rational"):
        taylor_polynomial(sympy.exp(x + sympy.Rational(1, 2)), (x, y), [0, 0], 2)
    with pytest.raises(EvaluationError, match="not rational"):
        taylor_polynomial(sympy.log(2 + x), (x, y), [0, 0], 2)


def test_the_remainder_bound_encloses_the_true_supremum():
    # exp on [−1/2, 1/2], order 1: Σ_{|α|=2} sup |∂^α exp/α!| = e^(1/2)/2 = 0.82436...; order 2 (j = 1):
    # sup e^ξ/6 · r = e^(1/2)/12 = 0.13739...
    e = sympy.exp(x)
    half = flint.fmpq(1, 2)
    assert flint.fmpq(82436, 100000) < remainder_bound(e, (x,), [0], 1, half) < flint.fmpq(82438, 100000)
    assert flint.fmpq(13739, 100000) < remainder_bound(e, (x,), [0], 2, half) < flint.fmpq(13741, 100000)
    # a log whose argument meets 0 on the box: no enclosure
    with pytest.raises(EvaluationError, match="positive"):
        remainder_bound(sympy.log(x + sympy.Rational(1, 4)), (x,), [0], 2, half)
    with pytest.raises(EvaluationError, match="between 1 and"):
        remainder_bound(e, (x,), [0], MAX_ORDER + 1, half)


def test_a_non_origin_point_and_three_parameters():
    # (y − 1)⁴ − tanh(y − 1)⁵ + x²: the first case moved to (0, 1); then a 3-parameter loss:
    # tanh(x)² + tanh(y)² + tanh(z)⁴ − z⁵ = x² + y² + z⁴ − z⁵ + ... >= 0 near 0
    moved = landscape("x^2 + (y-1)^4 - tanh(y-1)^5")
    verdict = classify(moved, (0, 1), global_search="off")
    assert verdict.kind == "local_min" and verdict.certificate["evidence"]["minimum"]["type"] == "taylor_model"
    three = landscape("tanh(x)^2 + tanh(y)^2 + tanh(z)^4 - z^5", "x,y,z")
    verdict = classify(three, (0, 0, 0), global_search="off")
    assert verdict.kind == "local_min" and verify(verdict.certificate, three)


def test_saddles_are_not_turned_into_extrema():
    # x² − tanh(y)⁴ = x² − y⁴ + ...: descends along y, ascends along x; tanh(x)² + y³: y³ changes sign
    for text in ("x^2 - tanh(y)^4", "tanh(x)^2 + y^3"):
        L = landscape(text)
        assert classify(L, (0, 0), global_search="off").kind == "degenerate_saddle"
        for sense in ("lower", "upper"):
            search = Search(L, (flint.fmpq(0), flint.fmpq(0)), 0, 12)
            assert taylor_bound(search, sense) is None
    # the strict saddle tanh(x² − y²) is decided by its Hessian
    assert classify(landscape("tanh(x^2 - y^2)"), (0, 0), global_search="off").kind == "strict_saddle"


# ---------------------------------------------------------------------------------------
# forgeries


@pytest.fixture(scope="module")
def model():
    """The certificate of x² + y⁴ − tanh(y)⁵ at 0 and its Taylor model."""
    L = landscape(CASES[0][0])
    certificate = classify(L, (0, 0), global_search="off").certificate
    return L, certificate


def forged(certificate, change):
    certificate = copy.deepcopy(certificate)
    change(certificate["evidence"]["minimum"])
    return certificate


def rejects(L, certificate, match):
    with pytest.raises(CertificateError, match=match):
        verify(certificate, L)


def test_the_model_found(model):
    L, certificate = model
    data = certificate["evidence"]["minimum"]
    # k = 4: Q = x² + y⁴ (the −y⁵ is in the remainder), j = 2, remainder <= M r (x² + y²)²
    assert data["order"] == 4 and data["certificate"]["region"] == {"ball": str(flint.fmpq(data["radius"]) ** 2)}
    assert verify(certificate, L)


def test_a_bound_below_the_enclosure_is_rejected(model):
    L, certificate = model
    rejects(L, forged(certificate, lambda m: m.update(bound="1/1024")), "below the enclosure")
    rejects(L, forged(certificate, lambda m: m.update(bound="-1")), "nonnegative")


def test_a_wrong_order_is_rejected(model):
    L, certificate = model
    # order 5: Q gains −y⁵ and the remainder becomes M (x² + y²)³: the identity no longer holds
    rejects(L, forged(certificate, lambda m: m.update(order=5, bound="1000000")), "does not hold")
    rejects(L, forged(certificate, lambda m: m.update(order=10**9)), "between 1 and 8")
    rejects(L, forged(certificate, lambda m: m.update(order="4")), "integer")


def test_a_sum_of_squares_for_a_wrong_taylor_coefficient_is_rejected(model):
    L, certificate = model
    data = certificate["evidence"]["minimum"]
    r, M = flint.fmpq(data["radius"]), flint.fmpq(data["bound"])
    ctx = flint.fmpq_mpoly_ctx.get(("x", "y"), "lex")
    X, Y = ctx.gens()
    # the target with y⁴ doubled: x² + 2y⁴ − M (x² + y²)², a true identity for the wrong polynomial
    wrong = X ** 2 + 2 * Y ** 4 - ctx.constant(M) * (X ** 2 + Y ** 2) ** 2
    attempt = sos.local_attempt(wrong, [0, 0], radius2=r * r, variables=["x", "y"], time_limit=None)
    assert attempt.found is not None
    rejects(L, forged(certificate, lambda m: m.update(certificate=attempt.found)), "does not hold")


def test_an_enlarged_radius_is_rejected(model):
    L, certificate = model
    # the radius alone: the sos is on the old ball
    rejects(L, forged(certificate, lambda m: m.update(radius="1/2")), "ball of the model")
    # the radius and the ball together, with the remainder bound of the larger box: the identity's
    # multiplier changes (and x² + y⁴ − M r (x² + y²)² is negative at (0, 1/2) for that M)
    big = remainder_bound(L.expression, L.variables, [0, 0], 4, flint.fmpq(1, 2))
    assert big * flint.fmpq(1, 16) > flint.fmpq(1, 16)  # M (1/2)⁴ > y⁴: no sum of squares can exist
    rejects(L, forged(certificate, lambda m: (m.update(radius="1/2", bound=str(big)),
                                             m["certificate"].update(region={"ball": "1/4"}))), "does not hold")


def test_unknown_and_missing_fields_are_rejected(model):
    L, certificate = model
    rejects(L, forged(certificate, lambda m: m.update(note="trust me")), "unknown")
    rejects(L, forged(certificate, lambda m: m.pop("bound")), "missing")
    rejects(L, forged(certificate, lambda m: m["certificate"].update(region="everywhere")), "region")
    rejects(L, forged(certificate, lambda m: m["certificate"].update(extra=1)), "not part of a sum of squares")


def test_the_sense_must_match(model):
    L, certificate = model
    # stated as a maximum: the sos states sense lower
    upper = copy.deepcopy(certificate)
    upper["kind"] = "local_max"
    upper["evidence"]["maximum"] = upper["evidence"].pop("minimum")
    rejects(L, upper, "sense must be 'upper'")


def test_a_certificate_moved_to_another_loss(model):
    L, certificate = model
    # flipping the sign of the y⁵ term: x² + y⁴ + tanh(y)⁵ = x² + y⁴ + y⁵ + ... is still a minimum
    # (y⁴ beats ±y⁵), its order-4 Taylor polynomial is the same x² + y⁴ and its remainder
    # enclosure the same (|±c| = |c|): the moved certificate is valid there, and accepted
    assert verify(certificate, landscape("x^2 + y^4 + tanh(y)^5"))
    # x² + y⁴ − 2 tanh(y)⁴ = x² − y⁴ + ...: a saddle; its larger remainder (the y⁶ term of
    # −2 tanh(y)⁴ = −2y⁴ + 8y⁶/3 + ...) is caught first, and the identity for x² + y⁴ would fail next
    rejects(landscape("x^2 + y^4 - 2*tanh(y)^4"), certificate, "below the enclosure|does not hold")
    # x² + y⁴ − 2 tanh(y)⁵: same Taylor polynomial, a remainder twice as large (M too small)
    rejects(landscape("x^2 + y^4 - 2*tanh(y)^5"), certificate, "below the enclosure")
    # a coefficient that is not rational: e^(1/2) y⁴
    rejects(landscape("x^2 + exp(1/2)*y^4 - tanh(y)^5"), certificate, "not rational")
    # a polynomial loss: its bound is a plain sos
    rejects(landscape("x^2 + y^4 - y^5"), certificate, "polynomial")
    # a piecewise loss
    rejects(landscape("x^2 + y^4 - tanh(y)^5 + relu(x + 1) - x - 1"), certificate, "nonsmooth")


def test_the_budget_bounds_the_model(model):
    L, certificate = model
    with budget.limits(max_order=4):
        rejects(L, certificate, "max_order")
    with budget.limits(max_terms=10):
        rejects(L, certificate, "max_terms")


@pytest.mark.parametrize("text, kind, value", CASES)
def test_every_one_entry_tampering_is_rejected(verdicts, text, kind, value):
    from test_verify import leaves, tampered, tamperings

    L = landscape(text)
    certificate = verdicts[text][0].certificate
    count = 0
    for path, entry in leaves(certificate):
        for new in tamperings(path, entry):
            count += 1
            with pytest.raises(CertificateError):
                verify(tampered(certificate, path, new), L)
    assert count >= 20


def test_a_hand_made_taylor_model():
    # x² + y⁴ − tanh(y)⁵ at 0, order 4 (Q = x² + y⁴, j = 2), r = 1/32, M = 1/8 (the enclosure is
    # about 0.068, below 1/8; checked here).  With |h|² = x² + y²:
    #   Q − M|h|⁴ = (1 − M) y⁴ + x² (1 − M x² − 2M y²)
    #             = (1 − M)(y²)² + (1 − 2M r²) x² + M (x²)² + 2M x² (r² − |h|²)
    # = 7/8 (y²)² + 4095/4096 x² + 1/8 (x²)² + 1/4 x² (1/1024 − |h|²).
    L = landscape(CASES[0][0])
    assert remainder_bound(L.expression, L.variables, [0, 0], 4, flint.fmpq(1, 32)) <= flint.fmpq(1, 8)
    model = {"type": "taylor_model", "order": 4, "radius": "1/32", "bound": "1/8",
             "certificate": {"type": "sos", "sense": "lower", "region": {"ball": "1/1024"},
                             "terms": [{"coefficient": "7/8", "polynomial": "y^2"},
                                       {"coefficient": "4095/4096", "polynomial": "x"},
                                       {"coefficient": "1/8", "polynomial": "x^2"},
                                       {"coefficient": "1/4", "polynomial": "x", "constraint": 0}]}}
    certificate = {"type": "classification", "kind": "local_min", "point": ["0", "0"], "value": "0",
                   "critical": True, "hessian_inertia": {"positive": 1, "negative": 0, "zero": 1},
                   "evidence": {"critical": {"type": "critical"}, "minimum": model,
                                "inertia": classify(L, (0, 0), global_search="off").certificate["evidence"]["inertia"]},
                   "global_min": None, "global": None}
    assert verify(certificate, L)
    # one term off by a little: the identity fails
    certificate["evidence"]["minimum"]["certificate"]["terms"][1]["coefficient"] = "1"
    rejects(L, certificate, "does not hold")
