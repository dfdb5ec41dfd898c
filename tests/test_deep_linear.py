"""Deep linear networks: the closed-form engine against the expanded polynomial."""

import random

import pytest
import sympy

from symlandscape import InvalidArgument, ShapeError, deep_linear
from symlandscape.landscape import PolynomialLandscape

R = sympy.Rational


def random_instance(rng, d_x, d_y, m, hidden):
    X = [[rng.randint(-3, 3) for _ in range(m)] for _ in range(d_x)]
    Y = [[R(rng.randint(-4, 4), rng.randint(1, 3)) for _ in range(m)] for _ in range(d_y)]
    return deep_linear(X, Y, hidden, scale=rng.choice(["half", "sum"]))


@pytest.mark.parametrize("seed", range(6))
def test_closed_form_equals_expanded_polynomial(seed):
    rng = random.Random(seed)
    hidden = [rng.randint(1, 3) for _ in range(rng.randint(0, 3))]
    L = random_instance(rng, rng.randint(1, 3), rng.randint(1, 3), rng.randint(1, 4), hidden)
    expanded = PolynomialLandscape(L.variables, L.polynomial)
    point = [R(rng.randint(-5, 5), rng.randint(1, 4)) for _ in L.variables]
    assert L.value(point) == expanded.value(point)
    assert L.gradient(point) == expanded.gradient(point)
    assert L.hessian(point) == expanded.hessian(point)
    curve = [point] + [[rng.randint(-2, 2) for _ in L.variables] for _ in range(rng.randint(1, 3))]
    assert L.along(curve, 6) == expanded.along(curve, 6)


def test_expression_is_the_loss():
    L = deep_linear([[1, 2]], [[3, 5]], hidden=[1])
    w1, w2 = L.variables
    assert sympy.expand(L.expression - R(1, 2) * ((w2 * w1 - 3) ** 2 + (2 * w2 * w1 - 5) ** 2)) == 0


def test_matrices_round_trip():
    L = deep_linear([[1, 0, 2], [0, 1, 1]], [[1, 2, 3]], hidden=[2])
    point = [1, 2, 3, 4, 5, 6]
    W1, W2 = L.matrices(point)
    assert W1 == sympy.Matrix([[1, 2], [3, 4]]) and W2 == sympy.Matrix([[5, 6]])
    assert list(L.point_from_matrices([W1, sympy.Matrix([[5, 6]])])) == [1, 2, 3, 4, 5, 6]
    assert L.product(point) == W2 * W1


def test_structure_counts():
    L = deep_linear([[1]], [[1]], hidden=[2, 3])
    assert L.widths == (1, 2, 3, 1) and L.hidden_layers == 2 and L.weight_matrices == 3
    assert L.shapes == ((2, 1), (3, 2), (1, 3))


@pytest.mark.parametrize("args, error, match", [
    (([[1, 2]], [[1]], [1]), ShapeError, "same number of columns"),
    (([[1]], [[1]], [1], "mean"), InvalidArgument, "scale='mean'"),
    (([[0.5]], [[1]], [1]), InvalidArgument, "float"),
    (([[1]], [[1]], [-1]), InvalidArgument, r"hidden\[0\]=-1"),
])
def test_bad_arguments(args, error, match):
    with pytest.raises(error, match=match):
        deep_linear(*args)


def test_point_length_is_checked():
    L = deep_linear([[1]], [[1]], hidden=[1])
    with pytest.raises(ShapeError, match="point has 3 entries; expected 2"):
        L.value([1, 2, 3])
    with pytest.raises(ShapeError, match="W_1 has shape"):
        L.point_from_matrices([[[1, 2]], [[1]]])
