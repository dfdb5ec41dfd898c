"""Forged certificates: false claims in a structurally valid form, each rejected by ``verify`` and the CLI.

Every forgery states something false about a point — a kind, a value, criticality, an inertia,
a global claim or one sub-certificate's fact — with the right types, lengths and canonical
forms, so that only the mathematics can reject it.  Most are made at run time from a *true*
certificate that ``classify`` gives for another landscape (its control: it must verify there),
transplanted to a landscape where it is false, or with one field changed.  Certificates of kink
points are only ever built by mutating ``classify``'s own output (their format is changing:
evidence proving which pieces are full-dimensional is being added), and every mutation checks
that what it changes is there: when the format moves under it, the forgery fails loudly
(``pytest.fail``) instead of passing because of a structural mismatch.

Three tests run the corpus:

- ``test_forgery_states_a_false_claim``: an independent sanity check that the claim is false —
  exact values ``L.value(p)`` at nearby rational points, SymPy derivatives of the loss's
  expression, one-sided slopes — never ``classify`` or ``verify``;
- ``test_verify_rejects_the_forgery``: ``verify`` raises ``CertificateError``;
- ``test_the_cli_rejects_the_forgery``: ``symlandscape verify FILE --loss ... --vars ...`` exits 1,
  "certificate rejected" (a duplicate JSON key included: the file is a certificate that lies).

``test_the_corpus_covers_every_type`` counts the forgeries per type (at least ``MIN_PER_TYPE``).
"""

from __future__ import annotations

import copy
import functools
import itertools
import json
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from typing import Callable

import pytest
import sympy

from symlandscape import CertificateError, Landscape, deep_linear, mlp
from symlandscape.classify import classify
from symlandscape.eckart_young import certificate as eckart_young_bound
from symlandscape.cli import main as cli_main
from symlandscape.verify import verify

#: Every forgery type, in the order of verify's docstring; each needs MIN_PER_TYPE forgeries.
TYPES = (
    "gradient",            # evidence.gradient of a not_critical point
    "critical",            # evidence.critical: the gradient is zero
    "congruence",          # evidence.inertia: order, diagonal, pairs, rows
    "indefinite",          # evidence.indefinite: u, Hu, uHu, v, Hv, vHv
    "curve",               # evidence.descent / evidence.ascent
    "sos",                 # evidence.minimum / maximum on the region "everywhere"
    "pieces",              # evidence.minimum / maximum, one sos per adjacent piece at a kink
    "clarke",              # evidence.clarke: 0 in the hull of the pieces' gradients
    "separation",          # evidence.separation: not critical at a kink
    "pieces_proof",        # evidence.pieces: which activation regions are full-dimensional (new format)
    "witness",             # global: a lower point (global_min false)
    "global_lower_bound",  # global: a sum of squares everywhere (global_min true)
    "structural_lower_bound",  # global: a constant plus terms nonnegative by their form (global_min true)
    "eckart_young",        # global / evidence.minimum: the Eckart-Young optimum of a deep linear network
    "ball_sos",            # evidence.minimum / maximum: a sum of squares on a ball around the point
    "algebraic_classification",  # a whole certificate at a real algebraic point (field, point, value, inertia)
    "kind",                # top-level fields
    "value",
    "critical_flag",
    "hessian_inertia",
    "global_min",
    "cli_output",          # what only the CLI reads: a whole `classify --format json` output, duplicate keys
)
MIN_PER_TYPE = 3

I = "(-1)^(1/2)"  # the imaginary unit in the expression grammar


@dataclass(frozen=True)
class Forgery:
    id: str
    type: str
    loss: str                         # the landscape the certificate is checked against (CLI --loss)
    variables: str                    # CLI --vars
    build: Callable[[], object]       # the certificate (dict), or raw JSON text when ``raw``
    false_because: Callable[[object], None]  # asserts, independently, that the claim is false
    raw: bool = False                 # text for the CLI only (duplicate keys cannot live in a dict)
    network: Callable[[], object] | None = None  # the landscape as a network, when it is one


FORGERIES: list[Forgery] = []


def forgery(type_, loss, variables, false_because, *, id=None, raw=False, network=None):
    """Register the decorated builder as a forgery of ``type_`` checked against ``loss``."""
    assert type_ in TYPES, type_

    def register(build):
        FORGERIES.append(Forgery(id or build.__name__.replace("_", "-"), type_, loss, variables, build,
                                 false_because, raw, network))
        return build

    return register


# ---------------------------------------------------------------------------------------
# sources: true certificates from classify, each with its control


@functools.lru_cache(maxsize=None)
def landscape(loss, variables):
    return Landscape.from_expression(loss, variables)


@functools.lru_cache(maxsize=None)
def _classified(loss, variables, point, network=None):
    L = network() if network is not None else landscape(loss, variables)
    return L, classify(L, point)


def source(loss, variables, point, kinds, *, network=None, whole=False):
    """A deep copy of classify's certificate for a TRUE claim, after its control.

    ``kinds``: the kind(s) the source must have (derived by hand in the caller's comment); the
    control is that ``verify`` accepts it on its own landscape.  If either fails, the forgery
    built from it no longer means what it says: fail loudly.
    """
    L, verdict = _classified(loss, variables, tuple(str(Fraction(v)) for v in point), network)
    kinds = (kinds,) if isinstance(kinds, str) else kinds
    if verdict.kind not in kinds:
        pytest.fail(f"source {loss} at {point}: classify says {verdict.kind}, the forgery expects {kinds}")
    if verify(verdict.certificate, L) is not True:  # pragma: no cover - verify returns True or raises
        pytest.fail(f"source {loss} at {point}: its certificate does not verify")
    return copy.deepcopy(verdict.to_dict() if whole else verdict.certificate)


def need(condition, message):
    """A mutation's precondition: when the certificate format moved, fail instead of passing."""
    if not condition:
        pytest.fail(f"the forgery no longer applies (the certificate format changed?): {message}")


def evidence(cert, key):
    need(isinstance(cert.get("evidence"), dict) and key in cert["evidence"],
         f"the source certificate has no evidence.{key}: {sorted(cert.get('evidence') or ())}")
    return cert["evidence"][key]


def keep_evidence(cert, drop):
    """Evidence without the keys in ``drop`` (entries this file does not know about are kept)."""
    return {k: v for k, v in cert["evidence"].items() if k not in drop}


def weight_entries(sub):
    entries = sub.get("weights")
    need(isinstance(entries, list) and entries and all(
        isinstance(e, dict) and isinstance(e.get("pattern"), list) and "weight" in e for e in entries),
        f"weights is not a list of {{pattern, weight}}: {entries!r}")
    return entries


def sos_pieces(sub):
    need(sub.get("type") == "pieces" and isinstance(sub.get("pieces"), list) and sub["pieces"],
         f"not a per-piece sum of squares: {str(sub)[:200]}")
    for entry in sub["pieces"]:
        need(isinstance(entry.get("region"), dict) and isinstance(entry["region"].get("pattern"), list),
             f"a piece entry without region.pattern: {str(entry)[:200]}")
    return sub["pieces"]


def pattern_product(patterns):
    """Every combination of the labels seen at each position of ``patterns`` (sorted).

    With the adjacent pieces listed, the combinations that are not listed are the
    lower-dimensional (or empty) patterns: a weight or a region moved there names no piece.
    """
    patterns = [tuple(p) for p in patterns]
    need(patterns and len({len(p) for p in patterns}) == 1, f"patterns of different lengths: {patterns}")
    labels = [sorted({p[i] for p in patterns}) for i in range(len(patterns[0]))]
    return sorted(itertools.product(*labels))


def nonexistent_pattern(patterns):
    """A pattern of the right length and label type that names no branch: one label past the
    last at every position (integers), or "nowhere" (names)."""
    patterns = [tuple(p) for p in patterns]
    need(patterns and len({len(p) for p in patterns}) == 1, f"patterns of different lengths: {patterns}")
    result = []
    for i in range(len(patterns[0])):
        labels = {p[i] for p in patterns}
        if all(isinstance(v, int) and not isinstance(v, bool) for v in labels):
            result.append(max(labels) + 1)
        else:
            need(all(isinstance(v, str) for v in labels), f"labels of mixed types: {labels}")
            result.append("nowhere")
    return result


def put_all_weight_on(sub, pattern):
    entries = weight_entries(sub)
    for e in entries:
        e["weight"] = "0"
    for e in entries:
        if tuple(e["pattern"]) == tuple(pattern):
            e["weight"] = "1"
            return sub
    entries.append({"pattern": list(pattern), "weight": "1"})
    return sub


def curve(directions, coefficients, order):
    """A curve sub-certificate with hand-derived Taylor coefficients (never computed here)."""
    return {"type": "curve", "curve": [[str(c) for c in d] for d in directions], "order": order,
            "coefficients": [str(c) for c in coefficients]}


def no_global(cert):
    cert["global_min"] = None
    cert["global"] = None
    return cert


# ---------------------------------------------------------------------------------------
# independent facts about the landscapes: exact values at rational points, SymPy derivatives


def F(x):
    return Fraction(str(x))


def value(L, p):
    v = L.value([F(x) for x in p])
    assert v.is_real and v.is_finite, v
    return v


def shifted(p0, d, t):
    return [F(a) + t * F(b) for a, b in zip(p0, d)]


#: Steps t = 10^-k: small enough for every landscape here, whose coefficients are small.
STEPS = [Fraction(1, 10**k) for k in (3, 6, 9)]


def descends(L, p0, d, *, than=None):
    """L(p0 + t d) < L(p0) (or < ``than``) at every step: p0 is not a local minimum."""
    base = value(L, p0) if than is None else than
    for t in STEPS:
        assert value(L, shifted(p0, d, t)) < base, (p0, d, t)


def ascends(L, p0, d, *, than=None):
    base = value(L, p0) if than is None else than
    for t in STEPS:
        assert value(L, shifted(p0, d, t)) > base, (p0, d, t)


#: Directions for the sphere checks: every integer vector in [-2, 2]^n but 0.
def directions(n):
    return [d for d in itertools.product(range(-2, 3), repeat=n) if any(d)]


def nowhere_below(L, p0, *, strict=False, radii=(Fraction(1, 10**3), Fraction(1, 10**6))):
    """On small spheres around p0 no sampled point is below L(p0) (a sanity check, not a proof)."""
    base = value(L, p0)
    for r in radii:
        for d in directions(len(p0)):
            v = value(L, shifted(p0, d, r))
            assert v > base if strict else v >= base, (p0, d, r)


def nowhere_above(L, p0, *, strict=False, radii=(Fraction(1, 10**3), Fraction(1, 10**6))):
    base = value(L, p0)
    for r in radii:
        for d in directions(len(p0)):
            v = value(L, shifted(p0, d, r))
            assert v < base if strict else v <= base, (p0, d, r)


def sympy_derivatives(L, p0):
    """Gradient and Hessian of the loss's SymPy expression at p0 (a smooth loss), by sympy.diff."""
    expr, xs = L.expression, L.variables
    subs = dict(zip(xs, (sympy.Rational(str(F(v))) for v in p0)))
    gradient = [sympy.diff(expr, x).subs(subs) for x in xs]
    hessian = sympy.Matrix(len(xs), len(xs), lambda i, j: sympy.diff(expr, xs[i], xs[j]).subs(subs))
    return gradient, hessian


def critical(L, p0):
    gradient, _ = sympy_derivatives(L, p0)
    assert all(sympy.simplify(g) == 0 for g in gradient), gradient


def not_critical(L, p0):
    gradient, _ = sympy_derivatives(L, p0)
    assert any(sympy.simplify(g) != 0 for g in gradient), gradient


def hessian_signs(L, p0):
    """(positive, negative, zero) eigenvalue counts of the SymPy Hessian (exact algebraic numbers)."""
    _, H = sympy_derivatives(L, p0)
    counts = [0, 0, 0]
    for eigenvalue, multiplicity in H.eigenvals().items():
        signs = (eigenvalue.is_positive, eigenvalue.is_negative, eigenvalue.is_zero)
        assert signs.count(True) == 1, (H, eigenvalue)
        counts[signs.index(True)] += multiplicity
    return tuple(counts)


