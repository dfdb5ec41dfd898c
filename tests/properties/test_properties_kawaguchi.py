"""Kawaguchi 2016 ("Deep Learning without Poor Local Minima") on drawn instances.

K16-ii/iii: every drawn critical point is a certified global minimum or a certified saddle.
K16-iv / K16-cor2.4: with two weight matrices every saddle has a negative Hessian
eigenvalue; with three or more the zero-block construction gives saddles whose Hessian
vanishes (no negative eigenvalue), and the rank condition of K16-iv restores one.

The global optimum is recomputed here from SymPy's eigenvalues of Σ (reduced-rank
regression), negative eigenvalues by SymPy's exact semidefiniteness test — neither uses
the code under test.

When the smallest hidden width p is below d_y, a global minimum's optimality rests on
Eckart–Young (``L − L*`` need not be a low-degree sum of squares): ``classify`` certifies it
with the ``eckart_young`` bound, which ``verify`` re-derives.  The property requires a
certified global minimum there too; ``test_reduced_rank_global_minimum_is_certified`` and
``test_larger_reduced_rank_global_minimum_is_certified`` pin two instances (p = 1 of d_y = 2,
p = 2 of d_y = 3), and ``test_k16_every_global_minimum_has_a_verified_eckart_young_bound``
checks the bound alone through ``verify``.
"""

import pytest
import sympy
from hypothesis import assume, event, given, settings

from linear_checks import has_negative_eigenvalue, optimum

from symlandscape import deep_linear
from symlandscape.classify import classify
from symlandscape.eckart_young import certificate as eckart_young_bound
from symlandscape.linear_theory import critical_point, zero_block_point
from symlandscape.strategies import linear_critical_points, linear_instances
from symlandscape.verify import verify
from symlandscape.testing import LOCAL_MIN_KINDS, SADDLE_KINDS, assert_certified, assert_local_min, assert_saddle

pytestmark = pytest.mark.claim("K16-ii", "K16-iii", "K16-iv", "K16-cor2.4")

# Exact arithmetic has no meaningful per-example deadline (first calls fill SymPy's caches);
# every other setting comes from the Hypothesis profile (see symlandscape.pytest_plugin).
EXACT = settings(deadline=None)

# classify + verify stay fast up to a dozen weights (see benchmarks/bench_properties.py)
SMALL = {"max_parameters": 12}


@EXACT
@given(linear_critical_points(**SMALL))
def test_k16_every_critical_point_is_a_global_min_or_a_saddle(case):
    L, pt = case
    verdict = assert_certified(L, pt)
    if L.value(pt) == optimum(L):
        assert verdict.kind in LOCAL_MIN_KINDS
        assert verdict.global_min is True
    else:
        assert L.value(pt) > optimum(L)
        assert verdict.kind in SADDLE_KINDS
        assert verdict.global_min is False


@EXACT
@given(linear_critical_points(max_hidden_layers=1, **SMALL))
def test_k16_cor24_two_weight_matrices_every_saddle_has_a_negative_eigenvalue(case):
    L, pt = case
    assume(L.value(pt) != optimum(L))
    assert has_negative_eigenvalue(L.hessian(pt))
    verdict = assert_saddle(L, pt, degenerate=False)
    assert verdict.hessian_inertia["negative"] >= 1


@EXACT
@given(linear_instances(min_hidden_layers=2, max_hidden_layers=3, **SMALL))
def test_k16_cor24_three_weight_matrices_zero_blocks_are_degenerate_saddles(L):
    pt = zero_block_point(L)
    assert L.hessian(pt).is_zero_matrix
    # a descent direction at order H + 1: product of the directions = e_j (Y Xᵀ)[j, :]
    X, Y = L.X, L.Y
    j = 0
    directions = []
    for k, (rows, cols) in enumerate(L.shapes):
        D = sympy.zeros(rows, cols)
        if k == 0:
            D[0, :] = (Y * X.T)[j, :]
        elif k == len(L.shapes) - 1:
            D[j, 0] = 1
        else:
            D[0, 0] = 1
        directions.append(D)
    order = L.weight_matrices
    coefficients = L.taylor(pt, L.point_from_matrices(directions), order)
    assert all(c == 0 for c in coefficients[1:order]) and coefficients[order] < 0
    verdict = assert_saddle(L, pt, degenerate=True)
    assert verdict.hessian_inertia == {"positive": 0, "negative": 0, "zero": len(pt)}


