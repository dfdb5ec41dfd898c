"""Baldi & Hornik 1989 ("Neural networks and principal component analysis") on drawn instances.

For the sum-of-squares loss of ``A B X ≈ Y`` with one hidden layer of width ``p <= d_y``
and Σ with distinct eigenvalues λ_1 > ... > λ_n and eigenvectors U, the points
``A = U_I C``, ``B = C^{-1} U_Iᵀ Y Xᵀ (X Xᵀ)^{-1}`` (|I| = p, C invertible) are critical
with value ``tr(Y Yᵀ) − Σ_{i∈I} λ_i``; ``I = {1..p}`` is the global minimum, every other
I a saddle.  The points are built here from SymPy's eigenvectors, not by the library's
``linear_theory.critical_point``.
"""

import pytest
import sympy
from hypothesis import assume, given, settings
from hypothesis import strategies as st


from symlandscape.strategies import linear_instances, rational_matrices
from symlandscape.testing import LOCAL_MIN_KINDS, assert_certified

pytestmark = pytest.mark.claim("BH89")

# Exact arithmetic has no meaningful per-example deadline (first calls fill SymPy's caches);
# every other setting comes from the Hypothesis profile (see symlandscape.pytest_plugin).
EXACT = settings(deadline=None)


def spectrum(X, Y):
    """Eigenvalues of Σ in descending order with unit eigenvectors (rational on these instances)."""
    S = Y * X.T * (X * X.T).inv() * X * Y.T
    pairs = []
    for value, multiplicity, vectors in S.eigenvects():
        assert multiplicity == 1
        v = vectors[0]
        pairs.append((value, v / sympy.sqrt(v.dot(v))))
    pairs.sort(key=lambda pair: pair[0], reverse=True)
    return [value for value, _ in pairs], sympy.Matrix.hstack(*[v for _, v in pairs])


@EXACT
@given(linear_instances(rational_spectrum=True, max_hidden_layers=1, max_input_dim=3, max_output_dim=3,
                        max_width=2, max_parameters=12, scale="sum"),
       st.data())
def test_bh89_critical_points_and_values(L, data):
    X, Y = L.X, L.Y
    p, d_y = L.widths[1], Y.rows
    assume(p <= d_y)
    eigenvalues, U = spectrum(X, Y)
    assert all(value.is_Rational for value in eigenvalues) and all(e.is_Rational for e in U)
    I = sorted(data.draw(st.lists(st.integers(0, d_y - 1), min_size=p, max_size=p, unique=True), label="I"))
    C = data.draw(rational_matrices(p, p, rank=p, min_value=-2, max_value=2, max_denominator=2), label="C")
    U_I = U[:, I]
    A = U_I * C
    B = C.inv() * U_I.T * Y * X.T * (X * X.T).inv()
    pt = L.point_from_matrices([B, A])
    assert all(g == 0 for g in L.gradient(pt))
    assert L.value(pt) == (Y * Y.T).trace() - sum(eigenvalues[i] for i in I)
    # the global minima include the reduced-rank ones (p < d_y), certified by the Eckart–Young bound
    verdict = assert_certified(L, pt)
    if I == list(range(p)):
        assert verdict.kind in LOCAL_MIN_KINDS and verdict.global_min is True
    else:
        assert verdict.kind == "strict_saddle"
        assert verdict.global_min is False
