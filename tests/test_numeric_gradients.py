"""Exact gradients and Hessians against 50-digit mpmath finite differences, for every model kind.

Central differences with step h have truncation error O(h^2 |f'''|) and rounding error
O(10^-dps / h).  With dps = 50 and h = 10^-15 both are below 10^-28 for the small,
O(1)-scaled instances here, so a relative tolerance of 10^-20 leaves a wide margin while
any wrong exact derivative (an error of at least 1/denominator ~ 10^-6) fails loudly.
"""

import random

import mpmath
import pytest
import sympy

from symlandscape import Landscape, deep_linear, exponential_neuron, get_activation, get_loss, mlp

mpmath.mp.dps = 50
H = mpmath.mpf(10) ** -15
TOLERANCE = mpmath.mpf(10) ** -20
R = sympy.Rational

MODULES = [{
    "relu": lambda z: z if z >= 0 else mpmath.mpf(0),
    "leaky_relu": lambda z, s: z if z >= 0 else s * z,
    "sigmoid": lambda z: 1 / (1 + mpmath.exp(-z)),
    "Max": lambda *a: max(a), "Min": lambda *a: min(a), "Abs": abs,
}, "mpmath"]


def models(rng):
    X = [[rng.randint(-2, 2) for _ in range(3)] for _ in range(2)]
    Y = [[R(rng.randint(-3, 3), 2) for _ in range(3)]]
    labels = [[rng.choice([-1, 1]) for _ in range(3)]]
    yield "deep linear", deep_linear(X, Y + [[1, 0, -1]], hidden=[2, 1])
    for activation in ("relu", "tanh", "sigmoid", "exp", "identity"):
        yield f"mlp {activation}", mlp(X, Y, hidden=[2], activation=activation)
    yield "mlp leaky", mlp(X, Y, hidden=[2], activation=get_activation("leaky_relu", slope="1/5"))
    yield "mlp polynomial", mlp(X, Y, hidden=[1, 2], biases=False,
                                activation=get_activation("polynomial", coefficients=[0, 1, "1/2"]))
    yield "hinge", mlp(X, labels, hidden=[2], activation="relu", loss=get_loss("hinge", p=3))
    yield "logistic", mlp(X, labels, hidden=[1], activation="tanh", loss="logistic")
    yield "exponential neuron", exponential_neuron(
        mlp(X, labels, hidden=[1], activation="relu", loss="hinge"), "1/2")
    yield "expression", Landscape.from_expression("x^2*exp(y) - log(1 + x^2) + max(x - y, 0)^3", "x,y")


def cases():
    rng = random.Random(20261122)
    for name, landscape in models(rng):
        yield pytest.param(landscape, rng.randint(0, 10**6), id=name)


@pytest.mark.parametrize("landscape, seed", list(cases()))
def test_exact_derivatives_match_finite_differences(landscape, seed):
    rng = random.Random(seed)
    n = len(landscape.variables)
    for _ in range(20):  # a point off every kink (finite differences need smoothness)
        point = [R(rng.randint(-6, 6), rng.randint(1, 4)) for _ in range(n)]
        if not landscape.kinks(point):
            break
    else:
        pytest.fail("no kink-free point found")
    f = sympy.lambdify(landscape.variables, landscape.expression, modules=MODULES)
    x = [mpmath.mpf(p.p) / p.q for p in point]

    def shifted(i, step, j=None, step_j=0):
        y = list(x)
        y[i] += step
        if j is not None:
            y[j] += step_j
        return f(*y)

    gradient = landscape.gradient(point)
    hessian = landscape.hessian(point)
    scale = 1 + abs(f(*x))
    for i in range(n):
        numeric = (shifted(i, H) - shifted(i, -H)) / (2 * H)
        exact = mpmath.mpf(sympy.N(gradient[i], 60))
        assert abs(numeric - exact) <= TOLERANCE * scale, (landscape, i)
    h2 = mpmath.mpf(10) ** -10  # second differences: error O(h2^2) + O(10^-50 / h2^2)
    for i in range(n):
        for j in range(i, n):
            numeric = (shifted(i, h2, j, h2) - shifted(i, h2, j, -h2) - shifted(i, -h2, j, h2)
                       + shifted(i, -h2, j, -h2)) / (4 * h2 * h2)
            exact = mpmath.mpf(sympy.N(hessian[i, j], 60))
            assert abs(numeric - exact) <= mpmath.mpf(10) ** -15 * scale, (landscape, i, j)