def inertia_is(signs):
    def check(L, point=(0, 0)):
        assert hessian_signs(L, point) == signs
    return check


def slopes_along(L, p0, d):
    """The one-sided slope of a loss that is linear along p0 + t d for small t > 0, exactly.

    Two steps must give the same difference quotient (the restriction is linear there): the
    check that the quotient is the slope, not an approximation of it.
    """
    quotients = {(value(L, shifted(p0, d, t)) - value(L, p0)) / sympy.Rational(str(t)) for t in STEPS[1:]}
    assert len(quotients) == 1, quotients
    return quotients.pop()


def not_clarke_critical_1d(L, p0, axis=0):
    """A loss that is piecewise linear in one coordinate near p0, split only at that coordinate
    (the regions x_axis >= 0 and <= 0): Clarke's subdifferential is the segment between the
    one-sided slopes; 0 is outside when both have the same strict sign."""
    e = [0] * len(p0)
    e[axis] = 1
    right = slopes_along(L, p0, e)
    left = -slopes_along(L, p0, [-v for v in e])
    assert right * left > 0, (left, right)


def clarke_critical_1d(L, p0, axis=0):
    e = [0] * len(p0)
    e[axis] = 1
    right = slopes_along(L, p0, e)
    left = -slopes_along(L, p0, [-v for v in e])
    assert right * left <= 0, (left, right)


def equals_everywhere_sampled(L, closed_form, variables, points):
    """L equals a closed form at the given rational points (both sides of every kink)."""
    xs = sympy.symbols(variables, real=True)
    form = sympy.sympify(closed_form, locals={str(x): x for x in xs})
    for p in points:
        assert value(L, p) == form.subs(dict(zip(xs, (sympy.Rational(str(F(v))) for v in p)))), p


# ---------------------------------------------------------------------------------------
# gradient: "not critical", at points where the gradient is zero

@forgery("gradient", "x^2 + y^2 - 2*x - 4*y", "x,y", lambda L: critical(L, (1, 2)))
def gradient_of_the_bowl_on_the_shifted_bowl():
    # x^2 + y^2 at (1, 2) has gradient (2, 4); x^2 + y^2 - 2x - 4y has its minimum there (value -5)
    cert = no_global(source("x^2 + y^2", "x,y", (1, 2), "not_critical"))
    cert["value"] = "-5"
    return cert


@forgery("gradient", "x^2 + y^2 - 2*x", "x,y", lambda L: critical(L, (1, 0)))
def gradient_of_the_bowl_with_a_linear_term_added():
    cert = no_global(source("x^2 + y^2", "x,y", (1, 0), "not_critical"))
    cert["value"] = "-1"
    return cert


@forgery("gradient", "x^2 + y^2", "x,y", lambda L: critical(L, (0, 0)))
def gradient_ten_to_the_minus_40_at_the_minimum():
    cert = no_global(source("x^2 + y^2", "x,y", (1, 0), "not_critical"))
    cert["point"], cert["value"] = ["0", "0"], "0"
    evidence(cert, "gradient")["gradient"] = ["1/" + "1" + "0" * 40, "0"]
    return cert


@forgery("gradient", "x^2 + y^2", "x,y", lambda L: critical(L, (0, 0)))
def gradient_imaginary_at_the_minimum():
    cert = no_global(source("x^2 + y^2", "x,y", (1, 0), "not_critical"))
    cert["point"], cert["value"] = ["0", "0"], "0"
    evidence(cert, "gradient")["gradient"] = [I, "0"]
    return cert


@forgery("gradient", "exp(x) - x", "x", lambda L: critical(L, (0,)))
def gradient_zero_in_disguise():
    # exp(x) - x at 0: the derivative e^0 - 1 = 0; the stated exp(1/2)^2 - exp(1) is zero as well
    cert = no_global(source("exp(x) - x", "x", (1,), "not_critical"))
    cert["point"], cert["value"] = ["0"], "1"
    evidence(cert, "gradient")["gradient"] = ["exp(1/2)^2 - exp(1)"]
    return cert


# ---------------------------------------------------------------------------------------
# critical: "the gradient is zero", where it is not

@forgery("critical", "(1 - w1*w2)^2 + w1/1000", "w1,w2", lambda L: not_critical(L, (0, 0)))
def lee_saddle_on_a_tilted_lee():
    # the Hessian is unchanged ([[0, -2], [-2, 0]]), so congruence and indefinite still hold;
    # the witness (1, 1) has value 1/1000 < 1 as well
    return source("(1 - w1*w2)^2", "w1,w2", (0, 0), "strict_saddle")


@forgery("critical", "x^2 + y^2 + x/" + "1" + "0" * 30, "x,y", lambda L: not_critical(L, (0, 0)))
def bowl_minimum_on_a_bowl_tilted_by_ten_to_the_minus_30():
    return no_global(source("x^2 + y^2", "x,y", (0, 0), "strict_local_min"))


@forgery("critical", "x^2 - y^4 + y/1000000", "x,y", lambda L: not_critical(L, (0, 0)))
def degenerate_saddle_on_a_tilted_quartic():
    # both curves restated for the tilted loss (by hand): along (0, -1): -t/10^6 - t^4;
    # along (1, 0): t^2.  Only criticality is false.
    cert = no_global(source("x^2 - y^4", "x,y", (0, 0), "degenerate_saddle"))
    cert["evidence"]["descent"] = curve([(0, -1)], [0, "-1/1000000", 0, 0, -1], 1)
    cert["evidence"]["ascent"] = curve([(1, 0)], [0, 0, 1, 0, 0], 2)
    return cert


@forgery("critical", "relu(x)^2 + y^2 + x/1000", "x,y", lambda L: descends(L, (0, 0), (-1, 0)))
def smooth_kink_minimum_on_a_tilted_kink():
    # relu(x)^2 + y^2 is differentiable at 0 (gradient 0): its certificate says "critical";
    # adding x/1000 makes the gradient (1/1000, 0)
    return source("relu(x)^2 + y^2", "x,y", (0, 0), ("local_min", "strict_local_min"))


# ---------------------------------------------------------------------------------------
# congruence: a false hessian_inertia dressed as an LDLᵀ congruence

@forgery("congruence", "x^2 - y^2", "x,y", lambda L: descends(L, (0, 0), (0, 1)),
         id="congruence-diagonal-bowl-on-saddle")
def _():
    return no_global(source("x^2 + y^2", "x,y", (0, 0), "strict_local_min"))


@forgery("congruence", "x^2 + y^4 - y^2/" + "1" + "0" * 40, "x,y",
         lambda L: descends(L, (0, 0), (0, Fraction(1, 10**30))), id="congruence-diagonal-zero-for-minus-ten-to-the-40")
def _():
    # diagonal [2, 0] stated; the Hessian is diag(2, -2/10^40): a strict saddle, not a minimum
    return no_global(source("x^2 + y^4", "x,y", (0, 0), "local_min"))


@forgery("congruence", "x^2 - y^2", "x,y", lambda L: (critical(L, (0, 0)), inertia_is((1, 1, 0))(L)),
         id="congruence-rows-singular")
def _():
    # S = [[1, 1], [1, 1]] is singular: S H Sᵀ = 0 "shows" inertia 0/0/2 for an indefinite H
    cert = no_global(source("x^2 - y^2", "x,y", (0, 0), "strict_saddle"))
    cert["kind"], cert["hessian_inertia"] = "degenerate_saddle", {"positive": 0, "negative": 0, "zero": 2}
    inertia = evidence(cert, "inertia")
    need(inertia.get("type") == "congruence", inertia)
    inertia.update(order=[0, 1], pairs=[], rows=[["1", "1"], ["1", "1"]], diagonal=["0", "0"])
    cert["evidence"] = keep_evidence(cert, {"indefinite"})
    cert["evidence"]["descent"] = curve([(0, 1)], [0, 0, -1], 2)
    cert["evidence"]["ascent"] = curve([(1, 0)], [0, 0, 1], 2)
    return cert


def _half_square_is_a_minimum(L):
    x, y = L.variables
    assert sympy.expand(L.expression - (x + y) ** 2 / 2) == 0
    nowhere_below(L, (0, 0))


@forgery("congruence", "x*y + x^2/2 + y^2/2", "x,y", _half_square_is_a_minimum, id="congruence-pairs-on-a-square")
def _():
    # x*y has the 2x2 pivot pairs=[0]; (x + y)^2/2 has inertia 1/0/1 and is a minimum, not a saddle
    return no_global(source("x*y", "x,y", (0, 0), "strict_saddle"))


@forgery("congruence", "y^2 + x^3", "x,y", lambda L: descends(L, (0, 0), (-1, 0)), id="congruence-order-swapped")
def _():
    # y^2 + x^3 has pivot order [1, 0] and diagonal [2, 0]; stated: diagonal [2, 2], a strict minimum
    cert = no_global(source("y^2 + x^3", "x,y", (0, 0), "degenerate_saddle"))
    inertia = evidence(cert, "inertia")
    need(inertia.get("order") == [1, 0], inertia)
    inertia["diagonal"] = ["2", "2"]
    cert["kind"], cert["hessian_inertia"] = "strict_local_min", {"positive": 2, "negative": 0, "zero": 0}
    cert["evidence"] = keep_evidence(cert, {"descent", "ascent"})
    return cert


@forgery("congruence", "x^2 + y^2 - z^2", "x,y,z", lambda L: descends(L, (0, 0, 0), (0, 0, 1)),
         id="congruence-order-reversed-three")
def _():
    cert = no_global(source("x^2 + y^2 + z^2", "x,y,z", (0, 0, 0), "strict_local_min"))
    inertia = evidence(cert, "inertia")
    need(inertia.get("order") == [0, 1, 2] and inertia.get("pairs") == [], inertia)
    # canonical for the order [2, 1, 0]: M[t][u] = rows[t][order[u]] is the identity
    inertia.update(order=[2, 1, 0], rows=[["0", "0", "1"], ["0", "1", "0"], ["1", "0", "0"]])
    return cert


# ---------------------------------------------------------------------------------------
# indefinite: a strict saddle where there is none (complex witnesses among them)

def _definite(signs):
    def check(L):
        critical(L, (0, 0))
        assert hessian_signs(L, (0, 0)) == signs
    return check


def _complex_strict_saddle(loss, u, Hu, uHu, *, v=("1", "0"), Hv=("2", "0"), vHv="2", kinds="strict_local_min"):
    cert = no_global(source(loss, "x,y", (0, 0), kinds))
    cert["kind"] = "strict_saddle"
    cert["evidence"] = keep_evidence(cert, {"minimum", "maximum", "descent", "ascent"})
    cert["evidence"]["indefinite"] = {"type": "indefinite", "u": list(u), "Hu": list(Hu), "uHu": uHu,
                                      "v": list(v), "Hv": list(Hv), "vHv": vHv}
    return cert


@forgery("indefinite", "x^2 + y^2", "x,y", _definite((2, 0, 0)), id="indefinite-u-imaginary-unit")
def _():
    # the attack: u = (i, 0) has uᵀHu = 2 i² = -2 (a bilinear form, not a norm);
    # hessian_inertia stays 2/0/0, which has no negative eigenvalue at all
    return _complex_strict_saddle("x^2 + y^2", [I, "0"], ["2*" + I, "0"], "-2")


@forgery("indefinite", "x^2 + y^2", "x,y", _definite((2, 0, 0)), id="indefinite-u-root-of-minus-one-half")
def _():
    return _complex_strict_saddle("x^2 + y^2", ["(1/2 - 1)^(1/2)", "0"], ["2*(1/2 - 1)^(1/2)", "0"], "-1")