@EXACT
@given(linear_critical_points(min_hidden_layers=2, max_hidden_layers=2, **SMALL))
def test_k16_iv_full_rank_middle_products_give_a_negative_eigenvalue(case):
    L, pt = case
    middle = L.matrices(pt)[1]   # W_H ⋯ W_2 with H = 2
    assume(middle.rank() == min(L.widths[1:-1]))
    assume(L.value(pt) != optimum(L))
    assert has_negative_eigenvalue(L.hessian(pt))
    assert_saddle(L, pt, degenerate=False)


def test_reduced_rank_global_minimum_is_certified():
    # p = 1 < d_y = 2, the smallest reduced-rank case:
    # the product keeps the top eigenvector of Σ = diag(1, 4); value 1/2 = (5 − 4)/2
    L = deep_linear([[1, 0], [0, 1]], [[1, 0], [0, 2]], hidden=[1])
    pt = L.point_from_matrices([[[0, 2]], [[0], [1]]])
    assert L.value(pt) == optimum(L) == sympy.Rational(1, 2)
    assert all(g == 0 for g in L.gradient(pt))
    verdict = assert_local_min(L, pt)
    assert verdict.global_min is True


def test_larger_reduced_rank_global_minimum_is_certified():
    # Σ = diag(1, 4, 9); the product keeps the eigenvectors of 9 and 4; value (14 − 13)/2 = 1/2
    L = deep_linear(sympy.eye(3), sympy.diag(1, 2, 3), hidden=[2])
    pt = L.point_from_matrices([[[0, 2, 0], [0, 0, 3]], [[0, 0], [1, 0], [0, 1]]])
    assert L.value(pt) == optimum(L) == sympy.Rational(1, 2)
    assert all(g == 0 for g in L.gradient(pt))
    assert assert_local_min(L, pt).global_min is True


def _global_minimum_certificate(L, pt, bound):
    """classify's certificate (for ``critical`` and ``inertia``) stating a global minimum by ``bound``."""
    cert = classify(L, pt).certificate
    cert["kind"] = "local_min"
    cert["evidence"] = {"critical": cert["evidence"]["critical"], "inertia": cert["evidence"]["inertia"],
                        "minimum": bound}
    cert["global_min"] = True
    cert["global"] = bound
    return cert


@EXACT
@given(linear_critical_points(families=("index_set",), **SMALL))
def test_k16_every_global_minimum_has_a_verified_eckart_young_bound(case):
    L, pt = case
    bound = eckart_young_bound(L, pt)
    if L.value(pt) != optimum(L):
        assert L.value(pt) > optimum(L) and bound is None
        return
    assert bound is not None and bound["bound"] == str(optimum(L))
    assert verify(_global_minimum_certificate(L, pt, bound), L) is True
    event("global minimum, p < d_y" if min(L.widths) < L.widths[-1] else "global minimum, p >= d_y")


# classify (for the inertia) takes up to half a second per example here: 20 examples keep it near 5 s
@settings(deadline=None, max_examples=20)
@given(linear_instances(max_width=2, max_input_dim=3, max_output_dim=3, rational_spectrum=True, **SMALL))
def test_k16_reduced_rank_global_minima_verify_with_an_eckart_young_bound(L):
    # the global minimum keeps the top min(p, d_y) eigenvectors of Σ (Baldi–Hornik, Kawaguchi)
    p = min(L.widths)
    assume(p < L.widths[-1])
    pt = critical_point(L, range(p))
    assert L.value(pt) == optimum(L)
    bound = eckart_young_bound(L, pt)
    assert bound is not None and bound["bound"] == str(optimum(L)) and min(bound["widths"]) == p
    assert verify(_global_minimum_certificate(L, pt, bound), L) is True
    event(f"widths {L.widths}")


def test_larger_reduced_rank_global_minimum_verifies_with_an_eckart_young_bound():
    # the instance of test_larger_reduced_rank_global_minimum_is_certified: Σ = diag(1, 4, 9), p = 2
    L = deep_linear(sympy.eye(3), sympy.diag(1, 2, 3), hidden=[2])
    pt = L.point_from_matrices([[[0, 2, 0], [0, 0, 3]], [[0, 0], [1, 0], [0, 1]]])
    bound = eckart_young_bound(L, pt)
    assert bound["bound"] == "1/2" and bound["widths"] == [3, 2, 3]
    assert verify(_global_minimum_certificate(L, pt, bound), L) is True
