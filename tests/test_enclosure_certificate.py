"""Attacks on the ``enclosure_classification`` checker: every forged certificate must be refused.

Each forgery is an edit of a genuine certificate built by
:func:`symlandscape.algebraic_classify.classify_enclosure`; each test names the reason the checker
must give.  Expected kinds, inertias and values are derived by hand (or, in the differential
test, from the closed form of the critical points and the exact inertia of a rational matrix).
"""

import copy
import json
import random
import time

import flint
import pytest
import sympy

from symlandscape import Landscape, budget
from symlandscape.algebraic import AlgebraicPoint
from symlandscape.algebraic_classify import classify_enclosure
from symlandscape.errors import CertificateError, EvaluationError, InvalidArgument, NotCriticalError
from symlandscape.inertia import inertia
from symlandscape.verify import verify

Q = flint.fmpq
SQRT2 = flint.fmpq_poly([-2, 0, 1])          # t^2 - 2: root 1 is +√2, root 0 is -√2
T = flint.fmpq_poly([0, 1])                  # t: root 0 is t = 0 (a rational point)

# x^4/4 - x^2 + y^2/2: gradient (x^3 - 2x, y), Hessian diag(3x^2 - 2, 1).  Critical points
# (0, 0), (±√2, 0); at (±√2, 0) the Hessian is diag(4, 1) (strict min, value 4/4 - 2 = -1),
# at (0, 0) it is diag(-2, 1) (strict saddle, value 0).
QUARTIC = "x^4/4 - x^2 + y^2/2"


def _landscape(text=QUARTIC, variables="x,y"):
    return Landscape.from_expression(text, variables)


def _genuine(landscape, g, index, coordinates):
    return copy.deepcopy(classify_enclosure(landscape, AlgebraicPoint(g, index, coordinates)).certificate)


@pytest.fixture(scope="module")
def quartic():
    return _landscape()


@pytest.fixture(scope="module")
def minimum(quartic):
    """The genuine certificate at (√2, 0)."""
    return _genuine(quartic, SQRT2, 1, [[0, 1], [0]])


@pytest.fixture(scope="module")
def saddle(quartic):
    """The genuine certificate at (0, 0)."""
    return _genuine(quartic, T, 0, [[0], [0]])


def _rejects(certificate, landscape, fragment):
    with pytest.raises(CertificateError) as info:
        verify(certificate, landscape)
    assert fragment in str(info.value), str(info.value)
    assert "\n" not in str(info.value)
    return str(info.value)


def _edit(certificate, **fields):
    forged = copy.deepcopy(certificate)
    forged.update(fields)
    return forged


def _text(q):
    q = Q(q)
    return str(q.p) if q.q == 1 else f"{q.p}/{q.q}"


def _box(*intervals):
    return [[_text(lo), _text(hi)] for lo, hi in intervals]


def _in(q, interval):
    return Q(interval[0]) <= q <= Q(interval[1])


# ---------------------------------------------------------------------------------------
# genuine certificates: accepted, and what they state is what a hand derivation gives


def test_strict_minimum_at_sqrt2(quartic, minimum):
    assert minimum["type"] == "enclosure_classification"
    assert verify(minimum, quartic) is True
    assert minimum["kind"] == "strict_local_min"
    assert minimum["hessian_inertia"] == {"positive": 2, "negative": 0, "zero": 0}
    (xlo, xhi), (ylo, yhi) = ((Q(lo), Q(hi)) for lo, hi in minimum["box"])
    # the box holds (√2, 0): xlo^2 < 2 < xhi^2 with both ends positive
    assert 0 < xlo and xlo**2 < 2 < xhi**2 and ylo < 0 < yhi
    assert _in(Q(-1), minimum["value"])
    assert Q(minimum["value"][1]) - Q(minimum["value"][0]) < Q(1, 10**6)
    assert json.loads(json.dumps(minimum)) == minimum   # plain JSON data


def test_strict_minimum_at_minus_sqrt2(quartic):
    cert = _genuine(quartic, SQRT2, 0, [[0, 1], [0]])
    assert verify(cert, quartic) is True
    assert cert["kind"] == "strict_local_min" and Q(cert["box"][0][1]) < 0
    assert _in(Q(-1), cert["value"])


def test_strict_saddle_at_origin(quartic, saddle):
    assert verify(saddle, quartic) is True
    assert saddle["kind"] == "strict_saddle"
    assert saddle["hessian_inertia"] == {"positive": 1, "negative": 1, "zero": 0}
    assert _in(Q(0), saddle["value"])


def test_hand_written_wide_boxes_are_accepted(quartic, minimum, saddle):
    # In ball (midpoint-radius) arithmetic x = 11/8 ± 1/8 gives x^2 = 121/64 ± 23/64, so the Hessian
    # entry 3x^2 - 2 is enclosed in [2.58, 4.75] on x in [5/4, 3/2]: |1 - J/3.67| <= 0.3, and the
    # Krawczyk image 11/8 - (m^3 - 2m)/3.67 ± 0.3/8, about [1.38, 1.46], lies inside (5/4, 3/2).  The
    # loss on the box is L(11/8, 0) - (1/2) dᵀ J d, about -0.997 ± 0.17: the stated [-2, 0] holds it
    # (and the true value -1).
    cert = _edit(minimum, box=_box((Q(5, 4), Q(3, 2)), (Q(-1, 2), Q(1, 2))), value=["-2", "0"])
    assert verify(cert, quartic) is True
    # about (0, 0): 3x^2 - 2 in [-11/4, -5/4] on x = 0 ± 1/2 (x^2 = 0 ± 1/4); the saddle's inertia from an order
    # that starts with y, and from a 2x2 pivot (determinant -2 < 0)
    wide = _edit(saddle, box=_box((Q(-1, 2), Q(1, 2)), (Q(-1, 2), Q(1, 2))), value=["-1", "1"])
    assert verify(wide, quartic) is True
    wide["evidence"]["inertia"]["order"] = [1, 0]
    assert verify(wide, quartic) is True
    wide["evidence"]["inertia"]["pairs"] = [0]
    assert verify(wide, quartic) is True