@forgery("indefinite", "x^2 + y^2", "x,y", _definite((2, 0, 0)), id="indefinite-u-root-of-one-minus-e")
def _():
    # (1 - e)^(1/2) is imaginary without any "(-1)"; uᵀHu = 2 (1 - e) < 0
    u = "(1 - exp(1))^(1/2)"
    return _complex_strict_saddle("x^2 + y^2", [u, "0"], [f"2*{u}", "0"], "2 - 2*exp(1)")


@forgery("indefinite", "x^2 + y^2", "x,y", _definite((2, 0, 0)), id="indefinite-u-root-of-log-one-half")
def _():
    u = "log(1/2)^(1/2)"
    return _complex_strict_saddle("x^2 + y^2", [u, "0"], [f"2*{u}", "0"], "2*log(1/2)")


@forgery("indefinite", "x^2 + y^2", "x,y", _definite((2, 0, 0)), id="indefinite-u-root-of-tanh-minus-one")
def _():
    u = "tanh(-1)^(1/2)"
    return _complex_strict_saddle("x^2 + y^2", [u, "0"], [f"2*{u}", "0"], "2*tanh(-1)")


@forgery("indefinite", "x^2 + y^4", "x,y", _definite((1, 0, 1)), id="indefinite-u-imaginary-off-the-kernel")
def _():
    # inertia 1/0/1 with kernel e_y: u = (i, 0) is "orthogonal to the kernel"; the point is a minimum
    return _complex_strict_saddle("x^2 + y^4", [I, "0"], ["2*" + I, "0"], "-2", kinds="local_min")


@forgery("indefinite", "-x^2 - y^2", "x,y", _definite((0, 2, 0)), id="indefinite-v-imaginary-at-a-maximum")
def _():
    # a strict maximum: u = (1, 0) is honest (uᵀHu = -2); v = (i, 0) gives vᵀHv = -2 i² = 2
    return _complex_strict_saddle("-x^2 - y^2", ["1", "0"], ["-2", "0"], "-2", v=[I, "0"], Hv=["-2*" + I, "0"],
                                  vHv="2", kinds="strict_local_max")


@forgery("indefinite", "x^2 + y^2", "x,y", _definite((2, 0, 0)), id="indefinite-saddle-transplanted-to-bowl")
def _():
    cert = no_global(source("x^2 - y^2", "x,y", (0, 0), "strict_saddle"))
    cert["hessian_inertia"] = {"positive": 2, "negative": 0, "zero": 0}
    evidence(cert, "inertia")["diagonal"] = ["2", "2"]
    return cert


@forgery("indefinite", "x^2 + y^2/" + "1" + "0" * 30, "x,y", _definite((2, 0, 0)), id="indefinite-sign-of-a-tiny-entry")
def _():
    # the Hessian is diag(2, 2/10^30): u = (0, 1) is stated with Hu = (0, -2/10^30), uHu = -2/10^30
    tiny = "2/1" + "0" * 30
    cert = _complex_strict_saddle("x^2 + y^2/1" + "0" * 30, ["0", "1"], ["0", "-" + tiny], "-" + tiny)
    cert["hessian_inertia"] = {"positive": 1, "negative": 1, "zero": 0}
    evidence(cert, "inertia")["diagonal"] = ["2", "-" + tiny]
    return cert


# ---------------------------------------------------------------------------------------
# curve: descent or ascent curves that do not descend or ascend

def _fractional_power_is_a_strict_minimum(L):
    # exact values where (x^2 + y^2)^(9/4) is rational: radius r = 10^-2k (so r^(9/2) = 10^-9k)
    # and directions of Pythagorean triples; every value is > 0 = L(0, 0)
    for k in (1, 2, 3):
        r = Fraction(1, 10 ** (2 * k))
        for a, b, c in ((1, 0, 1), (0, 1, 1), (3, 4, 5), (4, 3, 5), (5, 12, 13)):
            for sa, sb in itertools.product((1, -1), repeat=2):
                v = value(L, (sa * r * a / c, sb * r * b / c))
                assert v.is_Rational and v > 0, (k, a, b, v)


@forgery("curve", "(x^2 + y^2)^(9/4) - x^6 + y^2", "x,y", _fractional_power_is_a_strict_minimum,
         id="curve-fractional-power-dropped")
def _():
    # the same attack, hand-written (smooth format): along (-1, 0) the loss is
    # |t|^(9/2) - t^6, stated as -t^6 (the t^(9/2) term dropped); along (0, 1) it is t^2 + |t|^(9/2)
    return {"type": "classification", "kind": "degenerate_saddle", "point": ["0", "0"], "value": "0",
            "critical": True, "hessian_inertia": {"positive": 1, "negative": 0, "zero": 1}, "global_min": None,
            "evidence": {"critical": {"type": "critical"},
                         "inertia": {"type": "congruence", "order": [1, 0], "pairs": [],
                                     "rows": [["0", "1"], ["1", "0"]], "diagonal": ["2", "0"]},
                         "descent": curve([(-1, 0)], [0, 0, 0, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0], 6),
                         "ascent": curve([(0, 1)], [0, 0, 1, 0, 0], 2)},
            "global": None}


@forgery("curve", "x^2 - x^3 + y^2", "x,y", lambda L: (_definite((2, 0, 0))(L), nowhere_below(L, (0, 0), strict=True)),
         id="curve-right-coefficients-wrong-order")
def _():
    # along (1, 0): t^2 - t^3, stated exactly, but the order given is 3 (where the sign is negative)
    cert = no_global(source("x^2 - x^3 + y^2", "x,y", (0, 0), "strict_local_min"))
    cert["kind"] = "degenerate_saddle"
    cert["evidence"]["descent"] = curve([(1, 0)], [0, 0, 1, -1], 3)
    cert["evidence"]["ascent"] = curve([(0, 1)], [0, 0, 1], 2)
    return cert


@forgery("curve", "-x^2 - y^4", "x,y", lambda L: nowhere_above(L, (0, 0)), id="curve-ascent-that-descends")
def _():
    cert = no_global(source("-x^2 - y^4", "x,y", (0, 0), "local_max"))
    cert["kind"] = "degenerate_saddle"
    cert["evidence"] = keep_evidence(cert, {"maximum"})
    cert["evidence"]["descent"] = curve([(1, 0)], [0, 0, -1], 2)
    cert["evidence"]["ascent"] = curve([(0, 1)], [0, 0, 0, 0, 1], 4)  # the truth is -t^4
    return cert


@forgery("curve", "x^4 + y^4", "x,y", lambda L: nowhere_below(L, (0, 0), strict=True),
         id="curve-monkey-on-quartic-bowl")
def _():
    cert = no_global(source("x^3 - 3*x*y^2", "x,y", (0, 0), "degenerate_saddle"))
    return cert


@forgery("curve", "x^2 - y^4 + 100000000000000000001/100000000000000000000*y^4", "x,y",
         lambda L: nowhere_below(L, (0, 0), strict=True), id="curve-quartic-descent-on-a-barely-positive-quartic")
def _():
    # x^2 - y^4 descends along (0, -1) with -t^4; here the y^4 coefficient is +1/10^20
    return no_global(source("x^2 - y^4", "x,y", (0, 0), "degenerate_saddle"))


@forgery("curve", "abs(x) + y^2", "x,y", lambda L: nowhere_below(L, (0, 0)), id="curve-kink-descent-that-ascends")
def _():
    # abs(x) + y^2 >= 0: along (1, 0) it is +t, stated -t
    cert = no_global(source("abs(x) + y^2", "x,y", (0, 0), "local_min"))
    cert["kind"] = "degenerate_saddle"
    cert["evidence"] = keep_evidence(cert, {"minimum"})
    cert["evidence"]["descent"] = curve([(1, 0)], [0, -1, 0], 1)
    cert["evidence"]["ascent"] = curve([(0, 1)], [0, 0, 1], 2)
    return cert


# ---------------------------------------------------------------------------------------
# sos on the region "everywhere"

def _quartic_saddle_minimum(terms):
    cert = no_global(source("x^2 - y^4", "x,y", (0, 0), "degenerate_saddle"))
    cert["kind"] = "local_min"
    cert["evidence"] = keep_evidence(cert, {"descent", "ascent"})
    cert["evidence"]["minimum"] = {"type": "sos", "region": "everywhere", "sense": "lower", "terms": terms}
    return cert


@forgery("sos", "x^2 - y^4", "x,y", lambda L: descends(L, (0, 0), (0, 1)), id="sos-of-x2-plus-y4-for-x2-minus-y4")
def _():
    cert = no_global(source("x^2 + y^4", "x,y", (0, 0), "local_min"))
    need(evidence(cert, "minimum").get("region") == "everywhere", cert["evidence"]["minimum"])
    return cert


@forgery("sos", "x^2 - y^4", "x,y", lambda L: descends(L, (0, 0), (0, 1)), id="sos-negative-coefficient")
def _():
    return _quartic_saddle_minimum([{"coefficient": "1", "polynomial": "x"},
                                    {"coefficient": "-1", "polynomial": "y^2"}])


@forgery("sos", "x^2 - y^4", "x,y", lambda L: descends(L, (0, 0), (0, 1)), id="sos-minus-one-inside-the-square")
def _():
    return _quartic_saddle_minimum([{"coefficient": "1", "polynomial": "x"},
                                    {"coefficient": "1", "polynomial": "-1*y^2"}])


@forgery("sos", "x^2 - y^4", "x,y", lambda L: descends(L, (0, 0), (0, 1)), id="sos-imaginary-square")
def _():
    # x^2 + (i y^2)^2 = x^2 - y^4: an identity over the complex numbers only
    return _quartic_saddle_minimum([{"coefficient": "1", "polynomial": "x"},
                                    {"coefficient": "1", "polynomial": f"{I}*y^2"}])


@forgery("sos", "-x^2 + y^4", "x,y", lambda L: ascends(L, (0, 0), (0, 1)), id="sos-upper-bound-transplanted")
def _():
    cert = no_global(source("-x^2 - y^4", "x,y", (0, 0), "local_max"))
    need(evidence(cert, "maximum").get("region") == "everywhere", cert["evidence"]["maximum"])
    return cert


@forgery("sos", "x^2 + y^4", "x,y", lambda L: ascends(L, (0, 0), (1, 0)), id="sos-lower-bound-read-as-upper")
def _():
    cert = no_global(source("x^2 + y^4", "x,y", (0, 0), "local_min"))
    cert["kind"] = "local_max"
    bound = cert["evidence"].pop("minimum")
    need(bound.get("sense") == "lower", bound)
    bound["sense"] = "upper"
    cert["evidence"]["maximum"] = bound
    return cert


@forgery("sos", "x^2 - 2*x*y + y^2 - y^4/" + "1" + "0" * 30, "x,y", lambda L: descends(L, (0, 0), (1, 1)),
         id="sos-square-missing-a-tiny-quartic")
def _():
    cert = no_global(source("x^2 - 2*x*y + y^2", "x,y", (0, 0), "local_min"))
    need(evidence(cert, "minimum").get("region") == "everywhere", cert["evidence"]["minimum"])
    return cert


# ---------------------------------------------------------------------------------------
# pieces: one sos per adjacent piece at a kink, for a loss that is not a local minimum there
#
# S = |x| + |y| is a minimum at 0; T = |x| + y/2 - |y|/2 (= |x| for y >= 0, |x| + y for y <= 0)
# has the same units, hence the same regions and pieces, and descends along (0, -1).  T's own
# certificate (a saddle, with its Clarke weights and any proof of its pieces) gets S's bounds.

PIECE_FAMILIES = {
    "lower": ("abs(x) + abs(y)", "abs(x) + y/2 - abs(y)/2", "local_min", "minimum", (0, -1)),
    "upper": ("-abs(x) - abs(y)", "-abs(x) - y/2 + abs(y)/2", "local_max", "maximum", (0, -1)),
}


