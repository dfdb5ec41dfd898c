"""The search's second-order jets against the checker's and against SymPy's diff, on seeded random losses.

The search (``symlandscape.polynomial.second_order``, used by the symbolic engine beyond 8
variables or deep nesting) and the checker (``symlandscape.jets.second_order``) differentiate
independently; a disagreement makes ``classify`` fail loudly, so they are compared here
first, at points with zero coordinates (vanishing bases of powers) and at rational points.
"""

from __future__ import annotations

import random

import flint
import pytest
import sympy

from symlandscape import jets
from symlandscape.activations import sigmoid
from symlandscape.polynomial import second_order

X = sympy.symbols("x0:3", real=True)


def random_expression(rng, depth):
    if depth == 0 or rng.random() < 0.25:
        return rng.choice([*X, sympy.Rational(rng.randint(-3, 3), rng.randint(1, 3))])
    kind = rng.choice(["add", "mul", "pow", "tanh", "sigmoid", "exp"])
    a = random_expression(rng, depth - 1)
    if kind == "add":
        return a + random_expression(rng, depth - 1)
    if kind == "mul":
        return a * random_expression(rng, depth - 1)
    if kind == "pow":
        return a ** rng.randint(0, 4)
    if kind == "tanh":
        return sympy.tanh(a)
    if kind == "sigmoid":
        return sigmoid(a)
    return sympy.exp(a / 4)


@pytest.mark.parametrize("seed", range(40))
def test_the_search_and_the_checker_agree_with_diff(seed):
    rng = random.Random(seed)
    expr = random_expression(rng, 4) + sum(rng.randint(0, 2) * x ** 2 for x in X)
    point = [flint.fmpq(rng.choice([0, 0, 1, -1, rng.randint(-3, 3)]), rng.randint(1, 3)) for _ in X]
    _, g1, H1 = second_order(expr, X, point)
    _, g2, H2 = jets.second_order(expr, X, point)
    subs = {x: sympy.Rational(int(p.p), int(p.q)) for x, p in zip(X, point)}
    for i, xi in enumerate(X):
        d = sympy.diff(expr, xi)
        exact = d.subs(subs)
        assert sympy.simplify(g1[i] - exact) == 0, (expr, point, i)
        assert sympy.simplify(g2[i] - exact) == 0, (expr, point, i)
        for j, xj in enumerate(X):
            exact = sympy.diff(d, xj).subs(subs)
            assert sympy.simplify(H1[i][j] - exact) == 0, (expr, point, i, j)
            assert sympy.simplify(H2[i, j] - exact) == 0, (expr, point, i, j)


def test_a_square_at_a_vanishing_base():
    # d²/db² (3 b²/2 + 1) = 3 at b = 0: the search's jets once gave 0 (0^0 taken as 0)
    b = sympy.Symbol("b", real=True)
    assert second_order(3 * b ** 2 / 2 + 1, [b], [flint.fmpq(0)]) == (1, [0], [[3]])
