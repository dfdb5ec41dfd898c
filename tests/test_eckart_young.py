"""The Eckart–Young certificate: global minima of deep linear networks through a bottleneck.

Every expected optimum below is derived by hand in its comment (Σ = Y Xᵀ(X Xᵀ)⁻¹X Yᵀ, the
top p eigenvalues, s(tr YYᵀ − their sum)); the points are built from the top eigenvectors.
A full certificate is ``classify``'s (for ``critical`` and ``inertia``) with the kind set to
``local_min`` and the Eckart–Young bound as both ``evidence.minimum`` and ``global``.  Each
forgery must be rejected by ``verify`` for the stated reason; where its claim is false, the
test also shows that independently (a point of lower value, found by hand).
"""

from __future__ import annotations

import copy
import functools
import json

import pytest
import sympy

from symlandscape import CertificateError, Landscape, deep_linear
from symlandscape.budget import limits
from symlandscape.classify import classify
from symlandscape.eckart_young import certificate, optimum
from symlandscape.verify import verify


@functools.cache
def _classified(L, pt):
    return classify(L, pt).certificate


def full(L, pt, bound):
    """A certificate stating that ``pt`` is a global minimum of L, proven by ``bound``."""
    cert = copy.deepcopy(_classified(L, tuple(pt)))
    evidence = cert["evidence"]
    cert.update(kind="local_min", global_min=True)
    cert["evidence"] = {key: evidence[key] for key in ("critical", "inertia") if key in evidence}
    cert["evidence"]["minimum"] = copy.deepcopy(bound)
    cert["global"] = copy.deepcopy(bound)
    return cert


def rejected(cert, L, match):
    with pytest.raises(CertificateError, match=match):
        verify(cert, L)


# ---------------------------------------------------------------------------------------
# instances, each derived by hand


@functools.cache
def three_by_three():
    # Σ = diag(1, 4, 9), p = 2: the product keeps the eigenvectors of 9 and 4; value (14 − 13)/2
    L = deep_linear(sympy.eye(3), sympy.diag(1, 2, 3), hidden=[2])
    return L, L.point_from_matrices([[[0, 2, 0], [0, 0, 3]], [[0, 0], [1, 0], [0, 1]]]), sympy.Rational(1, 2)


@functools.cache
def two_by_two():
    # Σ = diag(1, 4), p = 1: the product keeps the eigenvector of 4; value (5 − 4)/2
    L = deep_linear([[1, 0], [0, 1]], [[1, 0], [0, 2]], hidden=[1])
    return L, L.point_from_matrices([[[0, 2]], [[0], [1]]]), sympy.Rational(1, 2)


@functools.cache
def four_by_four():
    # Σ = diag(1, 4, 9, 16), p = 2: keep 16 and 9; value (30 − 25)/2
    L = deep_linear(sympy.eye(4), sympy.diag(1, 2, 3, 4), hidden=[2])
    pt = L.point_from_matrices([[[0, 0, 3, 0], [0, 0, 0, 4]], [[0, 0], [0, 0], [1, 0], [0, 1]]])
    return L, pt, sympy.Rational(5, 2)


@functools.cache
def irrational_pair():
    # X = I_4; the rows of Y are y1 = (1,0,0,0), y2 = (1,1,1,0), y3 = (0,0,0,1/2), so
    # Σ = YYᵀ = [[1,1,0],[1,3,0],[0,0,1/4]]: eigenvalues 2 ± √2 (one irreducible factor
    # x² − 4x + 2) and 1/4.  p = 2 takes both roots of the factor: top = 4, tr = 17/4,
    # value (17/4 − 4)/2 = 1/8, reached by the product with rows y1, y2, 0.
    Y = [[1, 0, 0, 0], [1, 1, 1, 0], [0, 0, 0, sympy.Rational(1, 2)]]
    L = deep_linear(sympy.eye(4), Y, hidden=[2])
    pt = L.point_from_matrices([[[1, 0, 0, 0], [1, 1, 1, 0]], [[1, 0], [0, 1], [0, 0]]])
    return L, pt, sympy.Rational(1, 8)


