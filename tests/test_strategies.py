"""Every promise a strategy makes is re-checked here, exactly, by code independent of it.

Ranks and Σ are recomputed with SymPy's own matrices (the strategies use flint and
``linear_theory``), distinct eigenvalues by a nonzero discriminant of the characteristic
polynomial, criticality by the landscape's exact gradient *and* by differentiating the
SymPy expression of the loss, kinks by substituting into the network's own outputs.
"""

from fractions import Fraction

import hypothesis.errors
import pytest
import sympy
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import find as hypothesis_find
from hypothesis import strategies as st

from symlandscape import DeepLinearLandscape, InvalidArgument, NotExactError, mlp
from symlandscape.strategies import (
    linear_critical_points,
    linear_instances,
    points,
    rational_matrices,
    rationals,
    relu_instances,
    relu_points,
)

# Exact arithmetic has no meaningful per-example deadline (first calls fill SymPy's caches);
# every other setting comes from the Hypothesis profile (see symlandscape.pytest_plugin).
EXACT = settings(deadline=None)

# shrinking is what these finds test; the explain phase only costs time here
QUICK = settings(database=None, derandomize=True, phases=[Phase.generate, Phase.shrink])


def find(strategy, condition):
    return hypothesis_find(strategy, condition, settings=QUICK)


# -- independent checkers ----------------------------------------------------------------------


def sigma(X, Y):
    return Y * X.T * (X * X.T).inv() * X * Y.T


def has_distinct_eigenvalues(M):
    t = sympy.Symbol("t")
    p = sympy.Poly((M - t * sympy.eye(M.rows)).det(), t)
    return p.degree() <= 1 or sympy.discriminant(p) != 0


def assert_kawaguchi(L):
    X, Y = L.X, L.Y
    d_x, d_y = X.rows, Y.rows
    assert d_y <= d_x
    assert (X * X.T).rank() == d_x
    assert (X * Y.T).rank() == min(d_x, d_y)
    assert has_distinct_eigenvalues(sigma(X, Y))


def assert_in_bounds(values, low, high, max_denominator):
    for q in values:
        assert isinstance(q, sympy.Rational)
        assert low <= q <= high
        assert q.q <= max_denominator


def expression_gradient(L, point):
    """The gradient by SymPy differentiation of the loss expression (not the landscape's engine)."""
    subs = dict(zip(L.variables, point))
    return [L.expression.diff(v).xreplace(subs) for v in L.variables]


def top_eigenvalue_sum(M, p):
    values = sorted((v for v, mult in M.eigenvals().items() for _ in range(mult)), reverse=True)
    return sum(values[:p], sympy.S.Zero)


def pre_activations(L, point, layer=1):
    """Pre-activations of hidden ``layer`` on every sample, by substitution into the model."""
    model = L.model
    subs = dict(zip(L.variables, point))
    X = sympy.Matrix(model.X.nrows(), model.X.ncols(), [sympy.Rational(int(e.p), int(e.q)) for e in model.X.entries()])
    W, b = model.layers[0]
    assert layer == 1
    return (W.xreplace(subs) * X + b.xreplace(subs) * sympy.ones(1, X.cols)) if b is not None else W.xreplace(subs) * X


# -- numbers, matrices, points -------------------------------------------------------------------


@EXACT
@given(rationals(min_value="-7/2", max_value=2, max_denominator=3))
def test_rationals_respect_bounds_and_denominators(q):
    assert_in_bounds([q], sympy.Rational(-7, 2), 2, 3)


@EXACT
@given(rationals(min_value="1/3", max_value="1/2", max_denominator=10**6))
def test_rationals_in_a_range_shorter_than_one(q):
    # only some fractions fit: they are listed once, with denominators up to 64
    assert_in_bounds([q], sympy.Rational(1, 3), sympy.Rational(1, 2), 64)


@EXACT
@given(rationals())
def test_unbounded_rationals_are_exact(q):
    assert isinstance(q, sympy.Rational)


def test_rationals_shrink_to_small_integers():
    assert find(rationals(), lambda q: q > 5) == 6
    assert find(rationals(min_value=-10, max_value=10, max_denominator=5), lambda q: q < -2) == -3
    assert find(rationals(max_denominator=4), lambda q: 0 < q < 1) == sympy.Rational(1, 2)
    assert find(rationals(min_value="1/3", max_value="1/2"), lambda q: q < sympy.Rational(1, 2)) == sympy.Rational(1, 3)


@EXACT
@given(st.integers(1, 3), st.integers(1, 3), st.data())
def test_rational_matrices_have_the_requested_rank(rows, cols, data):
    rank = data.draw(st.integers(0, min(rows, cols)))
    M = data.draw(rational_matrices(rows, cols, rank=rank, min_value=-2, max_value=3, max_denominator=2))
    assert M.shape == (rows, cols)
    assert M.rank() == rank
    if rank == min(rows, cols):
        assert_in_bounds(M, -2, 3, 2)


