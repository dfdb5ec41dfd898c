"""Piecewise losses: equivalent forms agree, and every verified verdict survives exact probes.

The losses (``piecewise_forms``) are sums of ``relu``, ``abs``, ``max``, ``min``, ``leaky_relu``
units of affine arguments, squares and products of them, and networks without biases on scalar
samples; each is written in several equivalent forms.  Points sit on kinks (the origin with
homogeneous arguments, or points solved onto a kink) or off every kink.  The properties:

(a) equivalent forms get the same ``kind``, ``critical`` and ``hessian_inertia`` (when both
    are not None);
(b) every verdict (classify runs ``verify`` before returning it) agrees with probes that use
    exact values at rational points, computed by ``piecewise_forms`` without the library: in one
    or two variables an exact oracle (the gradient and Hessian of every piece at the point, from
    values along rays: criticality in Clarke's sense, whether the gradient and the Hessian exist,
    the inertia, and the kinds the first two orders allow); in any dimension values on small
    spheres, along the certificate's directions and curves, and at its witness;
(c) off the kinks the verdict is that of the smooth form (each unit replaced by its branch).

``undetermined`` is an honest answer, so it is exempt from (a) and (c) (Hypothesis ``event``s
count it), but what it states — ``critical`` and its curves — is probed like any verdict.
No tolerance anywhere: every comparison is between exact rationals.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
import sympy
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from piecewise_forms import Affine, Network, PiecewiseForm, Term, forms_for, network_cases, piecewise_cases, truth
from symlandscape import Landscape, mlp
from symlandscape.classify import classify
from symlandscape.verify import verify

# Each example classifies one to three exact landscapes (0.01 to 0.3 s each); these counts keep
# the file near 30 s in the ci profile when it passes (about 60 s with failures to shrink).
# deadline=None: first calls fill SymPy's caches.
QUICK = settings(max_examples=200, deadline=None)
SLOW = settings(max_examples=80, deadline=None)


# The rows of EQUIVALENT below in generated form, pinned as examples: x and x/2 + relu(x)/2 = leaky_relu(x, 1/2)
# at 0, written relu(x) - relu(-x) (form 1 of "linear") and relu(x) - 1/2 relu(-x) (form 2 of "leaky").
_ZERO = Fraction(0)
_IDENTITY = PiecewiseForm(("x",), (Term("linear", Fraction(1), (Affine((Fraction(1),), _ZERO),)),))
_HALF = PiecewiseForm(("x",), (Term("leaky", Fraction(1), (Affine((Fraction(1),), _ZERO),), Fraction(1, 2)),))


def verdict_of(text, variables, point):
    L = Landscape.from_expression(text, variables)
    return L, classify(L, [str(c) for c in point])


def R(c):
    return sympy.Rational(c.numerator, c.denominator) if isinstance(c, Fraction) else sympy.Rational(str(c))


def Q(text):
    """A certificate's rational entry as a Fraction; a non-rational entry fails the probe."""
    assert isinstance(text, (str, int)) and not isinstance(text, bool), text
    return Fraction(text)


def along(point, d, t):
    return tuple(p + t * Fraction(di) for p, di in zip(point, d))


# ---------------------------------------------------------------------------------------
# (b) the probes


#: Radii of the sphere probes and steps along directions and curves.  Every non-vanishing
#: argument is at least 1/4 away from 0 at the drawn points and changes by at most ~10^-2 at
#: these distances, so the probes stay inside the fan of pieces at the point; the loss there
#: is a polynomial on each piece with coefficients of a few units, so its leading terms
#: dominate at these radii.
RADII = (Fraction(1, 10**3), Fraction(1, 10**5))
STEPS = (Fraction(1, 10**6), Fraction(1, 10**9))


def sphere_directions(n):
    return [d for d in itertools.product(range(-2, 3), repeat=n) if any(d)]