@functools.cache
def general_X():
    # X = [[1,0,1],[0,1,1]] (2 × 3 samples); its row space has normal n = (1,1,-1).
    # Y = [[1,0,1],[0,3,0]]: y1 lies in the row space, y2 = (-1,2,1) + n projects to (-1,2,1),
    # orthogonal to y1, so Σ = diag(2, 6).  p = 1 keeps 6: value (11 − 6)/2 = 5/2, reached by
    # R = [[0,0],[-1,2]] (R X = [[0,0,0],[-1,2,1]]), i.e. W1 = [[-1, 2]], W2 = [[0],[1]].
    L = deep_linear([[1, 0, 1], [0, 1, 1]], [[1, 0, 1], [0, 3, 0]], hidden=[1])
    return L, L.point_from_matrices([[[-1, 2]], [[0], [1]]]), sympy.Rational(5, 2)


@functools.cache
def least_squares():
    # p = d_y = 1: no rank constraint binds, the optimum is the least-squares residual.
    # y = (1,0,0) projects onto the row space of X = [[1,0,1],[0,1,1]] as (2/3,-1/3,1/3)
    # = 2/3·(1,0,1) − 1/3·(0,1,1); residual (-1/3,-1/3,1/3): value (3/9)/2 = 1/6 (scale 1/2)
    L = deep_linear([[1, 0, 1], [0, 1, 1]], [[1, 0, 0]], hidden=[1])
    return L, L.point_from_matrices([[[sympy.Rational(2, 3), sympy.Rational(-1, 3)]], [[1]]]), sympy.Rational(1, 6)


@functools.cache
def summed():
    # scale "sum" (s = 1) on the 2 × 2 instance: value 5 − 4 = 1
    L = deep_linear([[1, 0], [0, 1]], [[1, 0], [0, 2]], hidden=[1], scale="sum")
    return L, L.point_from_matrices([[[0, 2]], [[0], [1]]]), sympy.Integer(1)


@functools.cache
def close_eigenvalues():
    # Y rows (1,0,0,0), (1,1,1,0), (0,0,0,a): Σ = [[1,1,0],[1,3,0],[0,0,a²]], eigenvalues 2 ± √2
    # and a²; a = 1.84775906503 is just above √(2 + √2) = 1.847759065022..., so a² exceeds
    # 2 + √2 by about 3·10^-11 (closer than the first enclosures: the order needs bisection).
    # p = 1 keeps a² alone: value (1 + 3 + a² − a²)/2 = 2.
    a = sympy.Rational(184775906503, 10**11)
    L = deep_linear(sympy.eye(4), [[1, 0, 0, 0], [1, 1, 1, 0], [0, 0, 0, a]], hidden=[1])
    return L, L.point_from_matrices([[[0, 0, 0, a]], [[0], [0], [1]]]), sympy.Integer(2)


@functools.cache
def repeated_eigenvalue():
    # Σ = diag(4, 4, 1), p = 1: the top eigenvalue 4 is double, one copy is kept (a tie inside
    # one factor (x − 4)²); value (9 − 4)/2 = 5/2 with the product diag(2, 0, 0)
    L = deep_linear(sympy.eye(3), sympy.diag(2, 2, 1), hidden=[1])
    return L, L.point_from_matrices([[[2, 0, 0]], [[1], [0], [0]]]), sympy.Rational(5, 2)


INSTANCES = [repeated_eigenvalue, close_eigenvalues, three_by_three, two_by_two, four_by_four, irrational_pair, general_X, least_squares,
             summed]


# ---------------------------------------------------------------------------------------
# positive cases


@pytest.mark.parametrize("instance", INSTANCES, ids=lambda f: f.__name__)
def test_the_global_minimum_is_certified(instance):
    L, pt, value = instance()
    assert L.value(pt) == value
    assert all(g == 0 for g in L.gradient(pt))
    bound = certificate(L, pt)
    assert bound is not None and bound["bound"] == str(value)
    assert verify(full(L, pt, bound), L) is True
    # the certificate is plain JSON
    assert verify(json.loads(json.dumps(full(L, pt, bound))), L) is True


def test_the_bound_is_the_least_value_over_rank_p_products_on_the_diagonal_instances():
    # a second method for the diagonal instances: with X = I and Y diagonal, the best rank-p
    # product keeps the p largest squared diagonal entries (their sum is top_p)
    for instance, entries, p in ((three_by_three, [1, 2, 3], 2), (four_by_four, [1, 2, 3, 4], 2),
                                 (two_by_two, [1, 2], 1)):
        L, _, value = instance()
        squares = sorted(e * e for e in entries)
        assert optimum(L) == value == sympy.Rational(sum(squares[:-p]), 2)