def test_three_variable_strict_maximum():
    # -(x^2 - 2)^2 - (y - x)^2 - (z - y)^2: critical where z = y = x and x^2 = 2.  At (√2, √2, √2)
    # the Hessian is [[-18, 2, 0], [2, -4, 2], [0, 2, -2]] (H_xx = -(12x^2 - 8) - 2); its leading
    # minors -18, 68, -64 alternate in sign: negative definite, a strict maximum of value 0.
    L = _landscape("-(x^2 - 2)^2 - (y - x)^2 - (z - y)^2", "x,y,z")
    assert inertia([[-18, 2, 0], [2, -4, 2], [0, 2, -2]]).as_dict() == {"positive": 0, "negative": 3, "zero": 0}
    cert = _genuine(L, SQRT2, 1, [[0, 1], [0, 1], [0, 1]])
    assert verify(cert, L) is True
    assert cert["kind"] == "strict_local_max"
    assert cert["hessian_inertia"] == {"positive": 0, "negative": 3, "zero": 0}
    assert _in(Q(0), cert["value"])
    for lo, hi in cert["box"]:
        assert Q(lo) ** 2 < 2 < Q(hi) ** 2 and Q(lo) > 0
    _rejects(_edit(cert, kind="strict_local_min", hessian_inertia={"positive": 3, "negative": 0, "zero": 0}), L,
             "hessian_inertia.positive=3 but the certified elimination gives 0")


# ---------------------------------------------------------------------------------------
# the box: no critical point, two, a degenerate one


def test_box_without_a_critical_point(quartic, minimum):
    # x in [3/2, 2]: x^3 - 2x = x(x^2 - 2) > 0 there, no critical point
    _rejects(_edit(minimum, box=_box((Q(3, 2), 2), (-1, 1)), value=["-10", "10"]), quartic,
             "the Krawczyk test does not prove one critical point in the box (coordinate 0 leaves it)")
    # the genuine box moved right by 1/1000: still narrow, but √2 is left of it
    moved = [[_text(Q(lo) + Q(1, 1000)), _text(Q(hi) + Q(1, 1000))] for lo, hi in minimum["box"][:1]]
    _rejects(_edit(minimum, box=moved + minimum["box"][1:]), quartic, "coordinate 0 leaves it")
    # the genuine y interval moved off 0 (the gradient in y is y itself)
    _rejects(_edit(minimum, box=minimum["box"][:1] + [["1/1000", "1/999"]]), quartic, "coordinate 1 leaves it")


def test_box_with_two_or_three_critical_points(quartic, minimum):
    # [-3/2, 3/2] holds -√2, 0, √2; [-1/2, 3/2] holds 0 and √2; [-2, 2] all three
    for lo, hi in ((Q(-3, 2), Q(3, 2)), (Q(-1, 2), Q(3, 2)), (-2, 2)):
        for kind, counts in (("strict_local_min", (2, 0)), ("strict_saddle", (1, 1))):
            forged = _edit(minimum, box=_box((lo, hi), (-1, 1)), value=["-100", "100"], kind=kind,
                           hessian_inertia={"positive": counts[0], "negative": counts[1], "zero": 0})
            _rejects(forged, quartic, "not verified:")


def test_box_with_two_close_critical_points():
    # (x^2 - e^2)^2 + y^2, e = 10^-6: critical at x = 0 (a max in x) and x = ±e (minima)
    L = _landscape("(x^2 - 1/1000000000000)^2 + y^2")
    cert = _genuine(L, flint.fmpq_poly([Q(-1, 10**12), 0, 1]), 1, [[0, 1], [0]])
    assert verify(cert, L) is True and cert["kind"] == "strict_local_min"
    e = Q(1, 10**6)
    for box in (((-2 * e, 2 * e), (-1, 1)), ((-e / 2, 2 * e), (-1, 1)), ((e / 2, 2 * e), (-1, 1))):
        if box[0][0] > 0:   # only x = e inside: this one is a genuine box (but too wide to verify)
            continue
        _rejects(_edit(cert, box=_box(*box), value=["-1", "1"]), L, "not verified:")


@pytest.mark.parametrize("text, variables, coordinates", [
    ("x^3 + y^2", "x,y", [[0], [0]]),          # Hessian diag(6x, 2): singular at 0, not a min
    ("x^4 + y^2", "x,y", [[0], [0]]),          # diag(12x^2, 2): singular at 0 (a min, but degenerate)
    ("x^2 - y^4", "x,y", [[0], [0]]),
    ("x*y^2 + x^2", "x,y", [[0], [0]]),        # Hessian [[2, 2y], [2y, 2x]]: singular at 0
])
def test_degenerate_critical_points(text, variables, coordinates, saddle):
    L = _landscape(text, variables)
    with pytest.raises(EvaluationError):
        classify_enclosure(L, AlgebraicPoint(T, 0, coordinates))
    # every kind, every inertia, boxes from 1 down to 2^-60 wide: none verifies
    for k in (0, 20, 60):
        w = Q(1, 2**k)
        for kind, counts in (("strict_local_min", (2, 0)), ("strict_local_max", (0, 2)), ("strict_saddle", (1, 1))):
            forged = _edit(saddle, box=_box((-w, w), (-w, w)), value=["-1", "1"], kind=kind,
                           hessian_inertia={"positive": counts[0], "negative": counts[1], "zero": 0})
            _rejects(forged, L, "not verified:")


