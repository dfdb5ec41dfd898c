"""The exponential-neuron identity of Liang, Sun, Lee, Srikant 2018 on drawn networks and points.

With one neuron ``a_j exp(w_jᵀ x + b_j)`` added per output unit and the penalty ``λ Σ a_j²/2``,
``a_j ∂L̃/∂a_j − ∂L̃/∂b_j = λ a_j²`` identically (so every critical point has a = 0).  The
gradient is the landscape's exact one; at a kink of the base network the identity is
checked on every adjacent smooth piece.
"""

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symlandscape import exponential_neuron, mlp
from symlandscape.strategies import linear_instances, points, rationals, relu_instances

pytestmark = pytest.mark.claim("LSLS18-elim")

# Exact arithmetic has no meaningful per-example deadline (first calls fill SymPy's caches);
# every other setting comes from the Hypothesis profile (see symlandscape.pytest_plugin).
EXACT = settings(deadline=None)


@st.composite
def classification_instances(draw):
    """Small ReLU classifiers with labels ±1 and the polynomial hinge loss max(1 − y f, 0)^3."""
    m = draw(st.integers(1, 3))
    X = sympy.Matrix(1, m, draw(st.lists(rationals(min_value=-2, max_value=2, max_denominator=1),
                                         min_size=m, max_size=m)))
    Y = sympy.Matrix(1, m, draw(st.lists(st.sampled_from([1, -1]), min_size=m, max_size=m)))
    return draw(st.builds(mlp, st.just(X), st.just(Y), hidden=st.just([1]), loss=st.just("hinge")))


base_networks = st.one_of(
    linear_instances(max_hidden_layers=1, max_input_dim=2, max_output_dim=2, max_width=2, max_samples=3),
    relu_instances(max_width=1, max_input_dim=1, max_samples=3),
    classification_instances(),
)


@EXACT
@given(base_networks, rationals(min_value="1/4", max_value=3, max_denominator=4), st.data())
def test_exponential_neuron_identity(base, lam, data):
    L = exponential_neuron(base, lam)
    pt = data.draw(points(L, min_value=-2, max_value=2, max_denominator=2), label="point")
    model = L.model
    index = {v: i for i, v in enumerate(L.variables)}
    for piece in L.pieces(pt):
        gradient = piece.landscape.gradient(pt)
        for a, b in zip(model.a, model.b):
            a_value = pt[index[a]]
            identity = a_value * gradient[index[a]] - gradient[index[b]] - lam * a_value**2
            assert sympy.expand(identity) == 0, (a, b, identity)