def test_the_close_eigenvalue_is_the_larger_one():
    # a² > 2 + √2  ⟺  (a² − 2)² > 2 (with a² > 2): exact, without the code under test
    a2 = sympy.Rational(184775906503, 10**11) ** 2
    assert a2 > 2 and (a2 - 2) ** 2 > 2
    assert a2 - (2 + sympy.sqrt(2)) < sympy.Rational(1, 10**10)


def test_the_producer_declines_what_it_cannot_certify():
    L, _, _ = three_by_three()
    # a saddle: the product keeps the eigenvalues 1 and 9; residual diag(0, 2, 0), value 2
    saddle = L.point_from_matrices([[[1, 0, 0], [0, 0, 3]], [[1, 0], [0, 0], [0, 1]]])
    assert L.value(saddle) == 2
    assert certificate(L, saddle) is None
    # not a deep linear network (the same loss, written out)
    same = Landscape.from_expression(str(L.expression), ",".join(map(str, L.variables)))
    assert certificate(same, (0,) * 12) is None
    # X without full row rank
    assert optimum(deep_linear([[1, 1], [1, 1]], [[1, 0], [0, 1]], hidden=[1])) is None
    # an irrational optimum: Σ has eigenvalues 2 ± √2 and p = 1 (see test_a_split_factor)
    assert optimum(deep_linear(sympy.eye(3), [[1, 0, 0], [1, 1, 1]], hidden=[1])) is None


# ---------------------------------------------------------------------------------------
# forgeries


def test_a_wrong_bound():
    L, pt, _ = three_by_three()
    bound = certificate(L, pt)
    bound["bound"] = "1/4"
    rejected(full(L, pt, bound), L, r"minimum\.bound=1/4 but s\(tr YYᵀ − top 2 eigenvalues of Σ\) = 1/2")


def test_a_point_above_the_optimum():
    L, pt, _ = three_by_three()
    saddle = L.point_from_matrices([[[1, 0, 0], [0, 0, 3]], [[1, 0], [0, 0], [0, 1]]])
    assert all(g == 0 for g in L.gradient(saddle))
    # false: pt has value 1/2 < 2
    assert L.value(pt) < L.value(saddle) == 2
    bound = certificate(L, pt)
    rejected(full(L, saddle, bound), L, "the value at the point is 2, not the Eckart-Young optimum 1/2")
    bound["bound"] = "2"
    rejected(full(L, saddle, bound), L, r"bound=2 but")


_NOT_THE_LOSS = r"the loss is not 1/2·\|\|W_N⋯W_1 X - Y\|\|² with these X, Y and layers"


@pytest.mark.parametrize("field, matrix, match", [
    ("X", [["2", "0", "0"], ["0", "2", "0"], ["0", "0", "2"]], _NOT_THE_LOSS),
    ("Y", [["1", "0", "0"], ["0", "2", "0"], ["0", "0", "4"]], _NOT_THE_LOSS),
    ("X", [["1", "0", "0"], ["0", "1", "0"]], "the first layer has 3 columns and X has 2 rows"),
])
def test_a_wrong_X_or_Y(field, matrix, match):
    L, pt, _ = three_by_three()
    bound = certificate(L, pt)
    bound[field] = matrix
    rejected(full(L, pt, bound), L, match)


def test_a_loss_with_one_extra_term():
    # L − W1_1_1^4: the point (where W1_1_1 = 0) keeps its value, gradient and Hessian, but the
    # loss is unbounded below: at W1_1_1 = 10 it is 1/2 + (10·0)^2/2 ... − 10^4 < 1/2
    L, pt, _ = three_by_three()
    names = ",".join(map(str, L.variables))
    other = Landscape.from_expression(f"{L.expression} - W1_1_1^4", names)
    lower = list(pt)
    lower[0] = 10
    assert other.value(lower) < other.value(pt) == sympy.Rational(1, 2)
    rejected(full(other, pt, certificate(L, pt)), other, "the loss is not")


def test_weight_decay():
    # L + (1/100)·W2_1_1²: zero at the point (W2_1_1 = 0), so value and gradient stay; the
    # optimum of the regularised loss is another question, and the premise is false
    L, pt, _ = three_by_three()
    names = ",".join(map(str, L.variables))
    other = Landscape.from_expression(f"{L.expression} + W2_1_1^2/100", names)
    assert other.value(pt) == sympy.Rational(1, 2)
    rejected(full(other, pt, certificate(L, pt)), other, "the loss is not")