def test_degenerate_box_off_centre_does_not_verify(saddle):
    # x^3 + y^2 has the single critical point (0, 0): an asymmetric box about it still meets
    # the singular Hessian (6x = 0 at x = 0)
    L = _landscape("x^3 + y^2")
    forged = _edit(saddle, box=_box((Q(-1, 1000), Q(1, 10**9)), (-1, 1)), value=["-1", "1"], kind="strict_local_min",
                   hessian_inertia={"positive": 2, "negative": 0, "zero": 0})
    _rejects(forged, L, "not verified:")


# ---------------------------------------------------------------------------------------
# malformed boxes


@pytest.mark.parametrize("box, fragment", [
    ([["1", "1"], ["-1", "1"]], "box[0]=[1, 1] must have its lower end first and positive width"),
    ([["3/2", "1"], ["-1", "1"]], "box[0]=[3/2, 1] must have its lower end first"),
    ([[1.41, 1.42], ["-1", "1"]], "box[0][0]=1.41 is not an exact rational"),
    ([["1.41", "1.42"], ["-1", "1"]], "is not an exact rational"),
    ([["1/0", "2"], ["-1", "1"]], "zero denominator"),
    ([["1", "2"]], "box has 1 entries; expected 2"),
    ([["1", "2"], ["-1", "1"], ["-1", "1"]], "box has 3 entries; expected 2"),
    ([["1", "3/2", "2"], ["-1", "1"]], "box[0] has 3 entries; expected 2"),
    ([[["1"], ["2"]], ["-1", "1"]], "is not an exact rational"),
    ([{"lo": "1", "hi": "2"}, ["-1", "1"]], "box[0] must be a list"),
    ({"0": ["1", "2"]}, "box must be a list"),
    ("[[1, 2], [-1, 1]]", "box must be a list"),
    ([[True, 2], ["-1", "1"]], "is not an exact rational"),
    ([["+1", "2"], ["-1", "1"]], "is not an exact rational"),
    ([["1/-2", "2"], ["-1", "1"]], "is not an exact rational"),
    ([["1", None], ["-1", "1"]], "is not an exact rational"),
])
def test_malformed_boxes(quartic, minimum, box, fragment):
    _rejects(_edit(minimum, box=box, value=["-3", "1"]), quartic, fragment)


def test_unicode_digits_are_refused_cleanly(quartic, minimum):
    # \d matches other scripts' digits: the reader must still fail with a CertificateError
    _rejects(_edit(minimum, box=[["١", "٢"], ["-1", "1"]]), quartic, "")


def test_huge_corners_are_refused_by_the_digit_budget(quartic, minimum):
    huge = "1" + "0" * 20_000
    start = time.perf_counter()
    _rejects(_edit(minimum, box=[["1", huge], ["-1", "1"]]), quartic, "above the bound max_digits=10000")
    assert max(len(c) for pair in minimum["box"] for c in pair) > 50
    with budget.limits(max_digits=50):
        _rejects(minimum, quartic, "above the bound max_digits=50")
    assert time.perf_counter() - start < 2


def test_ten_thousand_digit_corners_fail_cleanly_and_quickly(quartic, minimum):
    # within the digit budget (under 10,000 characters each) but beyond the checker's precision
    # bound (4096 bits): the decimals of √2 to 4999 places, in lowest terms (the numerators end in
    # neither 0 nor 5 and are odd or not, so about 16,000 bits remain)
    from math import isqrt

    root = isqrt(2 * 10 ** (2 * 4999))
    lo, hi = Q(root, 10**4999), Q(root + 1, 10**4999)
    assert lo**2 < 2 < hi**2 and int(lo.q).bit_length() > 10_000
    for corners in ([_text(lo), _text(hi)], [1, 2 * 10**9999 + 1]):   # a JSON integer is not a string
        assert all(len(c) <= 10_000 for c in corners if isinstance(c, str))
        start = time.perf_counter()
        _rejects(_edit(minimum, box=[corners, ["-1", "1"]], value=["-3", "1"]), quartic, "not verified")
        assert time.perf_counter() - start < 2


# ---------------------------------------------------------------------------------------
# the other fields


@pytest.mark.parametrize("change, fragment", [
    ({"critical": False}, "critical must be true"),
    ({"critical": 1}, "critical must be true"),
    ({"critical": "true"}, "critical must be true"),
    ({"global_min": True}, "global_min and global must be null"),
    ({"global_min": False}, "global_min and global must be null"),
    ({"global": {"type": "witness", "point": ["0", "0"]}}, "global_min and global must be null"),
    ({"kind": "local_min"}, "kind must be one of"),
    ({"kind": "undetermined"}, "kind must be one of"),
    ({"kind": "not_critical"}, "kind must be one of"),
    ({"kind": ["strict_local_min"]}, "kind must be one of"),
    ({"kind": "strict_local_max"}, "strict_local_max needs a negative definite Hessian"),
    ({"kind": "strict_saddle"}, "strict_saddle needs a Hessian with eigenvalues of both signs"),
    ({"hessian_inertia": {"positive": 1, "negative": 0, "zero": 0}}, "hessian_inertia.positive=1 but"),
    ({"hessian_inertia": {"positive": 3, "negative": 0, "zero": 0}}, "hessian_inertia.positive=3 but"),
    ({"hessian_inertia": {"positive": 2, "negative": 1, "zero": 0}}, "hessian_inertia.negative=1 but"),
    ({"hessian_inertia": {"positive": 2, "negative": 0, "zero": 1}}, "hessian_inertia.zero=1 but"),
    ({"hessian_inertia": {"positive": 1, "negative": 0, "zero": 1}}, "hessian_inertia.positive=1 but"),
    ({"hessian_inertia": {"positive": "2", "negative": 0, "zero": 0}}, "must be an integer"),
    ({"hessian_inertia": {"positive": 2.0, "negative": 0, "zero": 0}}, "must be an integer"),
    ({"hessian_inertia": {"positive": 2, "negative": False, "zero": 0}}, "must be an integer"),
    ({"hessian_inertia": {"positive": 2, "negative": 0}}, "exactly the keys positive, negative, zero"),
    ({"hessian_inertia": {"positive": 2, "negative": 0, "zero": 0, "sign": 1}}, "exactly the keys"),
    ({"hessian_inertia": None}, "hessian_inertia must be an object"),
    ({"hessian_inertia": {"positive": 10**5000, "negative": 0, "zero": 0}}, ""),   # a number too long to print
    ({"hessian_inertia": [2, 0, 0]}, "hessian_inertia must be an object"),
    ({"value": ["-1001/1000"]}, "value has 1 entries; expected 2"),
    ({"value": "-1"}, "value must be a list"),
    ({"value": ["-999/1000", "-1001/1000"]}, "must have its lower end first"),
    ({"value": [-0.99, -1.01]}, "is not an exact rational"),
])
def test_forged_fields(quartic, minimum, change, fragment):
    _rejects(_edit(minimum, **change), quartic, fragment)