def _transplanted_bounds(sense):
    s_loss, t_loss, kind, role, _ = PIECE_FAMILIES[sense]
    bounds = evidence(source(s_loss, "x,y", (0, 0), kind), role)
    sos_pieces(bounds)
    cert = no_global(source(t_loss, "x,y", (0, 0), "degenerate_saddle"))
    cert["kind"] = kind
    cert["evidence"] = keep_evidence(cert, {"descent", "ascent"})
    cert["evidence"][role] = bounds
    return cert, bounds["pieces"]


def _piece_falsity(sense):
    _, _, kind, _, d = PIECE_FAMILIES[sense]
    return (lambda L: descends(L, (0, 0), d)) if kind == "local_min" else (lambda L: ascends(L, (0, 0), d))


def _entry(entries, i):
    need(len(entries) > i, f"{len(entries)} piece entries, the mutation needs entry {i}")
    return entries[i]


# T's four regions are quadrants; the bounds of the two with y <= 0 fail.  Which entries those
# are depends on how patterns are written, so every entry gets each mutation in turn: whatever
# is dropped, renamed or copied, a false bound or an uncovered piece remains.
for _sense in ("lower", "upper"):
    _t = PIECE_FAMILIES[_sense][1]

    @forgery("pieces", _t, "x,y", _piece_falsity(_sense), id=f"pieces-{_sense}-bounds-transplanted")
    def _(sense=_sense):
        return _transplanted_bounds(sense)[0]

    for _i in range(4):
        @forgery("pieces", _t, "x,y", _piece_falsity(_sense), id=f"pieces-{_sense}-drop-entry-{_i}")
        def _(sense=_sense, i=_i):
            cert, entries = _transplanted_bounds(sense)
            entries.remove(_entry(entries, i))
            return cert

        @forgery("pieces", _t, "x,y", _piece_falsity(_sense), id=f"pieces-{_sense}-rename-entry-{_i}")
        def _(sense=_sense, i=_i):
            cert, entries = _transplanted_bounds(sense)
            _entry(entries, i)["region"]["pattern"] = nonexistent_pattern([e["region"]["pattern"] for e in entries])
            return cert

        @forgery("pieces", _t, "x,y", _piece_falsity(_sense), id=f"pieces-{_sense}-entry-{_i}-copies-the-next")
        def _(sense=_sense, i=_i):
            # one region listed twice, one missing
            cert, entries = _transplanted_bounds(sense)
            entries[i] = copy.deepcopy(_entry(entries, (i + 1) % len(entries)))
            return cert


# ---------------------------------------------------------------------------------------
# clarke: "0 is in the hull of the adjacent pieces' gradients" at points that are not critical
#
# The source S is a minimum with the same units as the target T (so the same regions, and
# the same proof of the pieces if the format has one); S's Clarke weights are moved to each
# combination of branch labels in turn — the lower-dimensional patterns among them (e.g.
# {x >= 0, -x >= 0} = {0}) are where classify found "0" today.  The curves are T's, by hand.

#: points on both sides of w = 0, for the two-sample loss's closed form
TWO_SIDES_OF_W = [(a, b) for a in (-1, "-1/1000", "1/1000", 1) for b in (1, 2)]

CLARKE_FAMILIES = {
    # id: (S, T, variables, point, T's descent, T's ascent, falsity)
    "identity": ("relu(x) + relu(-x)", "relu(x) - relu(-x)", "x", (0,),
                 curve([(-1,)], [0, -1, 0], 1), curve([(1,)], [0, 1, 0], 1),
                 lambda L: not_clarke_critical_1d(L, (0,))),
    "slopes-1-and-2": ("relu(x) + relu(2*x) - 3*x/2", "relu(x) - relu(2*x) + 2*x", "x", (0,),
                       curve([(-1,)], [0, -2, 0], 1), curve([(1,)], [0, 1, 0], 1),
                       lambda L: not_clarke_critical_1d(L, (0,))),
    "half-slope": ("relu(x) + relu(-x)", "relu(x) - relu(-x)/2", "x", (0,),
                   curve([(-1,)], [0, "-1/2", 0], 1), curve([(1,)], [0, 1, 0], 1),
                   lambda L: not_clarke_critical_1d(L, (0,))),
    # 1/2((v relu(w) - 1)^2 + (v relu(-w) + 1)^2) = 1/2 (v w - 1)^2 + 1/2: at (0, 1) the gradient is (-1, 0)
    "two-samples": ("relu(w) + relu(-w) + (v - 1)^2", "1/2*((v*relu(w) - 1)^2 + (v*relu(-w) + 1)^2)", "w,v", (0, 1),
                    curve([(1, 0)], [1, -1, "1/2"], 1), curve([(-1, 0)], [1, 1, "1/2"], 1),
                    lambda L: (equals_everywhere_sampled(L, "(w*v - 1)**2/2 + 1/2", "w,v", TWO_SIDES_OF_W),
                               descends(L, (0, 1), (1, 0)))),
}


@functools.lru_cache(maxsize=None)
def _mlp_pm1():
    return mlp([[1, -1]], [[-1, 1]], hidden=[1], biases=False)


for _family, (_s, _t, _vars, _pt, _descent, _ascent, _false) in CLARKE_FAMILIES.items():
    for _i in range(4):
        @forgery("clarke", _t, _vars, _false, id=f"clarke-{_family}-weight-on-pattern-{_i}")
        def _(s=_s, vars=_vars, pt=_pt, descent=_descent, ascent=_ascent, i=_i):
            cert = no_global(source(s, vars, pt, "local_min"))
            clarke = evidence(cert, "clarke")
            patterns = pattern_product([e["pattern"] for e in weight_entries(clarke)])
            need(len(patterns) > i, f"fewer than {i + 1} label combinations: {patterns}")
            put_all_weight_on(clarke, patterns[i])
            cert["kind"], cert["value"] = "degenerate_saddle", descent["coefficients"][0]  # L(θ0) = c_0
            cert["evidence"] = keep_evidence(cert, {"minimum"})
            cert["evidence"]["descent"], cert["evidence"]["ascent"] = copy.deepcopy(descent), copy.deepcopy(ascent)
            return cert


def _mlp_is_smooth_and_not_critical(L):
    # the network 1/2 (v relu(w) + 1)^2 + 1/2 (v relu(-w) - 1)^2 is 1/2 (v w + 1)^2 + 1/2 on both sides of w = 0
    points = [(a, b) for a in (-1, "-1/1000", "1/1000", 1) for b in (1, 2)]
    xs = L.variables
    for p in points:
        w, v = (sympy.Rational(str(F(c))) for c in p)
        assert value(L, p) == (v * w + 1) ** 2 / 2 + sympy.Rational(1, 2), p
    assert len(xs) == 2
    descends(L, (0, 1), (-1, 0))


for _i in range(4):
    @forgery("clarke", str(_mlp_pm1().expression), ",".join(map(str, _mlp_pm1().variables)),
             _mlp_is_smooth_and_not_critical, id=f"clarke-network-weight-on-pattern-{_i}", network=_mlp_pm1)
    def _(i=_i):
        w, v = (str(s) for s in _mlp_pm1().variables)
        cert = no_global(source(f"relu({w}) + relu(-{w}) + ({v} - 1)^2", f"{w},{v}", (0, 1), "local_min"))
        clarke = evidence(cert, "clarke")
        patterns = pattern_product([e["pattern"] for e in weight_entries(clarke)])
        need(len(patterns) > i, f"fewer than {i + 1} label combinations: {patterns}")
        put_all_weight_on(clarke, patterns[i])
        cert["kind"], cert["value"] = "degenerate_saddle", "1"
        cert["evidence"] = keep_evidence(cert, {"minimum"})
        # L(-t, 1) = 1/2 (1 - t)^2 + 1/2 = 1 - t + t^2/2; L(t, 1) = 1 + t + t^2/2
        cert["evidence"]["descent"] = curve([(-1, 0)], [1, -1, "1/2"], 1)
        cert["evidence"]["ascent"] = curve([(1, 0)], [1, 1, "1/2"], 1)
        return cert


def _tilted_abs_clarke(first, second):
    # |x| + 3x/2 + y^2: slopes in x are 5/2 (x > 0) and 1/2 (x < 0); 0 is not in their hull.
    # The only real weights with 5/2 λ + 1/2 (1 - λ) = 0 are λ = -1/4 (negative).  The two
    # entries get ``first`` and ``second`` in the order listed (the forgeries try both orders).
    cert = no_global(source("abs(x) + y^2", "x,y", (0, 0), "local_min"))
    entries = weight_entries(evidence(cert, "clarke"))
    need(len(entries) == 2, entries)
    entries[0]["weight"], entries[1]["weight"] = first, second
    cert["kind"] = "degenerate_saddle"
    cert["evidence"] = keep_evidence(cert, {"minimum"})
    cert["evidence"]["descent"] = curve([(-1, 0)], [0, "-1/2", 0], 1)
    cert["evidence"]["ascent"] = curve([(1, 0)], [0, "5/2", 0], 1)
    return cert


for _order in (0, 1):
    @forgery("clarke", "abs(x) + 3*x/2 + y^2", "x,y", lambda L: not_clarke_critical_1d(L, (0, 0)),
             id=f"clarke-negative-weight-{_order}")
    def _(order=_order):
        weights = ["-1/4", "5/4"]
        return _tilted_abs_clarke(*(weights if order == 0 else weights[::-1]))

    @forgery("clarke", "abs(x) + 3*x/2 + y^2", "x,y", lambda L: not_clarke_critical_1d(L, (0, 0)),
             id=f"clarke-weights-summing-to-one-with-an-imaginary-part-{_order}")
    def _(order=_order):
        weights = [f"-1/4 + {I}", f"5/4 - {I}"]
        return _tilted_abs_clarke(*(weights if order == 0 else weights[::-1]))


@forgery("clarke", "abs(x) + 3*x/2 + y^2", "x,y", lambda L: not_clarke_critical_1d(L, (0, 0)),
         id="clarke-weight-on-a-nonexistent-piece")
def _():
    cert = _tilted_abs_clarke("0", "0")
    entries = weight_entries(cert["evidence"]["clarke"])
    entries.append({"pattern": nonexistent_pattern([e["pattern"] for e in entries]), "weight": "1"})
    return cert


# ---------------------------------------------------------------------------------------
# pieces_proof: the proof of which activation regions have interior near the point
#
# (the new format: evidence.pieces = {"type": "adjacent_pieces", "full": [{pattern, interior}],
# "empty": [{prefix, multipliers, squares}]}; before it existed these fail loudly, by design).
# A lower-dimensional pattern "proven" full, or a full one "proven" empty, changes the hull of
# the gradients or the regions to bound: with it, relu(x) - relu(-x) (= x) would be critical
# and |x| + y/2 - |y|/2 a minimum.


def adjacent_pieces(cert):
    proof = evidence(cert, "pieces")
    need(proof.get("type") == "adjacent_pieces" and isinstance(proof.get("full"), list)
         and isinstance(proof.get("empty"), list), f"evidence.pieces: {str(proof)[:200]}")
    need(all(isinstance(e, dict) and "pattern" in e and "interior" in e for e in proof["full"])
         and all(isinstance(e, dict) and "prefix" in e and "multipliers" in e for e in proof["empty"]),
         f"evidence.pieces entries: {str(proof)[:200]}")
    return proof


def _identity_claimed_critical_on(pattern_from_proof):
    """relu(x) - relu(-x) at 0 "critical", with |x|'s proof of pieces changed by the argument."""
    s_loss, _, variables, point, descent, ascent, _ = CLARKE_FAMILIES["identity"]
    cert = no_global(source(s_loss, variables, point, "local_min"))
    proof = adjacent_pieces(cert)
    pattern = pattern_from_proof(proof)
    put_all_weight_on(evidence(cert, "clarke"), pattern)
    cert["kind"] = "degenerate_saddle"
    cert["evidence"] = keep_evidence(cert, {"minimum"})
    cert["evidence"]["descent"], cert["evidence"]["ascent"] = copy.deepcopy(descent), copy.deepcopy(ascent)
    return cert