def probe(f, point, verdict):
    """Check ``verdict`` against the exact values of ``f`` (a Fraction-valued function).

    What it shows: a minimum (maximum) claim is contradicted by any sampled point below
    (above) the value; a descent or ascent curve, a strict saddle's directions u and v and a
    non-critical point's gradient are checked where they lead, at t = 10^-6 and 10^-9, where
    the stated leading term decides the sign.  What it cannot show: that a point is a minimum
    (finitely many samples), or that a saddle claim is true beyond its stated curves — a saddle
    says there are lower and higher points arbitrarily close, which no finite sample can refute,
    so for saddles the probe checks exactly the witnesses the certificate gives.
    """
    cert = verdict.certificate
    value = f(point)
    assert R(value) == verdict.value, (verdict.value, value)
    kind, evidence = verdict.kind, cert["evidence"]
    if kind in ("local_min", "strict_local_min", "local_max", "strict_local_max"):
        lower = kind.endswith("min")
        strict = kind.startswith("strict")
        for r in RADII:
            for d in sphere_directions(len(point)):
                v = f(along(point, d, r))
                if lower:
                    assert v > value if strict else v >= value, (kind, d, r, v, value)
                else:
                    assert v < value if strict else v <= value, (kind, d, r, v, value)
    if "indefinite" in evidence:
        u, w = (tuple(Q(x) for x in evidence["indefinite"][k]) for k in ("u", "v"))
        for t in STEPS:
            assert f(along(point, u, t)) < value, ("u", u, t)
            assert f(along(point, w, t)) > value, ("v", w, t)
    for role, sign in (("descent", -1), ("ascent", 1)):
        if role in evidence:
            curve = [tuple(Q(x) for x in d) for d in evidence[role]["curve"]]
            for t in STEPS:
                theta = tuple(p + sum((t ** (k + 1) * d[i] for k, d in enumerate(curve)), Fraction(0))
                              for i, p in enumerate(point))
                difference = f(theta) - value
                assert (difference > 0) - (difference < 0) == sign, (role, curve, t, difference)
    if "gradient" in evidence:
        g = tuple(Q(x) for x in evidence["gradient"]["gradient"])
        assert any(g)
        for t in STEPS:
            assert f(along(point, g, -t)) < value < f(along(point, g, t)), ("gradient", g, t)
    if verdict.global_min is False:
        assert f(tuple(Q(x) for x in cert["global"]["point"])) < value
    if verdict.global_min is True:
        for d in itertools.product(range(-3, 4), repeat=len(point)):
            assert f(along(point, d, Fraction(1))) >= value, ("global", d)


def check_against_truth(f, point, lines, verdict):
    """A loss of one or two variables with its kinks on ``lines``: the verdict against the exact truth."""
    exact = truth(f, point, lines)
    event(f"truth: {' or '.join(sorted(exact.kinds))}")
    if exact.inertia is not None or verdict.hessian_inertia is not None:
        # stated only where the Hessian exists, and then right; a non-critical point may omit it
        assert verdict.hessian_inertia == exact.inertia or (
            verdict.hessian_inertia is None and verdict.kind in ("not_critical", "undetermined")), (
            f"hessian_inertia={verdict.hessian_inertia}; the Hessian "
            f"{'has inertia ' + str(exact.inertia) if exact.inertia else 'does not exist'}")
    if verdict.kind == "undetermined":
        event("undetermined")
        assert not verdict.critical or exact.critical, "undetermined, yet critical=true at a non-critical point"
        return
    assert verdict.kind in exact.kinds, f"{verdict.kind}; the truth is {sorted(exact.kinds)}"
    assert verdict.critical == exact.critical


@QUICK
@given(piecewise_cases(piecewise_linear=True).flatmap(lambda case: st.tuples(st.just(case), forms_for(case[0]))))
@example(((_IDENTITY, (_ZERO,)), (1,)))
@example(((_HALF, (_ZERO,)), (2,)))
def test_piecewise_linear_verdicts_are_the_exact_truth(drawn):
    (form, point), forms = drawn
    L, verdict = verdict_of(form.text(forms), form.variables, point)
    assert verify(verdict.certificate, L) is True
    check_against_truth(form.value, point, form.kinks(point), verdict)
    probe(form.value, point, verdict)


@QUICK
@given(piecewise_cases(piecewise_linear=False, dimensions=(1, 2, 3)).flatmap(
    lambda case: st.tuples(st.just(case), forms_for(case[0]))))
def test_piecewise_polynomial_verdicts_survive_exact_probes(drawn):
    (form, point), forms = drawn
    L, verdict = verdict_of(form.text(forms), form.variables, point)
    for p in (point, along(point, (1,) * len(point), Fraction(1, 3))):  # the text is the form
        assert L.value([str(c) for c in p]) == R(form.value(p))
    probe(form.value, point, verdict)
    if len(point) <= 2:
        check_against_truth(form.value, point, form.kinks(point), verdict)