@EXACT
@given(rational_matrices(st.integers(1, 3), 2, min_value=0, max_value="1/2", max_denominator=4))
def test_rational_matrices_without_rank_respect_bounds(M):
    assert M.cols == 2 and 1 <= M.rows <= 3
    assert_in_bounds(M, 0, sympy.Rational(1, 2), 4)


@EXACT
@given(st.data())
def test_points_have_the_landscape_length_and_bounds(data):
    L = DeepLinearLandscape([[1, 0], [0, 1]], [[1, 2]], hidden=[2])
    pt = data.draw(points(L, min_value=-1, max_value=1, max_denominator=2))
    assert len(pt) == len(L.variables) == 6
    assert_in_bounds(pt, -1, 1, 2)


# -- deep linear instances ---------------------------------------------------------------------------


@EXACT
@given(linear_instances(max_hidden_layers=3, max_input_dim=3, max_output_dim=3, max_samples=5))
def test_linear_instances_satisfy_kawaguchi_exactly(L):
    assert isinstance(L, DeepLinearLandscape)
    assert_kawaguchi(L)
    assert 1 <= L.hidden_layers <= 3 and all(1 <= w <= 3 for w in L.widths[1:-1])
    assert L.X.rows <= L.X.cols <= 5
    assert_in_bounds(list(L.X) + list(L.Y), -3, 3, 1)


@EXACT
@given(linear_instances(rational_spectrum=True, max_input_dim=3, max_output_dim=3, scale="sum"))
def test_rational_spectrum_instances_have_rational_eigenvectors(L):
    assert_kawaguchi(L)
    assert L.scale == "sum"
    S = sigma(L.X, L.Y)
    # every eigenvalue is rational and its eigenspace has a rational orthonormal basis
    for value, multiplicity, vectors in S.eigenvects():
        assert value.is_Rational and value > 0 and multiplicity == 1
        v = vectors[0]
        assert sympy.sqrt(v.dot(v)).is_Rational


@EXACT
@given(linear_instances(max_parameters=6, max_width=3, max_hidden_layers=3))
def test_linear_instances_respect_the_parameter_budget(L):
    assert len(L.variables) <= 6


def test_linear_instances_shrink_to_the_scalar_network():
    L = find(linear_instances(), lambda L: True)
    assert (L.X, L.Y, L.widths) == (sympy.Matrix([[1]]), sympy.Matrix([[1]]), (1, 1, 1))


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(linear_critical_points(max_parameters=12))
def test_linear_critical_points_are_exactly_critical(case):
    L, pt = case
    assert_kawaguchi(L)
    assert all(g == 0 for g in L.gradient(pt))
    if len(pt) <= 8:
        assert all(g == 0 for g in expression_gradient(L, pt))
    # no critical point lies below the reduced-rank regression optimum
    p = min(L.widths[1:-1])
    s = sympy.S.Half if L.scale == "half" else 1
    optimum = s * ((L.Y * L.Y.T).trace() - top_eigenvalue_sum(sigma(L.X, L.Y), p))
    assert L.value(pt) >= optimum


def _is_global_min(case):
    L, pt = case
    p = min(L.widths[1:-1])
    return L.value(pt) == sympy.S.Half * ((L.Y * L.Y.T).trace() - top_eigenvalue_sum(sigma(L.X, L.Y), p))


def test_linear_critical_points_reach_both_global_minima_and_saddles():
    L, pt = find(linear_critical_points(families=["index_set"]), _is_global_min)
    assert L.product(pt) == L.Y * L.X.T * (L.X * L.X.T).inv()
    L, pt = find(linear_critical_points(), lambda case: not _is_global_min(case))
    assert len(pt) == 2 and L.value(pt) > 0


def test_zero_block_family_gives_vanishing_hessians_with_three_weight_matrices():
    L, pt = find(linear_critical_points(families=["zero_block"], min_hidden_layers=2),
                 lambda case: all(v == 0 for v in case[1]))
    assert L.weight_matrices == 3 and L.hessian(pt).is_zero_matrix


def test_mixed_critical_points_are_off_the_canonical_form():
    # the mixers move points along the symmetry orbit: some drawn points have no zero weight
    L, pt = find(linear_critical_points(families=["index_set"], max_hidden_layers=1),
                 lambda case: all(v != 0 for v in case[1]))
    assert all(g == 0 for g in L.gradient(pt))


# -- ReLU instances and points ----------------------------------------------------------------------


@EXACT
@given(relu_instances(max_width=3, max_input_dim=2, max_samples=4, max_denominator=2))
def test_relu_instances_are_small_relu_regressions(L):
    model = L.model
    assert model.activation.name == "relu" and model.biases and L.is_piecewise
    assert 1 <= model.widths[1] <= 3 and model.X.ncols() <= 4
    assert_in_bounds([sympy.Rational(int(e.p), int(e.q)) for e in model.X.entries() + model.Y.entries()], -3, 3, 2)