def test_fields_extra_missing_or_nested(quartic, minimum):
    _rejects(_edit(minimum, point=["1", "0"]), quartic, "(unknown: ['point'], missing: [])")
    forged = copy.deepcopy(minimum)
    del forged["value"]
    _rejects(forged, quartic, "missing: ['value']")
    forged = copy.deepcopy(minimum)
    del forged["evidence"]
    _rejects(forged, quartic, "missing: ['evidence']")
    _rejects(_edit(minimum, evidence={"inertia": minimum["evidence"]["inertia"], "critical": {}}), quartic,
             "evidence has exactly the field inertia")
    _rejects(_edit(minimum, evidence=minimum["evidence"]["inertia"]), quartic, "evidence has exactly the field inertia")
    _rejects(_edit(minimum, evidence={"inertia": {**minimum["evidence"]["inertia"], "type": "congruence"}}), quartic,
             "evidence.inertia has exactly the fields")
    _rejects(_edit(minimum, evidence={"inertia": {**minimum["evidence"]["inertia"], "pivots": ["4", "1"]}}), quartic,
             "evidence.inertia has exactly the fields")
    _rejects(_edit(minimum, evidence={"inertia": {"type": "interval_congruence", "order": [0, 1]}}), quartic,
             "evidence.inertia has exactly the fields")
    nested = _edit(minimum, box=[minimum["box"], minimum["box"]])
    _rejects(nested, quartic, "box[0][0]=['")  # a pair where a corner belongs is not a rational
    # a certificate of the other type with this one's fields is refused by that checker
    _rejects(_edit(minimum, type="algebraic_classification"), quartic, "algebraic_classification certificate has")
    _rejects(_edit(minimum, type="classification"), quartic, "")


@pytest.mark.parametrize("inertia_evidence, fragment", [
    ({"order": [0, 0], "pairs": []}, "inertia.order must be a permutation"),
    ({"order": [1, 2], "pairs": []}, "inertia.order must be a permutation"),
    ({"order": [-1, 0], "pairs": []}, "inertia.order must be a permutation"),
    ({"order": [0], "pairs": []}, "inertia.order has 1 entries; expected 2"),
    ({"order": [0, 1, 2], "pairs": []}, "inertia.order has 3 entries; expected 2"),
    ({"order": [False, True], "pairs": []}, "must be an integer"),
    ({"order": ["0", "1"], "pairs": []}, "must be an integer"),
    ({"order": [0, 1], "pairs": [1]}, "inertia.pairs must be increasing, non-overlapping positions 0..n-2"),
    ({"order": [0, 1], "pairs": [-1]}, "inertia.pairs must be increasing"),
    ({"order": [0, 1], "pairs": [0, 0]}, "inertia.pairs must be increasing"),
    ({"order": [0, 1], "pairs": None}, "inertia.pairs must be a list"),
    # a 2x2 pivot needs a negative determinant: diag(4, 1) has determinant 4
    ({"order": [0, 1], "pairs": [0]}, "pivot 0 of the Hessian's elimination meets 0"),
])
def test_forged_pivot_orders(quartic, minimum, inertia_evidence, fragment):
    forged = _edit(minimum, evidence={"inertia": {"type": "interval_congruence", **inertia_evidence}})
    _rejects(forged, quartic, fragment)


def test_overlapping_pairs_in_three_variables():
    L = _landscape("-(x^2 - 2)^2 - (y - x)^2 - (z - y)^2", "x,y,z")
    cert = _genuine(L, SQRT2, 1, [[0, 1], [0, 1], [0, 1]])
    for pairs in ([0, 1], [1, 0], [2], [0, 2]):
        forged = _edit(cert, evidence={"inertia": {"type": "interval_congruence", "order": [0, 1, 2],
                                                   "pairs": pairs}})
        _rejects(forged, L, "inertia.pairs must be increasing, non-overlapping positions 0..n-2")
    # a pair on a negative definite block has a positive determinant: not a 2x2 pivot
    forged = _edit(cert, evidence={"inertia": {"type": "interval_congruence", "order": [0, 1, 2], "pairs": [1]}})
    _rejects(forged, L, "pivot 1 of the Hessian's elimination meets 0")


def test_inertia_off_by_one_at_the_saddle(quartic, saddle):
    for counts, kind in (((2, 0), "strict_local_min"), ((0, 2), "strict_local_max"), ((1, 0), "strict_saddle"),
                         ((2, 1), "strict_saddle"), ((1, 1), "strict_local_min"), ((1, 1), "strict_local_max")):
        forged = _edit(saddle, kind=kind, hessian_inertia={"positive": counts[0], "negative": counts[1], "zero": 0})
        _rejects(forged, quartic, "")
    _rejects(_edit(saddle, kind="strict_local_min"), quartic, "strict_local_min needs a positive definite Hessian")