def test_the_variables_assigned_in_another_order():
    L, pt, _ = three_by_three()
    bound = certificate(L, pt)
    first = bound["layers"][0]
    first[0][0], first[0][1] = first[0][1], first[0][0]
    rejected(full(L, pt, bound), L, "the loss is not")
    # W1 read column-major: the same names, the wrong matrix
    bound = certificate(L, pt)
    names = [v for row in bound["layers"][0] for v in row]
    bound["layers"][0] = [names[0::2], names[1::2]]
    rejected(full(L, pt, bound), L, "the loss is not")


def test_a_width_list_claiming_a_larger_p():
    L, pt, _ = three_by_three()
    bound = certificate(L, pt)
    bound["widths"] = [3, 3, 3]
    rejected(full(L, pt, bound), L, r"widths=\[3, 3, 3\] but X and the layers chain the widths \[3, 2, 3\]")
    # the 2 × 2 instance read as one 2 × 2 matrix: p = 2, optimum 0 — a false claim (the
    # product of a column and a row has rank 1, so the value is at least 1/2 > 0)
    L, pt, _ = two_by_two()
    bound = certificate(L, pt)
    bound.update(layers=[[["W1_1_1", "W1_1_2"], ["W2_1_1", "W2_2_1"]]], widths=[2, 2], bound="0")
    rejected(full(L, pt, bound), L, "the loss is not")


def test_a_split_factor():
    # X = I_3, Y rows (1,0,0), (1,1,1): Σ = [[1,1],[1,3]], eigenvalues 2 ± √2 (irreducible
    # x² − 4x + 2).  p = 1 takes 2 + √2 alone: the optimum (4 − 2 − √2)/2 is irrational.
    L = deep_linear(sympy.eye(3), [[1, 0, 0], [1, 1, 1]], hidden=[1])
    pt = (0,) * 5
    assert L.value(pt) == 2 and all(g == 0 for g in L.gradient(pt))
    bound = {"type": "eckart_young", "theorem": "Eckart-Young-Mirsky", "scale": "1/2",
             "X": [["1", "0", "0"], ["0", "1", "0"], ["0", "0", "1"]], "Y": [["1", "0", "0"], ["1", "1", "1"]],
             "widths": [3, 1, 2], "layers": [[["W1_1_1", "W1_1_2", "W1_1_3"]], [["W2_1_1"], ["W2_2_1"]]],
             "bound": "2"}
    # false: the product e_2 (1,1,1) reaches (1 + 0)/2... value 1/2 < 2
    assert L.value(L.point_from_matrices([[[1, 1, 1]], [[0], [1]]])) == sympy.Rational(1, 2)
    rejected(full(L, pt, bound), L,
             r"take some but not all roots of the irreducible factor x\^2 \+ \(-4\)\*x \+ 2")


def test_eigenvalues_too_close_to_separate():
    # Y = [[1, 0], [e, 1]], X = I_2, p = 1: Σ = YYᵀ = [[1, e], [e, 1 + e²]] has the irreducible
    # characteristic polynomial x² − (2 + e²)x + 1 (discriminant e²(e² + 4), not a square) and
    # eigenvalues 1 + e²/2 ± e√(e² + 4)/2, about 2e apart: with e = 10^-1300 more than
    # 4096 bits are needed to isolate them
    e = sympy.Rational(1, 10**1300)
    L = deep_linear([[1, 0], [0, 1]], [[1, 0], [e, 1]], hidden=[1])
    pt = (0,) * 4
    value = L.value(pt)
    assert value == (2 + e**2) / 2
    bound = {"type": "eckart_young", "theorem": "Eckart-Young-Mirsky", "scale": "1/2",
             "X": [["1", "0"], ["0", "1"]], "Y": [["1", "0"], [str(e), "1"]],
             "widths": [2, 1, 2], "layers": [[["W1_1_1", "W1_1_2"]], [["W2_1_1"], ["W2_2_1"]]],
             "bound": str(value)}
    # false as well: the point 0 is a saddle (value 1 + e²/2, while W1 = (0, 1), W2 = (0, 1)ᵀ
    # fits the second row: value 1/2 + e²/2)
    assert L.value(L.point_from_matrices([[[0, 1]], [[0], [1]]])) < value
    rejected(full(L, pt, bound), L, "could not be isolated with 4096 bits")


