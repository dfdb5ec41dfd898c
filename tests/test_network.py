"""Networks as exact objects: mlp, the five-point ReLU example, exponential neurons."""

import pytest
import sympy

from symlandscape import (
    InvalidArgument,
    KinkError,
    ShapeError,
    deep_linear,
    exponential_neuron,
    get_activation,
    get_loss,
    mlp,
)
from symlandscape.landscape import PolynomialLandscape, SymbolicLandscape

R = sympy.Rational
FIVE_X = [[-1, 1, 3, 4, 5]]
FIVE_Y = [[3, -3, 0, 1, 2]]


def five_point():
    return mlp(FIVE_X, FIVE_Y, hidden=[1], loss=get_loss("squared", scale="sum"), variables="w,b,v,c")


def test_five_point_values_by_hand():
    L = five_point()
    # (1,-3,1,0): outputs relu(x - 3) = 0, 0, 0, 1, 2 -> residuals -3, 3, 0, 0, 0
    assert L.value([1, -3, 1, 0]) == 18
    # (-7,-4,1,0): outputs relu(-7x - 4) = 3, 0, 0, 0, 0 -> residuals 0, 3, 0, -1, -2
    assert L.value([-7, -4, 1, 0]) == 14


def test_five_point_kink_report():
    L = five_point()
    pattern = L.activation_pattern([1, -3, 1, 0])
    kinks = pattern.kinks
    assert len(kinks) == 1
    assert kinks[0].description == "hidden layer 1, unit 1, sample 3 (x = 3)"
    assert kinks[0].arguments == (0,)
    assert set(kinks[0].active) == {"active", "inactive"}
    states = {u.description.split(" (")[0]: u.active for u in pattern.units}
    assert states["hidden layer 1, unit 1, sample 1"] == ("inactive",)
    assert states["hidden layer 1, unit 1, sample 5"] == ("active",)
    assert "<- kink" in str(pattern)


def test_five_point_pieces_at_the_kink():
    L = five_point()
    pieces = L.pieces([1, -3, 1, 0])
    assert len(pieces) == 2
    w, b, v, c = L.variables
    by_pattern = {p.pattern[2]: p for p in pieces}  # the unit on sample 3
    assert sympy.expand(by_pattern["active"].landscape.expression - (
        (c - 3) ** 2 + (c + 3) ** 2 + (v * (3 * w + b) + c) ** 2
        + (v * (4 * w + b) + c - 1) ** 2 + (v * (5 * w + b) + c - 2) ** 2
    )) == 0
    assert sympy.expand(by_pattern["inactive"].landscape.expression - (
        (c - 3) ** 2 + (c + 3) ** 2 + c**2
        + (v * (4 * w + b) + c - 1) ** 2 + (v * (5 * w + b) + c - 2) ** 2
    )) == 0
    for piece in pieces:
        assert list(piece.landscape.gradient([1, -3, 1, 0])) == [0, 0, 0, 0]
    with pytest.raises(KinkError):
        L.hessian([1, -3, 1, 0])


def test_away_from_kinks_the_hessian_exists():
    L = five_point()
    assert L.kinks([-7, -4, 1, 0]) == ()
    H = L.hessian([-7, -4, 1, 0])
    assert H == H.T and H.shape == (4, 4)


def test_mlp_engines_follow_the_activation():
    X, Y = [[1, 2], [0, 1]], [[1, -1]]
    assert isinstance(mlp(X, Y, [2], activation="identity"), PolynomialLandscape)
    assert isinstance(mlp(X, Y, [2], activation=get_activation("polynomial", coefficients=[0, 1, 1])),
                      PolynomialLandscape)
    assert isinstance(mlp(X, Y, [2], activation="tanh"), SymbolicLandscape)
    assert mlp(X, Y, [2], activation="relu").is_piecewise
    assert mlp(X, Y, [2], activation="identity", loss="hinge").is_piecewise


