"""Exact and numeric twins agree: values, gradients and Hessians on drawn instances and points.

The exact side is the landscape's engine (flint closed forms, pieces); the numeric side is
:func:`symlandscape.numeric.numeric_twin`, built from the loss expression or matrix
products, never from the exact engine.  Tolerances are relative to the size of the
numbers involved: float64 rounding on these small instances is ~1e-15 relative, so 1e-9
leaves ample room while a wrong formula (off by a term or a factor) fails by O(1).
"""

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from symlandscape.numeric import numeric_twin
from symlandscape.strategies import linear_critical_points, linear_instances, points, relu_instances, relu_points

pytestmark = pytest.mark.claim("numeric-agreement")

# Exact arithmetic has no meaningful per-example deadline (first calls fill SymPy's caches);
# every other setting comes from the Hypothesis profile (see symlandscape.pytest_plugin).
EXACT = settings(deadline=None)

RTOL = 1e-9


def close(exact, numeric):
    exact = np.asarray([float(e) for e in np.ravel(exact)])
    numeric = np.asarray(numeric, dtype=float).ravel()
    scale = max(1.0, float(np.max(np.abs(exact))) if exact.size else 1.0)
    return exact.shape == numeric.shape and bool(np.all(np.abs(exact - numeric) <= RTOL * scale))


def check_agreement(L, pt):
    twin = numeric_twin(L)
    value = L.value(pt)
    assert close([value], [twin.value(pt)])
    assert close(L.gradient(pt), twin.gradient(pt))
    assert close(L.hessian(pt), twin.hessian(pt))
    fine = numeric_twin(L, "mpmath", dps=40)
    with mpmath.workdps(40):
        difference = abs(fine.value(pt) - mpmath.mpf(value.p) / value.q)
        assert difference <= mpmath.mpf(10) ** -30 * max(1, abs(mpmath.mpf(value.p) / value.q))


deep_linear_cases = st.one_of(
    linear_instances(max_hidden_layers=3, max_parameters=16).flatmap(
        lambda L: st.tuples(st.just(L), points(L, min_value=-2, max_value=2, max_denominator=3))),
    linear_critical_points(max_parameters=16),
)


@EXACT
@given(deep_linear_cases)
def test_deep_linear_exact_and_numeric_agree(case):
    L, pt = case
    check_agreement(L, pt)


# the twin differentiates the loss expression symbolically: keep the ReLU networks tiny
@EXACT
@given(relu_instances(max_width=2, max_input_dim=1, max_samples=3), st.data())
def test_relu_exact_and_numeric_agree_off_kinks(L, data):
    pt = data.draw(relu_points(L, kinds=["generic", "dead"]), label="point")
    # on a kink the exact Hessian may not exist and the twin's relu'(0) is a convention
    assume(not L.kinks(pt))
    check_agreement(L, pt)


@EXACT
@given(relu_instances(max_width=2, max_samples=3), st.data())
def test_relu_values_agree_on_kinks(L, data):
    pt = data.draw(relu_points(L, kinds=["kink"]), label="point")
    value = L.value(pt)
    assert close([value], [numeric_twin(L).value(pt)])
    # every adjacent smooth piece takes the loss's value at the point
    for piece in L.pieces(pt):
        assert piece.landscape.value(pt) == value
        assert piece.contains(pt)


def test_tolerance_catches_a_wrong_gradient():
    exact = [sympy.Rational(1, 3), sympy.Integer(2)]
    assert close(exact, [1 / 3, 2.0])
    assert not close(exact, [1 / 3, 2.0 + 1e-6])