# ---------------------------------------------------------------------------------------
# the value interval


def test_value_interval_just_above_or_just_below(quartic, minimum):
    # the loss at the minimum is exactly -1
    for lo, hi in (("-1", "-999/1000"), ("-1001/1000", "-1"),
                   (_text(Q(-1) + Q(1, 10**60)), "0"), ("-2", _text(Q(-1) - Q(1, 10**60))),
                   (_text(Q(-1) + Q(1, 10**15)), _text(Q(-1) + Q(1, 10**14))),
                   (_text(Q(-1) - Q(1, 10**14)), _text(Q(-1) - Q(1, 10**15)))):
        _rejects(_edit(minimum, value=[lo, hi]), quartic, "value: the loss at the box's critical point")
    # a wide interval with the true value inside is a true claim
    assert verify(_edit(minimum, value=["-2", "0"]), quartic) is True


def test_value_interval_of_the_wrong_critical_point(quartic, minimum, saddle):
    # the saddle's value (0) stated for the minimum's box, and the minimum's for the saddle's
    _rejects(_edit(minimum, value=saddle["value"]), quartic, "value: the loss at the box's critical point")
    _rejects(_edit(saddle, value=minimum["value"]), quartic, "value: the loss at the box's critical point")


# ---------------------------------------------------------------------------------------
# the loss: not a polynomial, or not the one the certificate was made for


@pytest.mark.parametrize("text, fragment", [
    ("tanh(x)^4/4 - x^2 + y^2/2", "an enclosure certificate needs a polynomial loss"),
    ("x^4/4 - x^2 + y^2/2 + tanh(y)^2 - tanh(y)^2 + exp(y) - exp(y) + sigmoid(x)",
     "an enclosure certificate needs a polynomial loss"),
    ("x^4/4 - x^2 + y^2/(1 + y^2)", "domain conditions"),
    ("(x^5/4 - x^3)/x + y^2/2", "domain conditions"),   # x^4/4 - x^2 + y^2/2 away from x = 0 only
    ("x^4/4 - x^2 + y^2/2 + 0/x", "domain conditions"),
    # ^ is right-associative: (y^2)^(1/2)^2 is (y^2)^(1/4) = |y|^(1/2), not smooth at y = 0
    ("x^4/4 - x^2 + (y^2)^(1/2)^2/2", "domain conditions"),
    ("x^4/4 - x^2 + relu(y)^2/2 + relu(-y)^2/2", "an enclosure certificate needs a polynomial loss"),
    ("x^4/4 - relu(x)^2 + y^2/2", "an enclosure certificate needs a polynomial loss"),
    ("x^4/4 - max(x, 0)^2 + y^2/2", "an enclosure certificate needs a polynomial loss"),
    ("x^4/4 - x^2 + abs(y)^3/2", "an enclosure certificate needs a polynomial loss"),
    ("x^4/4 - x^2 + leaky_relu(y, 1/2)^2/2", "an enclosure certificate needs a polynomial loss"),
])
def test_non_polynomial_losses(minimum, text, fragment):
    _rejects(minimum, _landscape(text), fragment)


def test_piecewise_sympy_losses(minimum):
    # a SymPy Piecewise equal to the quartic near (√2, 0) but not everywhere: refused, as is a
    # Heaviside sum; a Piecewise whose branches agree collapses to the polynomial (true claim)
    x, y = sympy.symbols("x y", real=True)
    q = x**4 / 4 - x**2 + y**2 / 2
    _rejects(minimum, Landscape.from_expression(sympy.Piecewise((q, x > 0), (q + x**3, True)), [x, y]),
             "an enclosure certificate needs a polynomial loss")
    _rejects(minimum, Landscape.from_expression(sympy.Heaviside(x) * q + sympy.Heaviside(-x) * (q - x**3), [x, y]),
             "an enclosure certificate needs a polynomial loss")
    assert verify(minimum, Landscape.from_expression(sympy.Piecewise((q, x > 0), (q, True)), [x, y])) is True


def test_the_same_polynomial_spelled_otherwise(minimum):
    # 2 + 0*x is the constant 2, abs(y)^2 is y^2 for real y: the certificate is true for these
    # and log(exp(P)) = P for real P
    for text in ("x^4/4 - x^2 + y^2/(2 + 0*x)", "x^4/4 - x^2 + abs(y)^2/2", "x^2*(x^2 - 4)/4 + y*y/2",
                 "log(exp(x^4/4 - x^2 + y^2/2))"):
        assert verify(minimum, _landscape(text)) is True


def test_certificate_moved_to_another_landscape(minimum, saddle):
    # a tilt of 10^-6 moves the minimum by about 2.5 * 10^-7, far outside the box (width about 2^-40)
    _rejects(minimum, _landscape(QUARTIC + " + x/1000000"), "coordinate 0 leaves it")
    # y^2/2 -> -y^2/2: (√2, 0) is still critical, now a saddle
    _rejects(minimum, _landscape("x^4/4 - x^2 - y^2/2"),
             "hessian_inertia.positive=2 but the certified elimination gives 1")
    # a constant shift keeps the point and the Hessian but not the value
    _rejects(minimum, _landscape(QUARTIC + " + 1/1000000"), "value: the loss at the box's critical point")
    # the variables swapped: the box now says y is near √2, where dL/dy = y is not 0
    _rejects(minimum, _landscape(QUARTIC, "y,x"), "coordinate 0 leaves it")
    # one more variable: the box has too few coordinates
    _rejects(minimum, _landscape(QUARTIC + " + z^2", "x,y,z"), "box has 2 entries; expected 3")
    # y dropped from the loss: every (√2, y) is critical, the Hessian diag(4, 0) is singular
    _rejects(minimum, _landscape("x^4/4 - x^2"),
             "not verified: the Hessian's enclosure on the box has a singular centre")
    # the saddle's box on a loss whose origin is a minimum
    _rejects(saddle, _landscape("x^4/4 + x^2 + y^2/2"),
             "hessian_inertia.positive=1 but the certified elimination gives 2")