@SLOW
@given(network_cases(), st.lists(st.integers(0, 4), min_size=1, max_size=6))
def test_networks_agree_with_their_closed_forms(case, forms):
    network, point = case
    L = network.landscape()
    closed = Landscape.from_expression(network.text(forms), network.variables)
    assert tuple(str(v) for v in L.variables) == network.names
    for p in (point, along(point, (1,) * len(point), Fraction(1, 3))):
        assert L.value([str(c) for c in p]) == closed.value([str(c) for c in p]) == R(network.value(p))
    by_network, by_form = classify(L, [str(c) for c in point]), classify(closed, [str(c) for c in point])
    same_verdict(by_network, by_form)
    for verdict in (by_network, by_form):
        probe(network.value, point, verdict)
        if network.width == 1:
            check_against_truth(network.value, point, network.kink_lines(point), verdict)


# ---------------------------------------------------------------------------------------
# (a) equivalent forms


def same_verdict(v1, v2):
    if "undetermined" in (v1.kind, v2.kind):
        event("undetermined in one form")
        return
    assert (v1.kind, v1.critical) == (v2.kind, v2.critical)
    if v1.hessian_inertia is not None and v2.hessian_inertia is not None:
        assert v1.hessian_inertia == v2.hessian_inertia
    assert v1.value == v2.value


@QUICK
@given(piecewise_cases(piecewise_linear=False, max_terms=2).flatmap(
    lambda case: st.tuples(st.just(case), forms_for(case[0]), forms_for(case[0]))))
@example(((_IDENTITY, (_ZERO,)), (0,), (1,)))
@example(((_HALF, (_ZERO,)), (0,), (2,)))
def test_equivalent_forms_get_the_same_verdict(drawn):
    (form, point), first, second = drawn
    _, v1 = verdict_of(form.text(first), form.variables, point)
    _, v2 = verdict_of(form.text(second), form.variables, point)
    same_verdict(v1, v2)


#: Equivalent forms, with the truth at the point derived by hand (kind, critical, inertia).
EQUIVALENT = [
    # relu(x)/2 + x/2 = x for x >= 0 and x/2 for x <= 0: increasing, not critical
    (("relu(x)/2 + x/2", "relu(x) - relu(-x)/2", "max(x, x/2)", "leaky_relu(x, 1/2)"), "x", (0,),
     ("not_critical", False, None)),
    # x itself (a nonzero gradient decides: the Hessian is not examined, so no inertia is reported)
    (("x", "relu(x) - relu(-x)", "max(x, 0) + min(x, 0)", "abs(x) - 2*relu(-x)"), "x", (0,),
     ("not_critical", False, None)),
    # |x| + y^2: a (non-strict in the Hessian sense: no Hessian) minimum
    (("abs(x) + y^2", "relu(x) + relu(-x) + y^2", "max(x, -x) + y^2", "2*relu(x) - x + y^2"), "x,y", (0, 0),
     ("local_min", True, None)),
    # max(x, y): not critical (both pieces' gradients have positive sum of components)
    (("max(x, y)", "y + relu(x - y)", "x + relu(y - x)", "(x + y + abs(x - y))/2"), "x,y", (0, 0),
     ("not_critical", False, None)),
    # min(x, y) - x/2 - y/2 = -|x - y|/2: a maximum, non-strict along x = y
    (("min(x, y) - x/2 - y/2", "x/2 - y/2 - relu(x - y)", "-abs(x - y)/2"), "x,y", (0, 0),
     ("local_max", True, None)),
    # relu(x)^2 = x*relu(x): C^1 with Hessians 2 and 0 on the two sides, so no Hessian; a minimum
    (("relu(x)^2 + y^2", "x*relu(x) + y^2", "max(x, 0)^2 + y^2", "x^2 - relu(-x)^2 + y^2"), "x,y", (0, 0),
     ("local_min", True, None)),
]


@pytest.mark.parametrize("texts, variables, point, expected", EQUIVALENT, ids=[e[0][0] for e in EQUIVALENT])
def test_equivalent_forms_of_the_issue(texts, variables, point, expected):
    kind, critical, inertia = expected
    for text in texts:
        L, verdict = verdict_of(text, variables, point)
        assert (verdict.kind, verdict.critical, verdict.hessian_inertia) == (kind, critical, inertia), text


# ---------------------------------------------------------------------------------------
# (c) off the kinks: the smooth form


@QUICK
@given(piecewise_cases(piecewise_linear=False, kinks=False).flatmap(
    lambda case: st.tuples(st.just(case), forms_for(case[0]))))