@EXACT
@given(relu_instances(activation="leaky_relu", biases=False, min_hidden_layers=2, max_hidden_layers=2))
def test_relu_instances_options(L):
    assert L.model.activation.name == "leaky_relu" and not L.model.biases and L.model.hidden_layers == 2


@EXACT
@given(st.data())
def test_relu_points_on_kinks(data):
    L = data.draw(relu_instances(max_width=2))
    pt = data.draw(relu_points(L, kinds=["kink"]))
    assert len(pt) == len(L.variables)
    # the first hidden unit's pre-activation is exactly 0 on some sample
    assert 0 in list(pre_activations(L, pt)[0, :])
    assert L.kinks(pt)


@EXACT
@given(st.data())
def test_relu_points_with_dead_units(data):
    L = data.draw(relu_instances(max_width=2))
    pt = data.draw(relu_points(L, kinds=["dead"]))
    assert all(z <= 0 for z in pre_activations(L, pt)[0, :])


@EXACT
@given(st.data())
def test_relu_points_in_the_blind_spot(data):
    L = data.draw(relu_instances(max_width=2, max_output_dim=2))
    pt = data.draw(relu_points(L, kinds=["blind_spot"]))
    assert all(z < 0 for z in pre_activations(L, pt))
    outputs = L.model.outputs().xreplace(dict(zip(L.variables, pt)))
    Y = L.model.targets()
    for i in range(Y.rows):
        assert all(o == sum(Y[i, :]) / Y.cols for o in outputs[i, :])
    assert not L.kinks(pt)


@EXACT
@given(st.data())
def test_generic_relu_points_respect_bounds(data):
    L = data.draw(relu_instances())
    pt = data.draw(relu_points(L, kinds=["generic"], min_value=-1, max_value=2, max_denominator=3))
    assert_in_bounds(pt, -1, 2, 3)


# -- bad arguments are rejected where the strategy is defined ------------------------------------------


LANDSCAPE = DeepLinearLandscape([[1]], [[1]], hidden=[1])
RELU = mlp([[1, 2]], [[0, 1]], hidden=[1])


@pytest.mark.parametrize(
    "define, message",
    [
        (lambda: rationals(min_value=2, max_value=1), "min_value=2 is larger than max_value=1"),
        (lambda: rationals(min_value="1/3", max_value="1/2", max_denominator=1), "no rational in"),
        (lambda: rationals(min_value="1/100", max_value="1/99"), "has a denominator <= 64"),
        (lambda: rationals(max_denominator=0), "max_denominator=0 must be at least 1"),
        (lambda: rational_matrices(2, 2, rank=3), "rank=3 exceeds min(rows, cols) = 2"),
        (lambda: rational_matrices(-1, 2), "rows=-1 must be at least 0"),
        (lambda: rational_matrices(2, 2, rank=1, min_value=0, max_value=0), "rank=1 is impossible"),
        (lambda: rational_matrices(2, 2, rank=0, min_value=1, max_value=2), "rank=0 needs the zero matrix"),
        (lambda: points("not a landscape"), "must be a symlandscape Landscape"),
        (lambda: linear_instances(max_width=0), "max_width=0 must be at least 1"),
        (lambda: linear_instances(min_hidden_layers=3, max_hidden_layers=2), "min_hidden_layers=3 is larger"),
        (lambda: linear_instances(max_parameters=1), "max_parameters=1 is below the smallest network"),
        (lambda: linear_instances(rational_spectrum="yes"), "rational_spectrum='yes' must be True or False"),
        (lambda: linear_instances(scale="mean"), "scale='mean' is not allowed"),
        (lambda: linear_instances(max_hidden_layers=2.0), "max_hidden_layers=2.0 must be an integer"),
        (lambda: linear_critical_points(families=["bh"]), "families=('bh',) must be"),
        (lambda: linear_critical_points(families="zero_block"), "families='zero_block' must be a collection"),
        (lambda: relu_instances(activation="tanh"), "activation='tanh' must be 'relu' or 'leaky_relu'"),
        (lambda: relu_instances(min_samples=3, max_samples=2), "min_samples=3 is larger"),
        (lambda: relu_points(LANDSCAPE), "must come from mlp"),
        (lambda: relu_points(RELU, kinds=["saddle"]), "kinds=('saddle',) must be"),
        (lambda: relu_points(mlp([[1]], [[1]], hidden=[1], biases=False), kinds=["kink"]), "needs biases"),
        (lambda: relu_points(mlp([[1]], [[1]], hidden=[1], activation="leaky_relu")), "blind spot needs"),
    ],
)
def test_bad_arguments_raise_at_definition(define, message):
    with pytest.raises(InvalidArgument) as info:
        define()
    assert message in str(info.value)
    # the error Hypothesis users catch, too
    assert isinstance(info.value, hypothesis.errors.InvalidArgument)


def test_float_bounds_are_refused_with_an_exact_suggestion():
    with pytest.raises(NotExactError, match=r"min_value=0\.5 is a float.*\"1/2\""):
        rationals(min_value=0.5)
    assert rationals(min_value=Fraction(1, 2), max_value="3/4") is not None