def test_a_sign_assumption_does_not_change_the_loss_off_its_set():
    # FALSE CLAIM (found by this file; the enclosure kernel is not the cause): with a Symbol
    # declared positive, SymPy rewrites |x|^3/3 - x as x^3/3 - x before symlandscape sees it, and
    # from_expression records no domain condition x > 0.  A certificate that x = -1 is a strict
    # local maximum is then accepted, although for the loss as written (|x|^3/3 - x on the reals,
    # derivative -x^2 - 1 < 0 for x < 0) x = -1 is not even critical.  Correct behaviour: refuse
    # such Symbols in from_expression, or record x > 0 as a domain condition (then the polynomial
    # checkers refuse the landscape).
    x = sympy.Symbol("x", positive=True)
    try:
        L = Landscape.from_expression(sympy.Abs(x) ** 3 / 3 - x, [x])
    except InvalidArgument:
        return
    cert = {"type": "enclosure_classification", "kind": "strict_local_max", "box": [["-11/10", "-9/10"]],
            "value": ["0", "1"], "critical": True, "hessian_inertia": {"positive": 0, "negative": 1, "zero": 0},
            "evidence": {"inertia": {"type": "interval_congruence", "order": [0], "pairs": []}},
            "global_min": None, "global": None}
    with pytest.raises(CertificateError):
        verify(cert, L)


# ---------------------------------------------------------------------------------------
# the search side: a verified verdict names a point; that point must be the critical one


def test_classify_enclosure_refuses_a_point_that_is_not_critical(quartic):
    # FALSE CLAIM (found by this file; the kernel is not at fault, the search is): t = √(2 + 10^-20)
    # is not critical (dL/dx = t(t^2 - 2) = 10^-20 t ≠ 0), but the box built about it, about 2^-40
    # wide, also holds √2.  verify proves a true fact about that box, while classify_enclosure
    # returns a Verdict with verified=True saying that the point √(2 + 10^-20) is a strict local
    # minimum.  Its docstring promises an EvaluationError for a point that is not critical.
    g = flint.fmpq_poly([-(2 * 10**20 + 1), 0, 10**20])
    point = AlgebraicPoint(g, 1, [[0, 1], [0]])
    with pytest.raises((NotCriticalError, EvaluationError)):
        classify_enclosure(quartic, point)


# ---------------------------------------------------------------------------------------
# random edits of genuine certificates, judged against the known critical points


def _contains_root(lo, hi, sign):
    """Whether sign·√2 lies in [lo, hi] (exact)."""
    if sign > 0:
        return (lo <= 0 or lo * lo <= 2) and hi > 0 and hi * hi >= 2
    return (hi >= 0 or hi * hi <= 2) and lo < 0 and lo * lo >= 2


# the critical points of QUARTIC: (x in box?, inertia, value)
_QUARTIC_POINTS = (
    (lambda lo, hi: lo <= 0 <= hi, {"positive": 1, "negative": 1, "zero": 0}, Q(0)),
    (lambda lo, hi: _contains_root(lo, hi, 1), {"positive": 2, "negative": 0, "zero": 0}, Q(-1)),
    (lambda lo, hi: _contains_root(lo, hi, -1), {"positive": 2, "negative": 0, "zero": 0}, Q(-1)),
)


def _nearby(rng, q):
    q = Q(q)
    return q + Q(rng.randint(-9, 9), 2 ** rng.randint(0, 140))


def _mutate(rng, cert):
    forged = copy.deepcopy(cert)
    for _ in range(rng.randint(1, 3)):
        what = rng.randrange(8)
        if what == 0:
            i, j = rng.randrange(2), rng.randrange(2)
            forged["box"][i][j] = _text(_nearby(rng, forged["box"][i][j]))
        elif what == 1:
            i = rng.randrange(2)
            forged["box"][0][i] = _text(rng.choice((Q(0), Q(1), Q(-1), Q(3, 2), Q(-3, 2), Q(141, 100), Q(-71, 50))))
        elif what == 2:
            i = rng.randrange(2)
            forged["value"][i] = _text(_nearby(rng, forged["value"][i]))
        elif what == 3:
            forged["value"] = [_text(rng.choice((Q(-2), Q(-1), Q(0)))), _text(rng.choice((Q(-1), Q(0), Q(1))))]
        elif what == 4:
            forged["kind"] = rng.choice(("strict_local_min", "strict_local_max", "strict_saddle", "local_min"))
        elif what == 5:
            forged["hessian_inertia"] = {"positive": rng.randint(0, 2), "negative": rng.randint(0, 2),
                                         "zero": rng.choice((0, 0, 0, 1))}
        elif what == 6:
            forged["evidence"]["inertia"]["order"] = rng.choice(([0, 1], [1, 0], [0, 0], [1]))
            forged["evidence"]["inertia"]["pairs"] = rng.choice(([], [], [0], [1]))
        else:
            # a whole consistent claim for a randomly chosen critical point
            counts = rng.choice(_QUARTIC_POINTS)[1]
            forged["hessian_inertia"] = dict(counts)
            forged["kind"] = "strict_local_min" if not counts["negative"] else "strict_saddle"
    return forged


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_random_edits_are_accepted_only_when_true(quartic, minimum, saddle, seed):
    """A few hundred seeded random edits; the seed is the test's parameter (in its id)."""
    rng = random.Random(seed)
    starts = [minimum, saddle, _edit(minimum, box=_box((Q(5, 4), Q(3, 2)), (Q(-1, 2), Q(1, 2))), value=["-2", "0"]),
              _edit(saddle, box=_box((Q(-1, 2), Q(1, 2)), (Q(-1, 2), Q(1, 2))), value=["-1", "1"])]
    accepted = 0
    for trial in range(150):
        forged = _mutate(rng, rng.choice(starts))
        try:
            verify(forged, quartic)
        except CertificateError as exc:
            assert "\n" not in str(exc)
            continue
        accepted += 1
        (xlo, xhi), (ylo, yhi) = ((Q(lo), Q(hi)) for lo, hi in forged["box"])
        inside = [p for p in _QUARTIC_POINTS if p[0](xlo, xhi) and ylo <= 0 <= yhi]
        where = f"seed {seed}, trial {trial}: {forged}"
        assert len(inside) == 1, where
        _, counts, value = inside[0]
        assert forged["hessian_inertia"] == counts, where
        assert forged["kind"] == ("strict_local_min" if not counts["negative"] else "strict_saddle"), where
        assert _in(value, forged["value"]), where
    assert 0 < accepted < 150, (seed, accepted)


