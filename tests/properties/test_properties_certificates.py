"""``verify(classify(L, θ).certificate, L)`` is always True, on every kind of drawn point.

The drawn points cover critical points of deep linear networks (minima, strict and
degenerate saddles), generic points (not critical), and ReLU points on kinks, with dead
units and in the blind spot.  ``undetermined`` is an honest answer, but its certificate
must verify too.
"""

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symlandscape.classify import classify
from symlandscape.strategies import linear_critical_points, linear_instances, points, relu_instances, relu_points
from symlandscape.testing import VERDICT_KINDS
from symlandscape.verify import verify

pytestmark = pytest.mark.claim("certificates")

# Exact arithmetic has no meaningful per-example deadline (first calls fill SymPy's caches);
# every other setting comes from the Hypothesis profile (see symlandscape.pytest_plugin).
EXACT = settings(deadline=None)


def check(L, pt, seed=0):
    verdict = classify(L, pt, seed=seed)
    assert verdict.kind in VERDICT_KINDS
    assert verdict.verified is True
    assert verify(verdict.certificate, L) is True
    # the certificate is about this point and this value
    assert verdict.certificate["kind"] == verdict.kind
    assert [str(q) for q in verdict.certificate["point"]] == [str(q) for q in L.coerce_point(pt)]
    return verdict


@EXACT
@given(linear_critical_points(max_parameters=12), st.integers(0, 3))
def test_certificates_of_deep_linear_critical_points_verify(case, seed):
    L, pt = case
    verdict = check(L, pt, seed)
    assert verdict.critical


@EXACT
@given(linear_instances(max_parameters=12).flatmap(lambda L: st.tuples(st.just(L), points(L))))
def test_certificates_of_generic_deep_linear_points_verify(case):
    L, pt = case
    verdict = check(L, pt)
    assert verdict.critical == all(g == 0 for g in L.gradient(pt))


def in_blind_spot(L, pt):
    """Every first-layer unit strictly inactive on every sample, outputs at the target means."""
    model = L.model
    subs = dict(zip(L.variables, pt))
    X = sympy.Matrix(model.X.nrows(), model.X.ncols(), [sympy.Rational(int(e.p), int(e.q)) for e in model.X.entries()])
    W, b = model.layers[0]
    if not all(z < 0 for z in W.xreplace(subs) * X + b.xreplace(subs) * sympy.ones(1, X.cols)):
        return False
    outputs, Y = model.outputs().xreplace(subs), model.targets()
    return all(outputs[i, s] == sum(Y[i, :]) / Y.cols for i in range(Y.rows) for s in range(Y.cols))


@EXACT
@given(relu_instances(max_width=2, max_input_dim=1, max_samples=3), st.data())
def test_certificates_of_relu_points_verify(L, data):
    pt = data.draw(relu_points(L), label="point")
    verdict = check(L, pt)
    if in_blind_spot(L, pt):
        # the blind spot (Swirszcz, Czarnecki, Pascanu 2016) is a (non-strict) local minimum
        assert verdict.kind == "local_min"
