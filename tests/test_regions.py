"""Activation regions at a kink: which patterns are adjacent pieces, and the check of the proof."""

import copy
import itertools
from fractions import Fraction

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symlandscape import Landscape, mlp
from symlandscape.errors import CertificateError, EvaluationError
from symlandscape.piecewise import find_pieces
from symlandscape.regions import Kinks, check_pieces


def fail(message):
    raise CertificateError(message)


def read_rational(data, name):
    import flint

    return flint.fmpq(data) if isinstance(data, str) else flint.fmpq(int(data))


def read_polynomial(text, name, ctx):
    from symlandscape import jets
    from symlandscape.expression import parse_expression

    return jets.polynomial(parse_expression(text), _VARS[0], ctx)


_VARS = [()]


def proven(loss, names, point):
    L = Landscape.from_expression(loss, names)
    kinks = Kinks(L.expression, L.variables, point)
    certificate, proofs = find_pieces(kinks)
    _VARS[0] = L.variables
    checked = check_pieces(copy.deepcopy(certificate), kinks, read_rational, read_polynomial, fail)
    assert [p.pattern for p in checked] == [p.pattern for p in proofs]
    return L, kinks, certificate, checked


@pytest.mark.parametrize("loss, names, point, pieces, smooth_form", [
    # relu(x) - relu(-x) = x: {x >= 0, -x >= 0} and {-x >= 0, x >= 0}... two patterns are the point only
    ("relu(x) - relu(-x)", "x", [0], 2, "x"),
    ("relu(x) - relu(2*x) + 2*x", "x", [0], 2, None),
    ("1/2*((v*relu(w) - 1)^2 + (v*relu(-w) + 1)^2)", "w,v", [0, 1], 2, "1/2*(v*w - 1)^2 + 1/2"),
    # relu((x - y)^2): the inactive branch is the line x = y only
    ("relu(x^2 - 2*x*y + y^2) - y^2", "x,y", [0, 0], 1, "x^2 - 2*x*y"),
    ("relu(x^2) + y^2", "x,y", [0, 0], 1, "x^2 + y^2"),
    ("max(x, y, 0) - min(x, y)", "x,y", [0, 0], 4, None),
])
def test_adjacent_pieces_of_the_textbook_rows(loss, names, point, pieces, smooth_form):
    L, kinks, certificate, checked = proven(loss, names, point)
    assert len(checked) == pieces
    if smooth_form is not None:
        # where the function is one polynomial, every adjacent piece is that polynomial
        target = Landscape.from_expression(smooth_form, names).expression
        assert all(sympy.expand(p.expression - target) == 0 for p in checked)


def test_scp16_kink_has_the_two_half_spaces():
    L = mlp([[-1, 1, 3, 4, 5]], [[3, -3, 0, 1, 2]], hidden=[1], variables="w,b,v,c")
    _, kinks, certificate, checked = proven_landscape(L, [1, -3, 1, 0])
    assert len(checked) == 2 and not certificate["empty"]


def proven_landscape(L, point):
    kinks = Kinks(L.expression, L.variables, point)
    certificate, proofs = find_pieces(kinks)
    _VARS[0] = L.variables
    return L, kinks, certificate, check_pieces(copy.deepcopy(certificate), kinks, read_rational,
                                               read_polynomial, fail)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.fractions(min_value=-5, max_value=5, max_denominator=3), min_size=1, max_size=6, unique=True))
def test_samples_on_one_kink_give_the_sectors(xs):
    # one ReLU unit with input x_s w + b on each sample, all on the kink at (w, b) = 0: the lines
    # x_s w + b = 0 through the origin cut the (w, b)-plane into 2k sectors (k distinct x_s), one
    # adjacent piece each.  Independently: the sign patterns of the directions (±1, b) with b
    # between and beyond the slopes -x_s are exactly the sectors'
    xs = [Fraction(v) for v in xs]
    L = mlp([[str(v) for v in xs]], [[1] * len(xs)], hidden=[1], variables=["w", "b", "v", "c"])
    _, kinks, certificate, checked = proven_landscape(L, [0, 0, 1, 0])
    realised = set()
    for w in (1, -1):
        cuts = sorted(-v * w for v in xs)  # x_s w + b changes sign at b = -x_s w
        for b in [cuts[0] - 1, cuts[-1] + 1] + [(a + c) / 2 for a, c in zip(cuts, cuts[1:])]:
            realised.add(tuple(w * v + b > 0 for v in xs))
    assert len(checked) == len(realised) == 2 * len(xs)