# ---------------------------------------------------------------------------------------
# differential test: u = θ - r, L = uᵀ A u + b u_0^4, all critical points known in closed form


def _critical_points(A, b, n):
    """Every critical point of uᵀAu + b u_0^4 as (c, k): u = k √c (c = 0 for u = 0).

    ∇ = 2Au + 4b u_0^3 e_0 = 0 gives u = -2b u_0^3 A⁻¹e_0, so u_0 = 0 (then u = 0) or
    u_0^2 = c = -1/(2b (A⁻¹)_00) when that is positive; then u = -2bc u_0 A⁻¹e_0 = ±√c k,
    k = -2bc A⁻¹e_0 (k_0 = 1).
    """
    M = flint.fmpq_mat(A).inv()
    points = [(Q(0), [Q(0)] * n, 1)]
    c = -1 / (2 * b * M[0, 0]) if M[0, 0] != 0 else Q(-1)
    if c > 0:
        k = [-2 * b * c * M[i, 0] for i in range(n)]
        assert k[0] == 1
        points += [(c, k, 1), (c, k, -1)]
    return points


def _coordinate_in(c, k, sign, lo, hi):
    """Whether sign·k·√c lies in [lo, hi] (exact: compare squares with signs)."""
    def at_least(q):   # sign*k*√c >= q ?
        s = sign * k
        if s >= 0:
            return q <= 0 or s * s * c >= q * q
        return q <= 0 and s * s * c <= q * q

    def at_most(q):    # sign*k*√c <= q ?
        s = sign * k
        if s <= 0:
            return q >= 0 or s * s * c >= q * q
        return q >= 0 and s * s * c <= q * q

    return at_least(lo) and at_most(hi)