@pytest.mark.parametrize("change, match", [
    ({"X": [["1"] * 400] * 400}, "above the bound max_terms"),
    ({"X": [[1.0, 0, 0], [0, 1, 0], [0, 0, 1]]}, "is not an exact rational"),
    ({"Y": [["1", "0", "0"], ["0", "two", "0"], ["0", "0", "3"]]}, "is not an exact rational"),
    ({"Y": [["1", "0", "0"], ["0", "2/0", "0"], ["0", "0", "3"]]}, "zero denominator"),
    ({"Y": [["1", "0", "0"], ["0", "1e3", "0"], ["0", "0", "3"]]}, "is not an exact rational"),
    ({"X": [["1", "0", "0"], ["0", "1"], ["0", "0", "1"]]}, "has 2 entries; expected 3"),
    ({"X": []}, "is empty"),
    ({"scale": "0"}, "must be positive"),
    ({"scale": 0.5}, "is not an exact rational"),
    ({"theorem": "Baldi-Hornik"}, "theorem must be 'Eckart-Young-Mirsky'"),
    ({"note": "trust me"}, "has exactly the fields"),
    ({"layers": [[["W1_1_1", "W1_1_2", "W9_9_9"], ["W1_2_1", "W1_2_2", "W1_2_3"]],
                 [["W2_1_1", "W2_1_2"], ["W2_2_1", "W2_2_2"], ["W2_3_1", "W2_3_2"]]]}, "is not a variable"),
    ({"layers": [[["W1_1_1", "W1_1_2", "W1_1_1"], ["W1_2_1", "W1_2_2", "W1_2_3"]],
                 [["W2_1_1", "W2_1_2"], ["W2_2_1", "W2_2_2"], ["W2_3_1", "W2_3_2"]]]}, "is used twice"),
    ({"layers": [[["W1_1_1", "W1_1_2", "W1_1_3"], ["W1_2_1", "W1_2_2", "W1_2_3"]]]},
     "must use every variable of the landscape exactly once"),
    ({"layers": "W1"}, "must be a list"),
    ({"widths": ["3", 2, 3]}, "must be an integer"),
    ({"bound": "1/2.0"}, "is not an exact rational"),
])
def test_hostile_input(change, match):
    L, pt, _ = three_by_three()
    bound = certificate(L, pt)
    bound.update(change)
    rejected(full(L, pt, bound), L, match)


def test_the_degree_of_the_stated_layers_is_bounded():
    L, pt, _ = three_by_three()
    with limits(max_degree=3):
        rejected(full(L, pt, certificate(L, pt)), L, "above the bound max_degree=3")


def test_an_eckart_young_bound_never_proves_a_maximum():
    L, pt, _ = two_by_two()
    bound = certificate(L, pt)
    cert = full(L, pt, bound)
    cert["kind"] = "local_max"
    cert["evidence"]["maximum"] = cert["evidence"].pop("minimum")
    rejected(cert, L, "an Eckart-Young bound proves a minimum, not a maximum")


def test_an_eckart_young_bound_is_not_a_witness():
    L, pt, _ = two_by_two()
    cert = full(L, pt, certificate(L, pt))
    cert["global_min"] = False
    rejected(cert, L, "global must have type 'witness'")


def test_the_eigenvalue_search_is_bounded_in_time():
    L, pt, _ = irrational_pair()
    with limits(max_seconds=1e-9):
        rejected(full(L, pt, certificate(L, pt)), L, "isolating the eigenvalues of Σ did not finish within")


def test_close_eigenvalues_are_ordered_by_exact_bisection(monkeypatch):
    # the first enclosures of 2 + √2 (from 64-bit arb) contain a² as well: the order of the two
    # is found by bisecting with exact signs, and the top eigenvalue is a², not 2 + √2
    import sys

    kernel = sys.modules["symlandscape.verify"]
    calls = []
    bisect = kernel._bisect
    monkeypatch.setattr(kernel, "_bisect", lambda root, f: (calls.append(1), bisect(root, f)))
    L, pt, value = close_eigenvalues()
    assert verify(full(L, pt, certificate(L, pt)), L) is True
    assert calls