def test_off_the_kinks_the_verdict_is_the_smooth_forms(drawn):
    (form, point), forms = drawn
    assert not form.on_kink(point)
    _, piecewise = verdict_of(form.text(forms), form.variables, point)
    _, smooth = verdict_of(form.smooth_text(point), form.variables, point)
    same_verdict(piecewise, smooth)
    if "undetermined" not in (piecewise.kind, smooth.kind):
        assert piecewise.hessian_inertia == smooth.hessian_inertia


# ---------------------------------------------------------------------------------------
# the table of textbook forms, with the TRUE kinds (derived by hand)

TWO_SAMPLES = "1/2*((v*relu(w) - 1)^2 + (v*relu(-w) + 1)^2)"  # = 1/2 (v w - 1)^2 + 1/2 (for every w)

TABLE = [
    # loss, variables, point, kind, critical, hessian_inertia (None: no Hessian; "any": either
    # None or the given one is acceptable — not_critical needs no Hessian statement)
    ("relu(x) - relu(-x)", "x", (0,), "not_critical", False, {"positive": 0, "negative": 0, "zero": 1}),
    # one-sided slopes 1 (x > 0) and 2 (x < 0): no gradient, 0 not in [1, 2]
    ("relu(x) - relu(2*x) + 2*x", "x", (0,), "not_critical", False, None),
    # gradient of 1/2 (v w - 1)^2 at (0, 1): (v (v w - 1), w (v w - 1)) = (-1, 0); Hessian
    # [[v^2, 2 v w - 1], [2 v w - 1, w^2]] = [[1, -1], [-1, 0]]: determinant -1
    (TWO_SAMPLES, "w,v", (0, 1), "not_critical", False, {"positive": 1, "negative": 1, "zero": 0}),
    # at (0, 0): gradient 0, Hessian [[0, -1], [-1, 0]], eigenvalues ±1
    (TWO_SAMPLES, "w,v", (0, 0), "strict_saddle", True, {"positive": 1, "negative": 1, "zero": 0}),
    # relu((x - y)^2) = (x - y)^2, so the loss is x^2 - 2xy: Hessian [[2, -2], [-2, 0]], determinant -4
    ("relu(x^2 - 2*x*y + y^2) - y^2", "x,y", (0, 0), "strict_saddle", True,
     {"positive": 1, "negative": 1, "zero": 0}),
    # relu(x^2) = x^2: the loss is x^2 + y^2
    ("relu(x^2) + y^2", "x,y", (0, 0), "strict_local_min", True, {"positive": 2, "negative": 0, "zero": 0}),
]


@pytest.mark.parametrize("loss, variables, point, kind, critical, inertia", TABLE,
                         ids=[f"{t[0]} at {t[2]}" for t in TABLE])
def test_the_issue_table_with_the_true_kinds(loss, variables, point, kind, critical, inertia):
    L, verdict = verdict_of(loss, variables, point)
    assert (verdict.kind, verdict.critical) == (kind, critical), verdict.explanation
    assert verdict.hessian_inertia in ((inertia, None) if kind == "not_critical" else (inertia,))
    assert verify(verdict.certificate, L) is True


def test_the_network_of_the_issue_is_smooth_and_not_critical_there():
    # mlp([[1, -1]], [[-1, 1]]) without biases: 1/2 (v relu(w) + 1)^2 + 1/2 (v relu(-w) - 1)^2
    # = 1/2 (v w + 1)^2 + 1/2 on both sides of w = 0: at (0, 1) the gradient is (1, 0)
    network = Network((Fraction(1), Fraction(-1)), (Fraction(-1), Fraction(1)), 1)
    L = mlp([[1, -1]], [[-1, 1]], hidden=[1], biases=False)
    for w, v in itertools.product((-1, Fraction(-1, 1000), 0, Fraction(1, 1000), 1), (1, 2)):
        assert L.value([str(w), str(v)]) == R(network.value((Fraction(w), Fraction(v)))) == R(
            Fraction(1, 2) * (Fraction(v) * w + 1) ** 2 + Fraction(1, 2))
    verdict = classify(L, [0, 1])
    assert (verdict.kind, verdict.critical) == ("not_critical", False), verdict.explanation
    assert verdict.hessian_inertia in (None, {"positive": 1, "negative": 1, "zero": 0})
    probe(network.value, (Fraction(0), Fraction(1)), verdict)
