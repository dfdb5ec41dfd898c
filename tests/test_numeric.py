"""The numeric twins against the exact engines, and the numeric confirmation of verdicts.

Tolerances.  float64 twins: relative 1e-9 of ``1 + |L|`` (values, gradients and Hessians are
sums of a few dozen terms of that size, so rounding stays below 1e-13; a wrong derivative is
off by at least ~1e-3).  mpmath twins at 50 digits: central differences with step 10^-25
computed at 100 digits have truncation and rounding errors near 10^-50, so 1e-30 relative
leaves twenty digits of margin while any wrong exact derivative fails by ~20 orders.
"""

import random

import mpmath
import numpy as np
import pytest
import sympy

from symlandscape import InvalidArgument, Landscape, deep_linear, exponential_neuron, get_activation, get_loss, mlp
from symlandscape.numeric import (
    descend,
    multistart_descent,
    numeric_check,
    numeric_twin,
    rational_point,
)

R = sympy.Rational


def _models(rng):
    X = [[rng.randint(-2, 2) for _ in range(3)] for _ in range(2)]
    Y = [[R(rng.randint(-3, 3), 2) for _ in range(3)]]
    labels = [[rng.choice([-1, 1]) for _ in range(3)]]
    return {
        "deep linear": deep_linear(X, Y + [[1, 0, -1]], hidden=[2, 1]),
        "deep linear, sum": deep_linear(X, Y, hidden=[1, 2], scale="sum"),
        "mlp relu": mlp(X, Y, hidden=[2], activation="relu"),
        "mlp tanh": mlp(X, Y, hidden=[1], activation="tanh"),
        "mlp sigmoid": mlp(X, Y, hidden=[1], activation="sigmoid"),
        "mlp polynomial": mlp(X, Y, hidden=[2], biases=False,
                              activation=get_activation("polynomial", coefficients=[0, 1, "1/2"])),
        "mlp leaky relu": mlp(X, Y, hidden=[2], activation=get_activation("leaky_relu", slope="1/5")),
        "hinge": mlp(X, labels, hidden=[2], activation="relu", loss=get_loss("hinge", p=3)),
        "logistic": mlp(X, labels, hidden=[1], activation="tanh", loss="logistic"),
        "exponential neuron": exponential_neuron(mlp(X, labels, hidden=[1], activation="relu", loss="hinge"), "1/2"),
    }


def _cases():
    rng = random.Random(20261122)
    for name, landscape in _models(rng).items():
        n = len(landscape.variables)
        for _ in range(50):  # a point off every kink: derivatives of the twins need smoothness there
            point = [R(rng.randint(-6, 6), rng.randint(1, 4)) for _ in range(n)]
            if not landscape.kinks(point):
                break
        else:  # pragma: no cover
            raise AssertionError(f"no kink-free point for {name}")
        for precision in ("float64", "mpmath"):
            yield pytest.param(landscape, point, precision, id=f"{name}-{precision}")


def _number(x, precision):
    return float(sympy.N(x, 30)) if precision == "float64" else mpmath.mpf(sympy.N(x, 70))


@pytest.mark.parametrize("landscape, point, precision", list(_cases()))
def test_twin_matches_exact_value_gradient_and_hessian(landscape, point, precision):
    twin = numeric_twin(landscape, precision)
    value, gradient, hessian = landscape.value(point), landscape.gradient(point), landscape.hessian(point)
    with mpmath.workdps(70):
        scale = 1 + abs(_number(value, precision))
        tolerance = (1e-9 if precision == "float64" else mpmath.mpf(10) ** -30) * scale
        assert abs(twin.value(point) - _number(value, precision)) <= tolerance
        numeric_gradient = twin.gradient(point)
        for i, g in enumerate(gradient):
            assert abs(numeric_gradient[i] - _number(g, precision)) <= tolerance, ("gradient", i)
        numeric_hessian = twin.hessian(point)
        n = len(gradient)
        for i in range(n):
            for j in range(n):
                assert abs(numeric_hessian[i, j] - _number(hessian[i, j], precision)) <= tolerance, ("hessian", i, j)


def test_a_wrong_exact_gradient_would_be_caught():
    """The comparison above is sharp: a gradient off by 1/1000 in one entry exceeds the mpmath tolerance."""
    L = deep_linear([[1, 2]], [[3, -1]], hidden=[1])
    twin = numeric_twin(L, "mpmath")
    point = [R(1, 3), R(-2, 5)]
    exact = L.gradient(point)
    wrong = exact[0] + R(1, 1000)
    assert abs(twin.gradient(point)[0] - mpmath.mpf(sympy.N(wrong, 60))) > mpmath.mpf(10) ** -30


