"""Gauge charts of deep linear networks: the charts, their points, and complete critical sets on them."""

from math import comb

import pytest
import sympy

from symlandscape import InvalidArgument, Landscape, critical_points, deep_linear
from symlandscape.algebraic import AlgebraicNumber
from symlandscape.gauge import charts


def test_one_chart_per_choice_of_identity_columns():
    L = deep_linear(sympy.eye(3), sympy.diag(1, 2, 3), hidden=[2, 1])
    found = charts(L)
    assert len(found) == comb(3, 2) * comb(2, 1)
    # every chart fixes d_k columns of each hidden W_k: 4 + 2 of the 6 + 2 + 3 entries
    assert {len(c.landscape.variables) for c in found} == {6 + 2 + 3 - 4 - 1}


def test_a_chart_point_has_the_chart_loss_value():
    L = deep_linear([[1, 2], [3, 5]], [[1, 0], [2, 1]], hidden=[1])
    for chart in charts(L):
        q = ["1/3", -2, "5/7"]
        assert L.value(chart.point(q)) == chart.landscape.value(q)
        assert len(chart.point(q)) == len(L.variables)


def test_the_columns_are_the_identity_in_the_full_point():
    L = deep_linear(sympy.eye(3), sympy.diag(1, 2, 3), hidden=[2])
    chart = next(c for c in charts(L) if c.columns == ((0, 2),))
    W1, W2 = L.matrices(chart.point(range(1, 9)))
    assert W1[:, [0, 2]] == sympy.eye(2)
    assert W1[:, 1] == sympy.Matrix([1, 2])


def test_hand_derived_critical_sets_of_both_charts():
    # X = I, Y = diag(1, 2), hidden [1]; chart W1 = [a, 1], W2 = (b, c)ᵀ:
    # ∂b: b(1 + a²) = a, ∂c: c(1 + a²) = 2, ∂a: 3a/(1 + a²)² = 0  ->  (0, 0, 2), value 1/2 = L*;
    # chart W1 = [1, a]: b = 1/(1 + a²), c = 2a/(1 + a²), ∂a = -3a/(1 + a²)²  ->  (0, 1, 0), value 2
    L = deep_linear(sympy.eye(2), sympy.diag(1, 2), hidden=[1])
    first, second = charts(L)
    assert first.columns == ((0,),) and second.columns == ((1,),)
    found = {c.columns: critical_points(c.landscape, seed=3) for c in (first, second)}
    saddle, = found[((0,),)].points
    minimum, = found[((1,),)].points
    assert all(s.complete and s.complex_count == 1 for s in found.values())
    assert [str(x) for x in minimum.coordinates] == ["0", "0", "2"]
    assert minimum.value == AlgebraicNumber.rational(1, 2) and minimum.kind == "strict_local_min"
    assert [str(x) for x in saddle.coordinates] == ["0", "1", "0"]
    assert saddle.value == AlgebraicNumber.rational(2) and saddle.kind == "strict_saddle"
    assert minimum.verified and saddle.verified


def test_a_layer_wider_than_the_one_before_has_no_chart():
    with pytest.raises(InvalidArgument, match="width 2 > 1"):
        charts(deep_linear([[1]], [[1]], hidden=[2]))


def test_only_deep_linear_networks_and_only_with_a_hidden_layer():
    with pytest.raises(InvalidArgument, match="deep linear"):
        charts(Landscape.from_expression("(1 - a*b)^2", "a,b"))
    with pytest.raises(InvalidArgument, match="no hidden layer"):
        charts(deep_linear([[1]], [[1]], hidden=[]))