for _i in range(2):
    for _interior in ("copied-0", "copied-1", "zero"):
        @forgery("pieces_proof", "relu(x) - relu(-x)", "x", CLARKE_FAMILIES["identity"][-1],
                 id=f"pieces-proof-empty-{_i}-claimed-full-interior-{_interior}")
        def _(i=_i, interior=_interior):
            def claim(proof):
                # the pruned pattern {x >= 0, -x >= 0} (or its mirror) listed as a piece, with an
                # "interior" curve taken from a real piece, or the point itself
                need(len(proof["empty"]) > i, f"fewer than {i + 1} pruned prefixes: {proof['empty']}")
                entry = proof["empty"].pop(i)
                need(len(entry["prefix"]) == len(proof["full"][0]["pattern"]), f"a short prefix: {entry}")
                curve = (copy.deepcopy(proof["full"][int(interior[-1])]["interior"]) if interior != "zero"
                         else [["0"] * len(proof["full"][0]["interior"][0])])
                proof["full"].append({"pattern": entry["prefix"], "interior": curve})
                return entry["prefix"]
            return _identity_claimed_critical_on(claim)

    @forgery("pieces_proof", "relu(x) - relu(-x)", "x", CLARKE_FAMILIES["identity"][-1],
             id=f"pieces-proof-empty-{_i}-dropped-and-weighted")
    def _(i=_i):
        def claim(proof):
            need(len(proof["empty"]) > i, f"fewer than {i + 1} pruned prefixes: {proof['empty']}")
            return proof["empty"].pop(i)["prefix"]
        return _identity_claimed_critical_on(claim)


for _i in range(4):
    @forgery("pieces_proof", PIECE_FAMILIES["lower"][1], "x,y", _piece_falsity("lower"),
             id=f"pieces-proof-full-{_i}-claimed-empty")
    def _(i=_i):
        # |x| + y/2 - |y|/2 "a minimum": a quadrant proven empty (by made-up multipliers) and its
        # bound dropped; the quadrants with y < 0 are where it descends
        cert, entries = _transplanted_bounds("lower")
        proof = adjacent_pieces(cert)
        need(len(proof["full"]) > i, f"fewer than {i + 1} pieces: {proof['full']}")
        pattern = proof["full"].pop(i)["pattern"]
        proof["empty"].append({"prefix": pattern, "multipliers": ["1"] * len(pattern), "squares": []})
        entries[:] = [e for e in entries if e["region"]["pattern"] != pattern]
        clarke = evidence(cert, "clarke")
        clarke["weights"] = [e for e in weight_entries(clarke) if e["pattern"] != pattern]
        return cert


# ---------------------------------------------------------------------------------------
# separation: "not critical" at a kink where the point is critical (a minimum, in fact)

def _separation(s_loss, pt, variables="x,y"):
    cert = no_global(source(s_loss, variables, pt, "not_critical"))
    evidence(cert, "separation")
    return cert


def _abs_difference_is_a_minimum(L):
    # max(x, y) - x/2 - y/2 = |x - y|/2 >= 0, a (non-strict) minimum: Clarke-critical
    equals_everywhere_sampled(L, "Abs(x - y)/2", "x,y", [(a, b) for a in (-1, 0, "1/3") for b in (-2, 0, "1/2")])
    nowhere_below(L, (0, 0))


@forgery("separation", "max(x, y) - x/2 - y/2", "x,y", _abs_difference_is_a_minimum, id="separation-max-recentred")
def _():
    return _separation("max(x, y)", (0, 0))


for _i in range(2):
    @forgery("separation", "max(x, y) - x/2 - y/2", "x,y", _abs_difference_is_a_minimum,
             id=f"separation-max-recentred-weight-on-piece-{_i}")
    def _(i=_i):
        cert = _separation("max(x, y)", (0, 0))
        entries = weight_entries(cert["evidence"]["separation"])
        need(len(entries) == 2, entries)
        put_all_weight_on(cert["evidence"]["separation"], entries[i]["pattern"])
        return cert


@forgery("separation", "max(x, y) - x/2 - y/2", "x,y", _abs_difference_is_a_minimum,
         id="separation-imaginary-weights")
def _():
    cert = _separation("max(x, y)", (0, 0))
    entries = weight_entries(cert["evidence"]["separation"])
    need(len(entries) == 2, entries)
    entries[0]["weight"], entries[1]["weight"] = f"1/2 + {I}", f"1/2 - {I}"
    return cert


@forgery("separation", "relu(x) - x/2", "x", lambda L: clarke_critical_1d(L, (0,)), id="separation-relu-half-slope")
def _():
    # relu(x)/2 + x/2 is not critical at 0 (slopes 1 and 1/2); relu(x) - x/2 = |x|/2 is a minimum
    return _separation("relu(x)/2 + x/2", (0,), "x")


@forgery("separation", "relu(x) - x/2", "x", lambda L: clarke_critical_1d(L, (0,)),
         id="separation-weight-on-a-nonexistent-piece")
def _():
    cert = _separation("relu(x)/2 + x/2", (0,), "x")
    sub = cert["evidence"]["separation"]
    put_all_weight_on(sub, nonexistent_pattern([e["pattern"] for e in weight_entries(sub)]))
    return cert


# ---------------------------------------------------------------------------------------
# witness: "not a global minimum", at a global minimum

def _sum_of_squares_above(offset):
    def check(L):
        x, y = L.variables
        assert sympy.expand(L.expression - x**2 - y**2 - offset) == 0  # L >= offset = L(0, 0) everywhere
    return check


def _minimum_with_witness(loss, witness_point, witness_value, kinds="strict_local_min"):
    cert = source(loss, "x,y", (0, 0), kinds)
    cert["global_min"] = False
    cert["global"] = {"type": "witness", "point": witness_point, "value": witness_value}
    return cert


@forgery("witness", "x^2 + y^2", "x,y", _sum_of_squares_above(0), id="witness-value-stated-below")
def _():
    return _minimum_with_witness("x^2 + y^2", ["1/1000", "0"], "-1/1000000")


@forgery("witness", "x^2 + y^2 + 1", "x,y", _sum_of_squares_above(1), id="witness-value-last-digit")
def _():
    # L(10^-10, 0) = 1 + 10^-20 = 100000000000000000001/10^20; stated ...99999/10^20 (< 1)
    return _minimum_with_witness("x^2 + y^2 + 1", ["1/10000000000", "0"],
                                 "99999999999999999999/100000000000000000000")


@forgery("witness", "x^2 + y^2", "x,y", _sum_of_squares_above(0), id="witness-the-point-itself")
def _():
    return _minimum_with_witness("x^2 + y^2", ["0", "0"], "0")


@forgery("witness", "x^2 + y^2", "x,y", _sum_of_squares_above(0), id="witness-imaginary-value")
def _():
    return _minimum_with_witness("x^2 + y^2", ["1", "0"], f"1 + {I}")


def _exp_minus_x_is_a_global_minimum(L):
    x, = L.variables
    # L' = e^x - 1 vanishes only at 0 and L'' = e^x > 0: L >= L(0) = 1 everywhere
    assert sympy.solve(sympy.diff(L.expression, x), x) == [0]
    assert sympy.diff(L.expression, x, 2) == sympy.exp(x)
    assert value(L, (0,)) == 1


@forgery("witness", "exp(x) - x", "x", _exp_minus_x_is_a_global_minimum, id="witness-irrational-not-lower")
def _():
    # L(1/1000) = exp(1/1000) - 1/1000 > 1: stated exactly, it is not lower than L(0) = 1
    cert = source("exp(x) - x", "x", (0,), "strict_local_min")
    cert["global_min"] = False
    cert["global"] = {"type": "witness", "point": ["1/1000"], "value": "exp(1/1000) - 1/1000"}
    return cert


@forgery("witness", "x^2 + y^2", "x,y", _sum_of_squares_above(0), id="witness-of-the-saddle-on-the-bowl")
def _():
    cert = source("x^2 + y^2", "x,y", (0, 0), "strict_local_min")
    cert["global_min"] = False
    cert["global"] = copy.deepcopy(source("x^2 - y^2", "x,y", (0, 0), "strict_saddle")["global"])
    need(cert["global"]["type"] == "witness", cert["global"])
    return cert


# ---------------------------------------------------------------------------------------
# global_lower_bound: "a global minimum", at a local minimum that is not global

def _lower_somewhere(point, below):
    def check(L):
        assert value(L, point) < below
    return check


def _bowl_bound_on(loss, terms=None):
    cert = source("x^2 + y^2", "x,y", (0, 0), "strict_local_min")
    need(cert["global_min"] is True and cert["global"]["type"] == "global_lower_bound", cert["global"])
    if terms is not None:
        cert["global"]["certificate"]["terms"] = terms
    return cert


@forgery("global_lower_bound", "x^2 + y^2 - x^3", "x,y", _lower_somewhere((2, 0), 0), id="global-bound-cubic-bowl")
def _():
    return _bowl_bound_on("x^2 + y^2 - x^3")


@forgery("global_lower_bound", "x^2 + y^2 - y^4/100", "x,y", _lower_somewhere((0, 20), 0),
         id="global-bound-quartic-bowl")
def _():
    return _bowl_bound_on("x^2 + y^2 - y^4/100")


@forgery("global_lower_bound", "x^2 + y^2 - y^4", "x,y", _lower_somewhere((0, 2), 0),
         id="global-bound-imaginary-square")
def _():
    return _bowl_bound_on("x^2 + y^2 - y^4", [{"coefficient": "1", "polynomial": "x"},
                                               {"coefficient": "1", "polynomial": "y"},
                                               {"coefficient": "1", "polynomial": f"{I}*y^2"}])


@forgery("global_lower_bound", "x^2 + y^2 - y^4", "x,y", _lower_somewhere((0, 2), 0),
         id="global-bound-negative-coefficient")
def _():
    return _bowl_bound_on("x^2 + y^2 - y^4", [{"coefficient": "1", "polynomial": "x"},
                                               {"coefficient": "1", "polynomial": "y"},
                                               {"coefficient": "-1", "polynomial": "y^2"}])


@forgery("global_lower_bound", "x^2 + y^2 + 1", "x,y", _lower_somewhere((0, 0), 1 + Fraction(1, 10**6)),
         id="global-bound-away-from-the-minimum")
def _():
    cert = source("x^2 + y^2 + 1", "x,y", ("1/1000", 0), "not_critical")
    cert["global_min"] = True
    cert["global"] = {"type": "global_lower_bound",
                      "certificate": {"type": "sos", "region": "everywhere", "sense": "lower",
                                      "terms": [{"coefficient": "1", "polynomial": "x"},
                                                {"coefficient": "1", "polynomial": "y"}]}}
    return cert


@forgery("global_lower_bound", "relu(x)^2 + y^2 - relu(-x)^3", "x,y", _lower_somewhere((-2, 0), 0),
         id="global-bound-piecewise")
def _():
    cert = source("relu(x)^2 + y^2 - relu(-x)^3", "x,y", (0, 0), "degenerate_saddle")
    cert["global_min"] = True
    cert["global"] = {"type": "global_lower_bound",
                      "certificate": {"type": "sos", "region": "everywhere", "sense": "lower",
                                      "terms": [{"coefficient": "1", "polynomial": "x"},
                                                {"coefficient": "1", "polynomial": "y"}]}}
    return cert


# ---------------------------------------------------------------------------------------
# structural_lower_bound: "the loss is K plus nonnegative terms and its value is K", where it is not

def _structural_on_a_strict_minimum(loss, point=(0, 0), bound="0"):
    """A true strict local minimum (positive definite Hessian, by hand in the caller) whose
    global claim is replaced by a structural bound: only the global check can reject it."""
    cert = source(loss, "x,y", point, "strict_local_min")
    need(cert["global_min"] is False and cert["global"]["type"] == "witness", cert["global"])
    cert["global_min"] = True
    cert["global"] = {"type": "structural_lower_bound", "bound": bound}
    return cert