def test_forged_pieces_certificates_are_rejected():
    L, kinks, certificate, checked = proven("relu(x) - relu(-x) + y^2", "x,y", [0, 0])
    assert len(certificate["full"]) == 2 and len(certificate["empty"]) == 2

    def rejected(mutate, match):
        bad = copy.deepcopy(certificate)
        mutate(bad)
        with pytest.raises(CertificateError, match=match):
            check_pieces(bad, kinks, read_rational, read_polynomial, fail)

    # a pattern left out: the pieces no longer cover a neighbourhood
    rejected(lambda c: c["full"].pop(), "neither listed")
    # a lower-dimensional pattern claimed as a piece: its interior curve leaves the region
    def claim_the_point(c):
        empty = c["empty"].pop(0)
        c["full"].append({"pattern": empty["prefix"], "interior": [["1", "0"]]})
    rejected(claim_the_point, "not positive along the interior curve|not reached")
    # an interior curve pointing outside
    def flip(c):
        entry = c["full"][0]["interior"][0]
        entry[0] = str(-Fraction(entry[0]))
    rejected(flip, "not positive")
    # an emptiness proof with a wrong multiplier, a negative one, or a square that breaks the identity
    rejected(lambda c: c["empty"][0]["multipliers"].__setitem__(0, "2"), "not identically zero")
    rejected(lambda c: c["empty"][0].__setitem__("multipliers", ["-1", "-1"]), ">= 0")
    rejected(lambda c: c["empty"][0]["squares"].append({"coefficient": "1", "polynomial": "y"}), "not identically zero")
    rejected(lambda c: c["empty"][0].__setitem__("multipliers", ["0", "0"]), "some multiplier must be positive")
    # a duplicate, and a branch that is not active
    rejected(lambda c: c["full"].append(copy.deepcopy(c["full"][0])), "twice")
    rejected(lambda c: c["full"].append({"pattern": [2, 0], "interior": [["1", "0"]]}), "not reached")


def test_a_square_proves_a_curved_region_empty():
    # relu((x - y)^2) inactive: -(x - y)^2 >= 0 only on the line x = y; the proof is 1·g + (x - y)^2 = 0
    _, kinks, certificate, checked = proven("relu(x^2 - 2*x*y + y^2) - y^2", "x,y", [0, 0])
    (entry,) = certificate["empty"]
    assert entry["multipliers"] == ["1"] and len(entry["squares"]) == 1


def test_an_undecidable_region_is_said_so():
    # relu(x^3 - y^2*x): the binding constraint has zero gradient, and neither the axes nor the
    # random lines tried... x^3 - x y^2 = x (x - y)(x + y) changes sign on lines: decided
    _, kinks, certificate, checked = proven("relu(x^3 - x*y^2)", "x,y", [0, 0])
    assert len(checked) == 2
    # relu(-(x^2 + y^2)^2): active only at the origin, and the square root of the emptiness
    # proof is found by factoring; relu(x^4 + y^4 - x^2 y^2 ...) with no factorisation is undecided
    _, kinks, certificate, checked = proven("relu(-(x^2 + y^2)^2) + x", "x,y", [0, 0])
    assert len(checked) == 1
    L = Landscape.from_expression("relu(-(x^4 + y^4 - x^2*y^2)) + x", "x,y")
    with pytest.raises(EvaluationError, match="cannot decide"):
        find_pieces(Kinks(L.expression, L.variables, [0, 0]))


def test_kinks_report_active_branches():
    L = Landscape.from_expression("relu(x) + abs(y - 1) + max(x, y, 1)", "x,y")
    kinks = Kinks(L.expression, L.variables, [0, 1])
    active = {str(u): a for u, a in zip(kinks.kink_units, kinks.active)}
    # max(1, x, y) at (0, 1): the arguments 1 and y tie for the largest, x does not
    assert active == {"relu(x)": (0, 1), "Abs(y - 1)": (0, 1), "Max(1, x, y)": (0, 2)}
    assert len(list(itertools.product(*kinks.active))) == 8