def _approximation(c, k, sign, bits):
    """A rational within about 2^-bits (1 + |k|) of sign·k·√c."""
    from math import isqrt

    scale = 2**bits
    root = Q(isqrt(int(c.p) * int(c.q) * scale * scale), int(c.q) * scale)   # √c to within 1/(q·2^bits)
    return sign * k * root


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6, 7, 8])
def test_differential_random_quartics(seed):
    """Random boxes and claims against the closed form; the seed is the test's parameter (in its id)."""
    rng = random.Random(seed)
    n = rng.choice((2, 3))
    names = ["a", "b", "c"][:n]
    while True:
        A = [[Q(0)] * n for _ in range(n)]
        for i in range(n):
            for j in range(i, n):
                A[i][j] = A[j][i] = Q(rng.randint(-9, 9), rng.randint(1, 4))
        M = flint.fmpq_mat(A)
        if M.det() != 0 and M.inv()[0, 0] != 0:
            break
    # even seeds: b (A⁻¹)_00 < 0, so that two more critical points exist (see _critical_points)
    b = Q(rng.randint(1, 9), rng.randint(1, 9))
    if (seed % 2 == 0) == (M.inv()[0, 0] > 0):
        b = -b
    r = [Q(rng.randint(-20, 20), rng.randint(1, 7)) for _ in range(n)]
    u = [f"({v} - ({_text(ri)}))" for v, ri in zip(names, r)]
    text = " + ".join(f"({_text(A[i][j])})*{u[i]}*{u[j]}" for i in range(n) for j in range(n))
    text += f" + ({_text(b)})*{u[0]}^4"
    L = _landscape(text, ",".join(names))
    truth = []
    for c, k, sign in _critical_points(A, b, n):
        # the exact Hessian there: 2A + 12 b c e_0e_0ᵀ (u_0^2 = c); the value c kᵀAk + b c^2
        H = [[2 * A[i][j] + (12 * b * c if i == j == 0 else 0) for j in range(n)] for i in range(n)]
        counts = inertia([[sympy.Rational(int(x.p), int(x.q)) for x in row] for row in H]).as_dict()
        value = c * sum(k[i] * A[i][j] * k[j] for i in range(n) for j in range(n)) + b * c * c
        truth.append((c, k, sign, counts, value))
    assert len(truth) == (3 if seed % 2 == 0 else 1)
    genuine = _genuine(L, T, 0, [[ri] for ri in r])
    assert verify(genuine, L) is True
    assert genuine["hessian_inertia"] == truth[0][3]              # independent: exact inertia of 2A
    assert _in(Q(0), genuine["value"])
    outcomes = {"accepted": 0, "rejected": 0, "accepted_other": 0}
    for trial in range(40):
        target = truth[rng.randrange(len(truth))]
        c, k, sign = target[:3]
        centre = [ri + _approximation(c, ki, sign, 80) for ri, ki in zip(r, k)]
        shape = trial % 4
        if shape == 1:    # a random box anywhere near
            centre = [ci + Q(rng.randint(-40, 40), rng.randint(1, 40)) for ci in centre]
        e = rng.randint(0, 30)
        widths = [Q(rng.randint(1, 9), 9 * 2 ** (e + rng.randint(0, 3))) for _ in range(n)]
        box = [(ci - w * Q(rng.randint(1, 9), 10), ci + w * Q(rng.randint(1, 9), 10)) for ci, w in zip(centre, widths)]
        if shape == 2:    # the target just outside the box, by 2^-60 in one coordinate
            i = rng.randrange(n)
            box[i] = (centre[i] + Q(1, 2**60), centre[i] + widths[i]) if rng.random() < 0.5 else \
                (centre[i] - widths[i], centre[i] - Q(1, 2**60))
        if shape == 3:    # a box about two critical points (or about r alone when there is one)
            other = truth[-1]
            far = [ri + _approximation(other[0], ki, other[2], 80) for ri, ki in zip(r, other[1])]
            box = [(min(x, y) - w, max(x, y) + w) for x, y, w in zip(r, far, widths)]
        inside = [t for t in truth
                  if all(_coordinate_in(t[0], t[1][i], t[2], box[i][0] - r[i], box[i][1] - r[i]) for i in range(n))]
        # a value interval about the target's value, that sometimes excludes it; the loss on a box of
        # width 2^-e is known to about 2^-2e
        v, scale = target[4], 2 ** max(0, 2 * e - rng.randint(-2, 14))
        value = [_text(v - Q(rng.randint(-1, 8), scale)), _text(v + Q(rng.randint(-1, 8), scale))]
        if Q(value[0]) > Q(value[1]):
            value.reverse()
        for positive in range(n + 1):
            negative = n - positive
            kind = "strict_local_min" if not negative else "strict_local_max" if not positive else "strict_saddle"
            forged = _edit(genuine, box=_box(*box), value=value, kind=kind,
                           hessian_inertia={"positive": positive, "negative": negative, "zero": 0})
            try:
                verify(forged, L)
            except CertificateError as exc:
                assert "\n" not in str(exc)
                outcomes["rejected"] += 1
                continue
            outcomes["accepted"] += 1
            # accepted: exactly one critical point in the box, with the stated inertia and a value inside
            where = f"seed {seed}, trial {trial}, box {box}"
            assert len(inside) == 1, f"{where}: accepted a box holding {len(inside)} critical points"
            c, k, sign, counts, true_value = inside[0]
            outcomes["accepted_other"] += c != 0
            assert counts == {"positive": positive, "negative": negative, "zero": 0}, where
            assert _in(true_value, value), f"{where}: value {true_value} outside {value}"
    # the test must exercise both outcomes, and with three critical points accept boxes about each kind
    assert outcomes["accepted"] and outcomes["rejected"], (seed, outcomes)
    assert outcomes["accepted_other"] or len(truth) == 1, (seed, outcomes)


# ---------------------------------------------------------------------------------------
# resources


def test_sixty_variables_verify_quickly():
    # sum (x_i - i/7)^2 + sum x_i x_{i+1}/4: Hessian 2I + (1/4)(shift + shiftᵀ), diagonally dominant
    # (2 > 1/4 + 1/4): positive definite; the gradient 2(x - r) + (1/4)(neighbours) vanishes at a
    # rational point found below by solving the linear system exactly
    n = 60
    names = [f"x{i}" for i in range(n)]
    text = " + ".join(f"({v} - {i}/7)^2" for i, v in enumerate(names)) + " + " + " + ".join(
        f"{names[i]}*{names[i + 1]}/4" for i in range(n - 1))
    L = _landscape(text, ",".join(names))
    H = flint.fmpq_mat(n, n, [2 if i == j else Q(1, 4) if abs(i - j) == 1 else 0 for i in range(n) for j in range(n)])
    rhs = flint.fmpq_mat(n, 1, [2 * Q(i, 7) for i in range(n)])
    point = H.solve(rhs)
    start = time.perf_counter()
    cert = _genuine(L, T, 0, [[point[i, 0]] for i in range(n)])
    built = time.perf_counter() - start
    start = time.perf_counter()
    assert verify(cert, L) is True
    checked = time.perf_counter() - start
    assert cert["hessian_inertia"] == {"positive": n, "negative": 0, "zero": 0}
    print(f"60 variables: certificate built in {built:.2f} s, checked in {checked:.2f} s")
    assert built < 10 and checked < 5, (built, checked)
    # the same certificate claiming one negative eigenvalue is refused
    forged = _edit(cert, kind="strict_saddle", hessian_inertia={"positive": n - 1, "negative": 1, "zero": 0})
    _rejects(forged, L, f"hessian_inertia.positive={n - 1} but the certified elimination gives {n}")


def test_max_seconds_bounds_the_check(minimum):
    # a box too wide on a loss with many terms: every precision up to the bound is tried (about 2 s
    # here) unless the time bound stops it first; the bound is checked for each row of the Hessian
    n = 12
    names = [f"x{i}" for i in range(n)]
    L = _landscape("(" + " + ".join(names) + ")^6 + " + " + ".join(f"{v}^2" for v in names), ",".join(names))
    cert = _edit(minimum, box=[["-1", "1"]] * n, value=["-1", "1"],
                 hessian_inertia={"positive": n, "negative": 0, "zero": 0},
                 evidence={"inertia": {"type": "interval_congruence", "order": list(range(n)), "pairs": []}})
    start = time.perf_counter()
    with budget.limits(max_seconds=0.3):
        _rejects(cert, L, "on the box did not finish within 0.3 s")
    assert time.perf_counter() - start < 1.5