# Hessian 2I at 0; the cubic term is negative for x > 0: (2, 0) has value 4 - 8 = -4
@forgery("structural_lower_bound", "x^2 + y^2 - x^3", "x,y", _lower_somewhere((2, 0), 0),
         id="structural-cubic-term")
def _():
    return _structural_on_a_strict_minimum("x^2 + y^2 - x^3")


# Hessian 2I at 0; a product with the factor 1 - x, negative for x > 1: (2, 0) has value 4·(-1)
@forgery("structural_lower_bound", "(x^2 + y^2)*(1 - x)", "x,y", _lower_somewhere((2, 0), 0),
         id="structural-sign-changing-factor")
def _():
    return _structural_on_a_strict_minimum("(x^2 + y^2)*(1 - x)")


# Hessian 2I at 0 (the kink term min(0, x)^3 is O(|x|^3)); an odd power of min(0, x) is <= 0:
# (-2, 0) has value 4 - 8 = -4
@forgery("structural_lower_bound", "x^2 + y^2 + min(0, x)^3", "x,y", _lower_somewhere((-2, 0), 0),
         id="structural-odd-power-of-a-min")
def _():
    return _structural_on_a_strict_minimum("x^2 + y^2 + min(0, x)^3")


# x^2 + y^2 + 1 is 1 plus squares, but at (1/1000, 0) its value is 1 + 10^-6, not 1: (0, 0) is lower.
# The stated bound is the value at the point, not the constant term.
@forgery("structural_lower_bound", "x^2 + y^2 + 1", "x,y", _lower_somewhere((0, 0), 1 + Fraction(1, 10**6)),
         id="structural-bound-is-the-value-not-the-constant")
def _():
    cert = source("x^2 + y^2 + 1", "x,y", ("1/1000", 0), "not_critical")
    cert["global_min"] = True
    cert["global"] = {"type": "structural_lower_bound", "bound": "1000001/1000000"}
    return cert


# the same point with the true constant term: the value is not the bound
@forgery("structural_lower_bound", "x^2 + y^2 + 1", "x,y", _lower_somewhere((0, 0), 1 + Fraction(1, 10**6)),
         id="structural-value-above-the-bound")
def _():
    cert = source("x^2 + y^2 + 1", "x,y", ("1/1000", 0), "not_critical")
    cert["global_min"] = True
    cert["global"] = {"type": "structural_lower_bound", "bound": "1"}
    return cert


# x^2 - y^4 at 0 is no minimum: (0, 1/10) has value -10^-4.  The certificate is the true one of
# x^2 + exp(y) y^4 (same value, gradient and Hessian diag(2, 0)), whose minimum is a structural
# bound (exp(y) y^4 >= 0; no sum of squares: the loss is not a polynomial).
@forgery("structural_lower_bound", "x^2 - y^4", "x,y", _lower_somewhere((0, Fraction(1, 10)), 0),
         id="structural-minimum-transplanted")
def _():
    cert = source("x^2 + exp(y)*y^4", "x,y", (0, 0), "local_min")
    need(evidence(cert, "minimum")["type"] == "structural_lower_bound", cert["evidence"]["minimum"])
    return cert


def _higher_somewhere(point, above):
    def check(L):
        assert value(L, point) > above
    return check


# x^2 + exp(y) y^4 at 0 is no maximum: (1, 0) has value 1.  Its own true structural lower bound
# stated as the maximum evidence of a local_max claim.
@forgery("structural_lower_bound", "x^2 + exp(y)*y^4", "x,y", _higher_somewhere((1, 0), 0),
         id="structural-bound-as-a-maximum")
def _():
    cert = source("x^2 + exp(y)*y^4", "x,y", (0, 0), "local_min")
    minimum = evidence(cert, "minimum")
    need(minimum["type"] == "structural_lower_bound", minimum)
    cert["kind"] = "local_max"
    cert["global_min"], cert["global"] = None, None
    cert["evidence"] = {"critical": cert["evidence"]["critical"], "inertia": cert["evidence"]["inertia"],
                        "maximum": minimum}
    return cert


# ---------------------------------------------------------------------------------------
# kind

@forgery("kind", "x*y", "x,y", inertia_is((1, 1, 0)),
         id="kind-strict-saddle-called-degenerate")
def _():
    cert = source("x*y", "x,y", (0, 0), "strict_saddle")
    cert["kind"] = "degenerate_saddle"
    cert["evidence"] = keep_evidence(cert, {"indefinite"})
    cert["evidence"]["descent"] = curve([(1, -1)], [0, 0, -1], 2)
    cert["evidence"]["ascent"] = curve([(1, 1)], [0, 0, 1], 2)
    return cert


@forgery("kind", "x*y - x^2 - y^2", "x,y", _definite((0, 2, 0)), id="kind-maximum-called-minimum")
def _():
    cert = no_global(source("x*y - x^2 - y^2", "x,y", (0, 0), "strict_local_max"))
    cert["kind"] = "strict_local_min"
    return cert


@forgery("kind", "x^2 + y^2", "x,y", _definite((2, 0, 0)), id="kind-minimum-called-maximum")
def _():
    cert = source("x^2 + y^2", "x,y", (0, 0), "strict_local_min")
    cert["kind"] = "strict_local_max"
    return cert


@forgery("kind", "-x^2 - y^4", "x,y", lambda L: descends(L, (0, 0), (1, 0)), id="kind-local-max-called-local-min")
def _():
    cert = no_global(source("-x^2 - y^4", "x,y", (0, 0), "local_max"))
    cert["kind"] = "local_min"
    bound = cert["evidence"].pop("maximum")
    bound["sense"] = "lower"
    cert["evidence"]["minimum"] = bound
    return cert


def _row_saddle(loss, variables, descent, ascent):
    """A certificate claiming "degenerate saddle, no Hessian" where the Hessian exists."""
    cert = no_global(source(loss, variables, (0, 0), ("degenerate_saddle", "strict_saddle")))
    cert["kind"], cert["hessian_inertia"] = "degenerate_saddle", None
    cert["evidence"] = keep_evidence(cert, {"inertia", "indefinite", "descent", "ascent", "minimum", "maximum"})
    need("critical" in cert["evidence"], f"no evidence.critical: {sorted(cert['evidence'])}")
    cert["evidence"]["descent"], cert["evidence"]["ascent"] = descent, ascent
    return cert


def _vrelu_is_a_strict_saddle(L):
    # 1/2((v relu(w) - 1)^2 + (v relu(-w) + 1)^2) = 1/2 (v w - 1)^2 + 1/2 on both sides of w = 0:
    # Hessian [[v^2, 2vw - 1], [2vw - 1, w^2]] = [[0, -1], [-1, 0]] at 0, eigenvalues ±1
    equals_everywhere_sampled(L, "(w*v - 1)**2/2 + 1/2", "w,v",
                              [(a, b) for a in (-1, "-1/1000", 0, "1/1000", 1) for b in (-1, 0, 2)])
    descends(L, (0, 0), (1, 1))
    ascends(L, (0, 0), (1, -1))


@forgery("kind", "1/2*((v*relu(w) - 1)^2 + (v*relu(-w) + 1)^2)", "w,v", _vrelu_is_a_strict_saddle,
         id="kind-table-row-4-degenerate-without-hessian")
def _():
    return _row_saddle("1/2*((v*relu(w) - 1)^2 + (v*relu(-w) + 1)^2)", "w,v",
                       curve([(1, 1)], [1, 0, -1, 0, "1/2"], 2), curve([(1, -1)], [1, 0, 1, 0, "1/2"], 2))


def _squared_difference_is_a_strict_saddle(L):
    # relu((x - y)^2) = (x - y)^2 everywhere: the loss is x^2 - 2xy, Hessian [[2, -2], [-2, 0]]
    equals_everywhere_sampled(L, "x**2 - 2*x*y", "x,y", [(a, b) for a in (-1, 0, "1/3") for b in (-2, 0, "1/2")])
    descends(L, (0, 0), (1, 1))
    ascends(L, (0, 0), (1, 0))


@forgery("kind", "relu(x^2 - 2*x*y + y^2) - y^2", "x,y", _squared_difference_is_a_strict_saddle,
         id="kind-table-row-5-degenerate-without-hessian")
def _():
    return _row_saddle("relu(x^2 - 2*x*y + y^2) - y^2", "x,y",
                       curve([(1, 1)], [0, 0, -1, 0, 0], 2), curve([(1, 0)], [0, 0, 1, 0, 0], 2))


def _discontinuous_below(point_left, stated):
    def check(L):
        assert value(L, point_left) < stated
    return check


@forgery("kind", "x^2 + relu(x)/x - 1", "x", _discontinuous_below((Fraction(-1, 1000),), 0),
         id="kind-discontinuity-relu-over-x")
def _():
    # the attack: relu(x)/x is 1 for x > 0 and 0 for x < 0 (undefined at 0); left of 0 the
    # loss is x^2 - 1 < 0, the value stated at the point.  Hand-written: classify will refuse the point.
    return {"type": "classification", "kind": "strict_local_min", "point": ["0"], "value": "0", "critical": True,
            "hessian_inertia": {"positive": 1, "negative": 0, "zero": 0}, "global_min": None,
            "evidence": {"critical": {"type": "critical"},
                         "inertia": {"type": "congruence", "order": [0], "pairs": [], "rows": [["1"]],
                                     "diagonal": ["2"]}},
            "global": None}


@forgery("kind", "x^2 + abs(x)/x", "x", _discontinuous_below((Fraction(-1, 1000),), 1),
         id="kind-discontinuity-abs-over-x")
def _():
    return {"type": "classification", "kind": "strict_local_min", "point": ["0"], "value": "1", "critical": True,
            "hessian_inertia": {"positive": 1, "negative": 0, "zero": 0}, "global_min": None,
            "evidence": {"critical": {"type": "critical"},
                         "inertia": {"type": "congruence", "order": [0], "pairs": [], "rows": [["1"]],
                                     "diagonal": ["2"]}},
            "global": None}


# ---------------------------------------------------------------------------------------
# value

LONG = "123456789012345678901/100000000000000000000"


def _value_is(expected):
    def check(L):
        assert value(L, (0, 0)) == expected
    return check


@forgery("value", f"x^2 + y^2 + {LONG}", "x,y", _value_is(sympy.Rational(LONG)), id="value-last-digit")
def _():
    cert = source(f"x^2 + y^2 + {LONG}", "x,y", (0, 0), "strict_local_min")
    cert["value"] = LONG[:20] + "2" + LONG[21:]
    assert cert["value"] != LONG
    return cert


E24 = "2718281828459045235360287/1000000000000000000000000"


@forgery("value", f"x^2 + y^2 + {E24}", "x,y", _value_is(sympy.Rational(E24)), id="value-e-for-its-truncation")
def _():
    cert = source(f"x^2 + y^2 + {E24}", "x,y", (0, 0), "strict_local_min")
    cert["value"] = "exp(1)"
    return cert


@forgery("value", "x^2 + y^2", "x,y", _value_is(0), id="value-imaginary")
def _():
    cert = source("x^2 + y^2", "x,y", (0, 0), "strict_local_min")
    cert["value"] = I
    return cert


@forgery("value", "(1 - w1*w2)^2", "w1,w2", _value_is(1),
         id="value-of-the-minimum-at-the-saddle")
def _():
    cert = source("(1 - w1*w2)^2", "w1,w2", (0, 0), "strict_saddle")
    cert["value"] = "0"
    return cert


# ---------------------------------------------------------------------------------------
# critical (the flag)

@forgery("critical_flag", "(1 - w1*w2)^2", "w1,w2", lambda L: critical(L, (0, 0)), id="critical-false-at-lee-saddle")
def _():
    cert = source("(1 - w1*w2)^2", "w1,w2", (0, 0), "strict_saddle")
    cert["critical"] = False
    return cert


