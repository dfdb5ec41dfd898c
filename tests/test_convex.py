"""The nearest point of a convex hull to the origin (Wolfe's algorithm, exact)."""

import flint
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symlandscape.convex import min_norm_point

q = flint.fmpq


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 4).flatmap(lambda n: st.lists(
    st.lists(st.integers(-4, 4).map(q), min_size=n, max_size=n), min_size=1, max_size=25)))
def test_the_answer_satisfies_the_optimality_conditions(points):
    # p = Σ w_i x_i with w >= 0, Σ w = 1, and x·p >= p·p for every point x: the projection of 0
    # onto the hull (checked here directly, exactly)
    weights, p = min_norm_point(points)
    assert all(w >= 0 for w in weights) and sum(weights) == 1
    assert p == [sum(w * x[k] for w, x in zip(weights, points)) for k in range(len(points[0]))]
    pp = sum(x * x for x in p)
    assert all(sum(a * b for a, b in zip(x, p)) >= pp for x in points)


def test_zero_in_the_hull_and_a_separating_point():
    weights, p = min_norm_point([[q(1), q(1)], [q(-1), q(1)], [q(0), q(-1)]])
    assert p == [0, 0] and weights == [q(1, 4), q(1, 4), q(1, 2)]
    weights, p = min_norm_point([[q(1), q(0)], [q(0), q(1)]])
    assert p == [q(1, 2), q(1, 2)]


def test_non_rational_points():
    s = sympy.sqrt(2)
    weights, p = min_norm_point([[s, q(0)], [-s, q(1)]])
    # the segment from (√2, 0) to (-√2, 1): its nearest point to 0 has positive norm
    assert sympy.N(sum(sympy.Rational(x.p, x.q) ** 2 if isinstance(x, flint.fmpq) else x**2 for x in p)) > 0