def test_parameter_order_and_names():
    L = mlp([[1, 2]], [[3, 4]], hidden=[2])
    assert [str(v) for v in L.variables] == [
        "W1_1_1", "W1_2_1", "b1_1", "b1_2", "W2_1_1", "W2_1_2", "b2_1"]
    D = deep_linear([[1, 2]], [[3, 4]], hidden=[2])
    assert [str(v) for v in D.variables] == ["W1_1_1", "W1_2_1", "W2_1_1", "W2_1_2"]


def test_leaky_relu_slope_is_exact():
    L = mlp([[1]], [[0]], hidden=[1], activation=get_activation("leaky_relu", slope="1/10"), biases=False,
            loss=get_loss("squared", scale="sum"))
    # output W2 * leaky(W1 * 1): at W1 = -2, W2 = 1 the output is -1/5
    assert L.value([-2, 1]) == R(1, 25)


def test_margin_losses_by_hand():
    X, Y = [[1, 2]], [[1, -1]]
    hinge = mlp(X, Y, hidden=[1], activation="identity", biases=False, loss=get_loss("hinge", p=3))
    # f(x) = W2 W1 x; at (1, 1): f = 1, 2; margins 1 - y f = 0, 3 -> 0 + 27
    assert hinge.value([1, 1]) == 27
    logistic = mlp(X, Y, hidden=[1], activation="identity", biases=False, loss="logistic")
    assert logistic.value([0, 0]) == 2 * sympy.log(2)


def test_exponential_neuron_identity_is_exact():
    base = mlp([[1, 2], [0, 1]], [[1, -1]], hidden=[1], activation="identity", loss="hinge")
    L = exponential_neuron(base, "1/3")
    a, b = L.model.a[0], L.model.b[0]
    expr = L.expression
    assert sympy.simplify(a * expr.diff(a) - expr.diff(b) - R(1, 3) * a**2) == 0
    assert [str(v) for v in L.variables][-4:] == ["a", "w_1", "w_2", "b"]


def test_exponential_neuron_one_per_output_unit():
    L = exponential_neuron(deep_linear([[1, 0], [0, 1]], [[1, 0], [0, 1]], hidden=[1]), 2)
    names = [str(v) for v in L.variables]
    assert names[-8:] == ["a_1", "w_1_1", "w_1_2", "b_1", "a_2", "w_2_1", "w_2_2", "b_2"]
    zero = [0] * len(names)
    # at a = 0 the augmented loss equals the network's loss
    assert L.value(zero) == 1


@pytest.mark.parametrize("kwargs, error, match", [
    ({"hidden": [0]}, InvalidArgument, r"hidden\[0\]=0"),
    ({"hidden": "2"}, InvalidArgument, "hidden='2'"),
    ({"hidden": [1], "activation": "softsign"}, InvalidArgument, "activation='softsign' is not registered"),
    ({"hidden": [1], "loss": "huber"}, InvalidArgument, "loss='huber' is not registered"),
    ({"hidden": [1], "loss": "hinge"}, InvalidArgument, "labels in"),
    ({"hidden": [1], "biases": "yes"}, InvalidArgument, "biases='yes'"),
    ({"hidden": [1], "variables": "a,b"}, ShapeError, "2 names"),
    ({"hidden": [1], "variables": "a,a,b,c"}, InvalidArgument, "duplicate"),
])
def test_mlp_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        mlp(FIVE_X, FIVE_Y, **kwargs)


def test_mlp_shape_mismatch():
    with pytest.raises(ShapeError, match="same number of columns"):
        mlp([[1, 2, 3]], [[1, 2]], hidden=[1])


def test_exponential_neuron_bad_arguments():
    with pytest.raises(InvalidArgument, match="lam=0 must be positive"):
        exponential_neuron(five_point(), 0)
    with pytest.raises(InvalidArgument, match="already has parameters named"):
        exponential_neuron(five_point(), 1)
    with pytest.raises(InvalidArgument, match="needs a network"):
        exponential_neuron(42, 1)
    L = exponential_neuron(five_point(), 1, names=("a", "u", "beta"))
    assert L.value([1, -3, 1, 0, 0, 0, 0]) == 18