@forgery("critical_flag", "x^2 + y^2", "x,y", lambda L: not_critical(L, (1, 2)), id="critical-true-off-the-minimum")
def _():
    cert = source("x^2 + y^2", "x,y", (1, 2), "not_critical")
    cert["critical"] = True
    return cert


@forgery("critical_flag", "x^4*y^2 + x^2*y^4 - 3*x^2*y^2 + 1", "x,y", lambda L: critical(L, (0, 0)),
         id="critical-false-undetermined-at-a-critical-point")
def _():
    # the Motzkin polynomial's top at 0 (gradient 0): classify says undetermined, critical true;
    # stated: critical false, without the evidence that would contradict it
    cert = source("x^4*y^2 + x^2*y^4 - 3*x^2*y^2 + 1", "x,y", (0, 0), ("undetermined", "local_max"))
    cert["kind"], cert["critical"] = "undetermined", False
    cert["evidence"] = keep_evidence(cert, {"critical", "minimum", "maximum"})
    return cert


@forgery("critical_flag", "x^2 + y^2", "x,y", lambda L: critical(L, (0, 0)),
         id="critical-false-undetermined-at-the-minimum")
def _():
    cert = no_global(source("x^2 + y^2", "x,y", (0, 0), "strict_local_min"))
    cert["kind"], cert["critical"], cert["hessian_inertia"] = "undetermined", False, None
    cert["evidence"] = {}
    return cert


# ---------------------------------------------------------------------------------------
# hessian_inertia

@forgery("hessian_inertia", "(1 - w1*w2)^2", "w1,w2", inertia_is((1, 1, 0)),
         id="hessian-inertia-stated-positive-definite")
def _():
    cert = source("(1 - w1*w2)^2", "w1,w2", (0, 0), "strict_saddle")
    cert["hessian_inertia"] = {"positive": 2, "negative": 0, "zero": 0}
    return cert


def _relu_of_square_is_a_strict_minimum(L):
    # relu(x^2) = x^2 everywhere: the loss is x^2 + y^2, with Hessian 2I
    equals_everywhere_sampled(L, "x**2 + y**2", "x,y", [(a, b) for a in (-1, 0, "1/3") for b in (-2, 0, "1/2")])
    nowhere_below(L, (0, 0), strict=True)


@forgery("hessian_inertia", "relu(x^2) + y^2", "x,y", _relu_of_square_is_a_strict_minimum,
         id="hessian-inertia-table-row-6-null-where-the-hessian-exists")
def _():
    # "local_min, no Hessian": the Hessian exists (2I).  Built from classify's
    # certificate: its own bound per piece if it has one, else one sos x^2 + y^2 per adjacent piece.
    cert = source("relu(x^2) + y^2", "x,y", (0, 0), ("local_min", "strict_local_min"))
    cert["kind"], cert["hessian_inertia"] = "local_min", None
    if "minimum" not in cert["evidence"]:
        proof = evidence(cert, "pieces")
        need(isinstance(proof.get("full"), list) and all("pattern" in e for e in proof["full"]), proof)
        cert["evidence"]["minimum"] = {"type": "pieces", "pieces": [
            {"type": "sos", "region": {"pattern": e["pattern"]}, "sense": "lower",
             "terms": [{"coefficient": "1", "polynomial": "x"}, {"coefficient": "1", "polynomial": "y"}]}
            for e in proof["full"]]}
    cert["evidence"] = keep_evidence(cert, {"inertia"})
    return cert


@forgery("hessian_inertia", "x^2 + y^4", "x,y", _definite((1, 0, 1)), id="hessian-inertia-null-on-a-polynomial")
def _():
    cert = no_global(source("x^2 + y^4", "x,y", (0, 0), "local_min"))
    cert["hessian_inertia"] = None
    cert["evidence"] = keep_evidence(cert, {"inertia"})
    return cert


@forgery("hessian_inertia", "x^2 + y^2", "x,y", _definite((2, 0, 0)), id="hessian-inertia-negative-count")
def _():
    cert = source("x^2 + y^2", "x,y", (0, 0), "strict_local_min")
    cert["hessian_inertia"] = {"positive": 3, "negative": -1, "zero": 0}
    return cert


# ---------------------------------------------------------------------------------------
# global_min

def _lee_minimum_is_global(L):
    w1, w2 = L.variables
    assert sympy.expand(L.expression - (1 - w1 * w2) ** 2) == 0  # a square: >= 0 = L(2, 1/2)
    assert value(L, (2, "1/2")) == 0


@forgery("global_min", "(1 - w1*w2)^2", "w1,w2", _lee_minimum_is_global, id="global-min-false-at-a-zero-of-a-square")
def _():
    cert = source("(1 - w1*w2)^2", "w1,w2", (2, "1/2"), "local_min")
    cert["global_min"] = False
    cert["global"] = {"type": "witness", "point": ["1", "1"], "value": "0"}
    return cert


@forgery("global_min", "x^2 - y^2", "x,y", _lower_somewhere((0, 1), 0), id="global-min-true-at-a-saddle")
def _():
    cert = source("x^2 - y^2", "x,y", (0, 0), "strict_saddle")
    cert["global_min"] = True
    cert["global"] = {"type": "global_lower_bound",
                      "certificate": {"type": "sos", "region": "everywhere", "sense": "lower",
                                      "terms": [{"coefficient": "1", "polynomial": "x"}]}}
    return cert


@forgery("global_min", "x^2 + y^2 - x^3", "x,y", _lower_somewhere((2, 0), 0), id="global-min-true-kept-after-a-cubic")
def _():
    # a strict local minimum both ways; the source's global_min true stays, its bound does not hold
    cert = source("x^2 + y^2", "x,y", (0, 0), "strict_local_min")
    need(cert["global_min"] is True, cert["global_min"])
    return cert


# ---------------------------------------------------------------------------------------
# what the CLI reads: a whole `classify --format json` output, duplicate keys

def _whole(loss, variables, point, kinds, **top):
    out = source(loss, variables, point, kinds, whole=True)
    for key, new in top.items():
        need(key in out and out[key] != new, f"the output's {key} is {out.get(key)!r}")
        out[key] = new
    return out


@forgery("cli_output", "x^2 - y^2", "x,y", lambda L: descends(L, (0, 0), (0, 1)),
         id="output-kind-contradicts-certificate")
def _():
    return _whole("x^2 - y^2", "x,y", (0, 0), "strict_saddle", kind="strict_local_min")


@forgery("cli_output", "x^2 - y^2", "x,y", _value_is(0), id="output-value-contradicts-certificate")
def _():
    return _whole("x^2 - y^2", "x,y", (0, 0), "strict_saddle", value="-1")


@forgery("cli_output", "x^2 - y^2", "x,y", lambda L: critical(L, (0, 0)), id="output-critical-contradicts-certificate")
def _():
    return _whole("x^2 - y^2", "x,y", (0, 0), "strict_saddle", critical=False)


@forgery("cli_output", "x^2 - y^2", "x,y", inertia_is((1, 1, 0)),
         id="output-inertia-contradicts-certificate")
def _():
    return _whole("x^2 - y^2", "x,y", (0, 0), "strict_saddle",
                  hessian_inertia={"positive": 2, "negative": 0, "zero": 0})


@forgery("cli_output", "x^2 - y^2", "x,y", _lower_somewhere((0, 1), 0), id="output-global-min-contradicts-certificate")
def _():
    return _whole("x^2 - y^2", "x,y", (0, 0), "strict_saddle", global_min=True)


@forgery("cli_output", "x^2 - y^2", "x,y", lambda L: descends(L, (0, 0), (0, 1)),
         id="duplicate-kind-in-the-certificate", raw=True)
def _():
    # a reader that keeps the first of two equal keys reads "strict_local_min"; Python keeps the last
    text = json.dumps(source("x^2 - y^2", "x,y", (0, 0), "strict_saddle"))
    need(text.startswith('{"type": "classification", "kind": "strict_saddle"'), text[:60])
    return '{"kind": "strict_local_min", ' + text[1:]


@forgery("cli_output", "x^2 - y^2", "x,y", lambda L: descends(L, (0, 0), (0, 1)),
         id="duplicate-kind-in-the-output", raw=True)
def _():
    text = json.dumps(_whole("x^2 - y^2", "x,y", (0, 0), "strict_saddle"))
    need(text.startswith('{"kind": "strict_saddle"'), text[:60])
    return '{"kind": "strict_local_min", ' + text[1:]


@forgery("cli_output", "x^2 - y^2", "x,y", lambda L: descends(L, (0, 0), (0, 1)),
         id="duplicate-evidence-in-the-certificate", raw=True)
def _():
    # the first "evidence" claims a minimum by a (false) sum of squares; the last is the true one
    cert = source("x^2 - y^2", "x,y", (0, 0), "strict_saddle")
    text = json.dumps(cert)
    false = json.dumps({"critical": {"type": "critical"},
                        "minimum": {"type": "sos", "region": "everywhere", "sense": "lower",
                                    "terms": [{"coefficient": "1", "polynomial": "x"},
                                              {"coefficient": "1", "polynomial": "y"}]}})
    return '{"evidence": ' + false + ', ' + text[1:]


# ---------------------------------------------------------------------------------------
# eckart_young: "a global minimum of this deep linear network", where it is not one

@functools.lru_cache(maxsize=None)
def _deep_three():
    # Σ = diag(1, 4, 9), p = 2: optimum (14 − 13)/2 = 1/2
    return deep_linear(sympy.eye(3), sympy.diag(1, 2, 3), hidden=[2])


@functools.lru_cache(maxsize=None)
def _deep_split():
    # Y rows (1,0,0), (1,1,1): Σ = [[1,1],[1,3]] has eigenvalues 2 ± √2, p = 1: the optimum is irrational
    return deep_linear(sympy.eye(3), [[1, 0, 0], [1, 1, 1]], hidden=[1])


_THREE_MIN = ("0", "2", "0", "0", "0", "3", "0", "0", "1", "0", "0", "1")      # value 1/2
_THREE_SADDLE = ("1", "0", "0", "0", "0", "3", "1", "0", "0", "0", "0", "1")   # keeps 1 and 9: value 2


def _names(L):
    return ",".join(map(str, L.variables))


def _eckart_young_claim(loss, variables, point, bound, kinds, network=None):
    """classify's certificate at ``point`` turned into "a global minimum, by ``bound``"."""
    cert = source(loss, variables, point, kinds, network=network)
    need({"critical", "inertia"} <= set(cert["evidence"]), cert["evidence"])
    cert["kind"] = "local_min"
    cert["evidence"] = {"critical": cert["evidence"]["critical"], "inertia": cert["evidence"]["inertia"],
                        "minimum": copy.deepcopy(bound)}
    cert["global_min"] = True
    cert["global"] = copy.deepcopy(bound)
    return cert


def _three_bound():
    bound = eckart_young_bound(_deep_three(), _THREE_MIN)
    need(bound is not None and bound["bound"] == "1/2", bound)
    return bound


@forgery("eckart_young", str(_deep_three().expression), _names(_deep_three()),
         lambda L: (value(L, _THREE_MIN) < value(L, _THREE_SADDLE)) or pytest.fail("not lower"),
         id="eckart-young-at-a-saddle", network=_deep_three)
def _():
    return _eckart_young_claim(str(_deep_three().expression), _names(_deep_three()), _THREE_SADDLE,
                               _three_bound(), ("strict_saddle", "degenerate_saddle"), network=_deep_three)


@forgery("eckart_young", str(_deep_three().expression), _names(_deep_three()),
         lambda L: (value(L, _THREE_MIN) < value(L, _THREE_SADDLE)) or pytest.fail("not lower"),
         id="eckart-young-bound-raised-to-the-saddle-value", network=_deep_three)
def _():
    bound = _three_bound()
    bound["bound"] = "2"
    return _eckart_young_claim(str(_deep_three().expression), _names(_deep_three()), _THREE_SADDLE,
                               bound, ("strict_saddle", "degenerate_saddle"), network=_deep_three)