def test_mpmath_twin_keeps_the_global_precision():
    before = mpmath.mp.dps
    twin = numeric_twin(deep_linear([[1]], [[1]], hidden=[1, 1]), "mpmath", dps=40)
    twin.hessian([1, 2, 3])
    assert mpmath.mp.dps == before


def test_twins_are_cached_per_landscape_and_precision():
    L = deep_linear([[1]], [[2]], hidden=[1])
    assert numeric_twin(L) is numeric_twin(L)
    assert numeric_twin(L, "mpmath", dps=30) is not numeric_twin(L, "mpmath", dps=40)


@pytest.mark.parametrize("kwargs, message", [
    ({"precision": "float32"}, "precision"),
    ({"dps": 5}, "dps"),
    ({"dps": True}, "dps"),
])
def test_bad_twin_arguments_are_invalid(kwargs, message):
    with pytest.raises(InvalidArgument, match=message):
        numeric_twin(deep_linear([[1]], [[1]], hidden=[1]), **kwargs)


def test_twin_refuses_a_non_landscape_and_a_wrong_length():
    with pytest.raises(InvalidArgument, match="not a Landscape"):
        numeric_twin("x^2")
    with pytest.raises(InvalidArgument, match="2 parameters"):
        numeric_twin(Landscape.from_expression("x^2 + y^2", "x,y")).value([1, 2, 3])


LEE = "(1 - w1*w2)^2"


@pytest.mark.parametrize("expression, variables, point, kind, agrees", [
    (LEE, "w1,w2", (0, 0), "strict_saddle", True),
    (LEE, "w1,w2", (0, 0), "strict_local_min", False),
    (LEE, "w1,w2", (0, 0), "local_max", False),
    (LEE, "w1,w2", ("1/10", 0), "not_critical", True),
    (LEE, "w1,w2", ("1/10", 0), "strict_saddle", False),
    (LEE, "w1,w2", (2, "1/2"), "local_min", True),
    (LEE, "w1,w2", (2, "1/2"), "degenerate_saddle", False),
    ("x^2 + y^4", "x,y", (0, 0), "local_min", True),
    ("x^2 - y^4", "x,y", (0, 0), "local_min", False),
    ("-x^2 - y^2", "x,y", (0, 0), "strict_local_max", True),
    ("relu(x)^2 + y^2", "x,y", (0, 0), "local_min", True),
    ("relu(x) + y^2", "x,y", (0, 0), "local_min", True),
    ("max(x, -x) - y^2", "x,y", (0, 0), "local_min", False),
])
def test_numeric_check_confirms_right_and_rejects_wrong_verdicts(expression, variables, point, kind, agrees):
    L = Landscape.from_expression(expression, variables)
    result = numeric_check(kind, L, point, seed=3)
    assert result.agrees is agrees, result.summary()
    assert result.seed == 3 and result.tolerances


def test_numeric_check_follows_the_certificate_curve_of_a_thin_degenerate_saddle():
    """A descent confined to a thin cusp: y between x² and 2x² (random directions rarely enter it)."""
    from symlandscape.classify import classify

    L = Landscape.from_expression("(y - x^2)*(y - 2*x^2)", "x,y")
    verdict = classify(L, [0, 0])
    assert verdict.kind == "degenerate_saddle"
    result = numeric_check(verdict, L, [0, 0], seed=0)
    assert result.agrees, result.summary()
    assert any("descent curve: confirmed" in line for line in result.evidence)


def test_numeric_check_rejects_an_unknown_kind():
    with pytest.raises(InvalidArgument, match="not one of"):
        numeric_check("saddle", Landscape.from_expression("x^2", "x"), [0])


def test_descend_finds_the_minimum_of_a_quadratic():
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    b = np.array([1.0, -1.0])
    result = descend(lambda x: 0.5 * x @ A @ x - b @ x, lambda x: A @ x - b, [5.0, 5.0], tolerance=1e-12)
    assert result.converged
    assert np.allclose(result.point, np.linalg.solve(A, b), atol=1e-10)


def test_multistart_descent_is_seeded():
    L = Landscape.from_expression("(x^2 - 1)^2 + y^2", "x,y")
    first = multistart_descent(L, starts=4, seed=7)
    again = multistart_descent(L, starts=4, seed=7)
    assert [r.point for r in first] == [r.point for r in again]
    assert all(abs(abs(r.point[0]) - 1) < 1e-6 for r in first if r.converged)


def test_rational_point_rounds_to_small_denominators():
    assert rational_point([0.5, -1 / 3, 2.0000000001], 1000) == (R(1, 2), R(-1, 3), R(2))