_EXTRA = f"{_deep_three().expression} - W1_1_1^4"


@forgery("eckart_young", _EXTRA, _names(_deep_three()),
         _lower_somewhere(("10",) + _THREE_MIN[1:], Fraction(1, 2)), id="eckart-young-with-an-extra-term")
def _():
    # the extra term vanishes to fourth order at the point: same value, gradient and Hessian
    return _eckart_young_claim(_EXTRA, _names(_deep_three()), _THREE_MIN, _three_bound(),
                               ("undetermined", "local_min"))


@forgery("eckart_young", str(_deep_split().expression), _names(_deep_split()),
         # W1 = (1, 1, 1), W2 = (0, 1)ᵀ fits the second row: value 1/2 < 2
         _lower_somewhere(("1", "1", "1", "0", "1"), 2), id="eckart-young-split-factor", network=_deep_split)
def _():
    bound = {"type": "eckart_young", "theorem": "Eckart-Young-Mirsky", "scale": "1/2",
             "X": [["1", "0", "0"], ["0", "1", "0"], ["0", "0", "1"]], "Y": [["1", "0", "0"], ["1", "1", "1"]],
             "widths": [3, 1, 2], "layers": [[["W1_1_1", "W1_1_2", "W1_1_3"]], [["W2_1_1"], ["W2_2_1"]]],
             "bound": "2"}
    return _eckart_young_claim(str(_deep_split().expression), _names(_deep_split()), ("0",) * 5, bound,
                               ("strict_saddle", "degenerate_saddle"), network=_deep_split)


# ---------------------------------------------------------------------------------------
# ball_sos: "a local minimum on this ball", where the loss goes lower inside it

_QUINTIC_TERMS = [  # x² + y⁴ − y⁵ = x² + ½y⁴(1 − y)² + ½x²y⁴ + ½y⁴(1 − x² − y²)
    {"coefficient": "1", "polynomial": "x"},
    {"coefficient": "1/2", "polynomial": "y^2*(1 - y)"},
    {"coefficient": "1/2", "polynomial": "x*y^2"},
    {"coefficient": "1/2", "polynomial": "y^2", "constraint": 0},
]


def _ball_claim(loss, r2):
    cert = source(loss, "x,y", (0, 0), ("undetermined", "local_min"))
    need({"critical", "inertia"} <= set(cert["evidence"]), cert["evidence"])
    cert["kind"] = "local_min"
    cert["evidence"] = {"critical": cert["evidence"]["critical"], "inertia": cert["evidence"]["inertia"],
                        "minimum": {"type": "sos", "sense": "lower", "region": {"ball": r2},
                                    "terms": copy.deepcopy(_QUINTIC_TERMS)}}
    return cert


@forgery("ball_sos", "x^2 + y^4 - y^5", "x,y", _lower_somewhere((0, 2), 0), id="ball-sos-as-the-global-bound")
def _():
    cert = _ball_claim("x^2 + y^4 - y^5", "1")
    cert["global_min"] = True
    cert["global"] = {"type": "global_lower_bound", "certificate": copy.deepcopy(cert["evidence"]["minimum"])}
    return cert


@forgery("ball_sos", "x^2 + y^4 - y^5", "x,y", _lower_somewhere((0, "6/5"), 0), id="ball-sos-radius-too-large")
def _():
    return _ball_claim("x^2 + y^4 - y^5", "2")   # (0, 6/5) lies in the ball of radius √2


_OFF_CENTRE = "x^2 + 1/2*y^4*(1 - y)^2 + 1/2*x^2*y^4 + 1/2*y^4*(1 - (x - 1)^2 - y^2)"


@forgery("ball_sos", _OFF_CENTRE, "x,y", _lower_somewhere(("-81/1250", "3/5"), 0), id="ball-sos-other-centre")
def _():
    # the identity holds for the unit ball about (1, 0); (−81/1250, 3/5) is in the unit ball about 0
    return _ball_claim(_OFF_CENTRE, "1")


# ---------------------------------------------------------------------------------------
# algebraic_classification: a nondegenerate critical point at a real algebraic point, where it is not one

_QUARTIC = "x^4/4 - x^2 + y^2/2"  # (√2, 0): a strict minimum of value -1 (Hessian diag(4, 1))


def algebraic_source(loss, variables, g, index, coordinates, kinds):
    """A deep copy of classify_algebraic's certificate for a TRUE claim, after its control (verify)."""
    import flint

    from symlandscape.algebraic import AlgebraicPoint
    from symlandscape.algebraic_classify import classify_algebraic

    L = landscape(loss, variables)
    verdict = classify_algebraic(L, AlgebraicPoint(flint.fmpq_poly(g), index, coordinates))
    if verdict.kind not in kinds or verify(verdict.certificate, L) is not True:
        pytest.fail(f"algebraic source {loss}: {verdict.kind}, expected {kinds}")
    return copy.deepcopy(verdict.certificate)


def _at_sqrt2(L):
    """Gradient and Hessian of the SymPy expression at the exact point (√2, 0)."""
    xs = L.variables
    subs = dict(zip(xs, (sympy.sqrt(2), 0)))
    gradient = [sympy.simplify(sympy.diff(L.expression, x).subs(subs)) for x in xs]
    return gradient, sympy.hessian(L.expression, xs).subs(subs)


def _not_a_strict_minimum_at_sqrt2(L):
    gradient, H = _at_sqrt2(L)
    eigenvalues = [sympy.simplify(e) for e in H.eigenvals(multiple=True)]
    assert any(g != 0 for g in gradient) or any(not e.is_positive for e in eigenvalues), (gradient, eigenvalues)


@forgery("algebraic_classification", "x^4/4 - x^2 - y^2/2", "x,y", _not_a_strict_minimum_at_sqrt2,
         id="algebraic-minimum-on-a-saddle")
def _():
    # the minimum's certificate on the loss with -y^2/2: Hessian diag(4, -1), a saddle
    return algebraic_source(_QUARTIC, "x,y", [-2, 0, 1], 1, [[0, 1], [0]], ("strict_local_min",))


@forgery("algebraic_classification", _QUARTIC + " + y", "x,y", _not_a_strict_minimum_at_sqrt2,
         id="algebraic-minimum-where-the-gradient-is-not-zero")
def _():
    # dL/dy = y + 1 = 1 at (√2, 0)
    return algebraic_source(_QUARTIC, "x,y", [-2, 0, 1], 1, [[0, 1], [0]], ("strict_local_min",))


@forgery("algebraic_classification", "x^4/4 - x^2 + y^4", "x,y", _not_a_strict_minimum_at_sqrt2,
         id="algebraic-minimum-at-a-singular-hessian")
def _():
    # y^4 instead of y^2/2: still critical, but the Hessian diag(4, 0) is singular
    return algebraic_source(_QUARTIC, "x,y", [-2, 0, 1], 1, [[0, 1], [0]], ("strict_local_min",))


def _three_roots_and_a_saddle(L):
    # t^3 - 2t has three real roots in [-2, 3/2] (0 and ±√2): no single point is meant; at 0 the
    # quartic's Hessian is diag(-2, 1), not a minimum
    t = sympy.Symbol("t")
    assert len([r for r in sympy.real_roots(t**3 - 2 * t) if -2 <= r <= sympy.Rational(3, 2)]) == 3
    H = sympy.hessian(L.expression, L.variables).subs(dict.fromkeys(L.variables, 0))
    assert H.det() < 0


@forgery("algebraic_classification", _QUARTIC, "x,y", _three_roots_and_a_saddle, id="algebraic-interval-with-three-roots")
def _():
    cert = algebraic_source(_QUARTIC, "x,y", [-2, 0, 1], 1, [[0, 1], [0]], ("strict_local_min",))
    need(cert["field"]["polynomial"] == "t^2 - 2", cert["field"])
    cert["field"] = {"polynomial": "t^3 - 2*t", "interval": ["-2", "3/2"]}
    return cert


def _value_is_not_minus_two(L):
    assert sympy.simplify(L.expression.subs(dict(zip(L.variables, (sympy.sqrt(2), 0))))) == -1


@forgery("algebraic_classification", _QUARTIC, "x,y", _value_is_not_minus_two, id="algebraic-wrong-value")
def _():
    cert = algebraic_source(_QUARTIC, "x,y", [-2, 0, 1], 1, [[0, 1], [0]], ("strict_local_min",))
    cert["value"] = "-2"
    return cert


# ---------------------------------------------------------------------------------------
# the tests

IDS = [f.id for f in FORGERIES]
assert len(set(IDS)) == len(IDS), [i for i in IDS if IDS.count(i) > 1]


def target(f):
    return f.network() if f.network is not None else landscape(f.loss, f.variables)


@functools.lru_cache(maxsize=None)
def _built(fid):
    f = FORGERIES[IDS.index(fid)]
    built = f.build()
    return built if f.raw else json.dumps(built)


def built(f):
    """The forgery: raw JSON text, or a fresh dict (tests may not share mutable state)."""
    text = _built(f.id)
    return text if f.raw else json.loads(text)


@pytest.mark.parametrize("f", FORGERIES, ids=IDS)
def test_forgery_states_a_false_claim(f):
    built(f)  # the mutation applies to today's format (or fails loudly)
    f.false_because(target(f))


@pytest.mark.parametrize("f", [f for f in FORGERIES if not f.raw], ids=[f.id for f in FORGERIES if not f.raw])
def test_verify_rejects_the_forgery(f):
    with pytest.raises(CertificateError):
        verify(built(f), target(f))


# cli.py reads the file with open(...).read() and never closes it: the ResourceWarning is
# pinned by test_the_cli_reads_a_certificate_file_without_leaking_it, not by every forgery
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.parametrize("f", FORGERIES, ids=IDS)
def test_the_cli_rejects_the_forgery(f, tmp_path, capsys):
    path = tmp_path / "certificate.json"
    path.write_text(built(f) if f.raw else json.dumps(built(f), indent=1), encoding="utf-8")
    code = cli_main(["verify", str(path), "--loss", f.loss, "--vars", f.variables])
    out, err = capsys.readouterr()
    assert code == 1, f"exit {code}: {out.strip()} {err.strip()}"
    assert "verified" not in out and "certificate rejected" in err


def test_the_cli_reads_a_certificate_file_without_leaking_it(tmp_path, capsys):
    # the control of the CLI test above: a true certificate verifies (exit 0), and the file is closed
    path = tmp_path / "lee.json"
    path.write_text(json.dumps(source("(1 - w1*w2)^2", "w1,w2", (0, 0), "strict_saddle")), encoding="utf-8")
    assert cli_main(["verify", str(path), "--loss", "(1 - w1*w2)^2", "--vars", "w1,w2"]) == 0
    assert capsys.readouterr().out.strip() == "verified"


def test_the_corpus_covers_every_type():
    counts = Counter(f.type for f in FORGERIES)
    short = {t: counts.get(t, 0) for t in TYPES if counts.get(t, 0) < MIN_PER_TYPE}
    assert not short, f"types with fewer than {MIN_PER_TYPE} forgeries: {short}"
    assert sum(counts.values()) >= MIN_PER_TYPE * len(TYPES)


def test_the_network_forgery_checks_the_network_loss():
    # the CLI reads the network's loss as text: it must be the same function as the network
    L = _mlp_pm1()
    text = landscape(str(L.expression), ",".join(map(str, L.variables)))
    for p in [(a, b) for a in (-1, "-1/1000", 0, "1/2") for b in (-2, 0, 1)]:
        assert value(L, p) == value(text, p)


def test_classify_refuses_a_point_where_the_loss_is_undefined(capsys):
    # x^2 + relu(x)/x - 1 at 0: relu(x)/x is undefined there (0/0): a domain error, exit 2
    code = cli_main(["classify", "--loss", "x^2 + relu(x)/x - 1", "--vars", "x", "--at", "0", "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 2, f"exit {code}: {out[:200]} {err.strip()}"
    assert "Traceback" not in err and err.count("\n") == 1
