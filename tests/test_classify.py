"""classify: the textbook cases, each verdict checked by hand-derived facts and numerically.

``CASES`` is the zoo of (landscape, point) pairs used by this file and by ``test_verify``
(which re-verifies and tampers with every certificate produced here).  Expected kinds and
values are derived by hand in the comments, never taken from the code under test.
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy

from symlandscape import (InvalidArgument, Landscape, NotExactError, ShapeError, deep_linear, exponential_neuron,
                          get_loss, mlp)
from symlandscape.activations import leaky_relu, relu
from symlandscape.classify import classify
from symlandscape.expression import parse_expression
from symlandscape.verify import verify

R = sympy.Rational


# ---------------------------------------------------------------------------------------
# the landscapes


@functools.lru_cache(maxsize=None)
def landscape(name):
    if name == "lee":
        return Landscape.from_expression("(1 - w1*w2)^2", "w1,w2")
    if name.startswith("chain"):  # 1/2 (1 - w_N ... w_1)^2
        N = int(name[5:])
        return deep_linear([[1]], [[1]], hidden=[1] * (N - 1))
    if name == "scp16":  # Swirszcz, Czarnecki, Pascanu 2016: one ReLU unit, five points, sum of squares
        return mlp([[-1, 1, 3, 4, 5]], [[3, -3, 0, 1, 2]], hidden=[1],
                   loss=get_loss("squared", scale="sum"), variables="w,b,v,c")
    if name == "exp":  # exp(x + 1/2) - x exp(1/2) + y^2: gradient 0 and Hessian diag(e^(1/2), 2) at 0
        return Landscape.from_expression("exp(x + 1/2) - x*exp(1/2) + y^2", "x,y")
    if name == "linear-2-1-2":  # 1/2 ||W2 W1 - diag(1, 2)||^2, one hidden unit: rank <= 1 < 2 outputs
        return deep_linear([[1, 0], [0, 1]], [[1, 0], [0, 2]], hidden=[1])
    if name == "linear-2-1-1-2":  # three weight matrices
        return deep_linear([[1, 0], [0, 1]], [[1, 0], [0, 2]], hidden=[1, 1])
    if name == "exp-neuron":  # Liang et al. 2018: a chain w2 w1 plus a·exp(w x + b), penalty a^2/2
        return exponential_neuron(deep_linear([[1, 2]], [[1, -1]], hidden=[1]), 1)
    if name == "exp-neuron-hinge":  # LSLS18-elim: four ReLU units (no biases), hinge^3, samples (-1, 1), (1, 1)
        base = mlp([[-1, 1], [1, 1]], [[1, -1]], hidden=[4], activation="relu", biases=False,
                   loss=get_loss("hinge", p=3))
        return exponential_neuron(base, 1)
    if name == "exp-x":  # exp(x) - x: convex, minimum 1 at x = 0
        return Landscape.from_expression("exp(x) - x", "x")
    return Landscape.from_expression(name, "x,y")


HINGE_THETA0 = (0, -1, 0, -1, 0, -1, 0, -1, 1, 1, 1, 1)

#: (id, landscape name, point, expected kind)
CASES = [
    ("lee-saddle", "lee", (0, 0), "strict_saddle"),
    ("lee-minimum", "lee", (2, R(1, 2)), "local_min"),
    ("chain2-origin", "chain2", (0, 0), "strict_saddle"),
    ("chain3-origin", "chain3", (0, 0, 0), "degenerate_saddle"),
    ("chain4-origin", "chain4", (0, 0, 0, 0), "degenerate_saddle"),
    ("chain3-two-zeros", "chain3", (0, 0, R(-3, 2)), "strict_saddle"),
    ("chain3-product-one", "chain3", (2, R(-1, 4), -2), "local_min"),
    ("chain4-two-zeros", "chain4", (0, 3, 0, R(1, 2)), "strict_saddle"),
    ("chain4-three-zeros", "chain4", (0, 0, 0, -2), "degenerate_saddle"),
    ("chain4-product-one", "chain4", (1, -1, R(1, 2), -2), "local_min"),
    ("x2+y4", "x^2 + y^4", (0, 0), "local_min"),
    ("x2-y4", "x^2 - y^4", (0, 0), "degenerate_saddle"),
    ("x2y2", "x^2*y^2", (0, 0), "local_min"),
    ("monkey", "x^3 - 3*x*y^2", (0, 0), "degenerate_saddle"),
    ("strict-max", "x*y - x^2 - y^2", (0, 0), "strict_local_max"),
    ("peano", "(y - x^2)*(y - 2*x^2)", (0, 0), "degenerate_saddle"),
    ("not-critical", "x^2 + y^2", (1, 2), "not_critical"),
    ("scp16-kink", "scp16", (1, -3, 1, 0), "local_min"),
    ("scp16-14", "scp16", (-7, -4, 1, 0), "local_min"),
    ("dead-relu-mean", "scp16", (-1, -10, 1, R(3, 5)), "local_min"),
    ("dead-relu-off", "scp16", (-1, -10, 1, 0), "not_critical"),
    ("abs-minimum", "abs(x) + y^2", (0, 0), "local_min"),
    ("relu-kink-saddle", "abs(x) - relu(y)", (0, 0), "degenerate_saddle"),
    # slope 1 for x > 0 and 1/2 for x < 0: increasing through the kink, not critical
    ("relu-kink-slopes", "relu(x) - relu(-x)/2 + y^2", (0, 0), "not_critical"),
    ("max-not-critical", "max(x, y)", (0, 0), "not_critical"),
    ("motzkin-top", "x^4*y^2 + x^2*y^4 - 3*x^2*y^2 + 1", (0, 0), "local_max"),
    ("sigmoid-top", "sigmoid(-x^2*y^2)", (0, 0), "local_max"),
    ("motzkin-zero", "x^4*y^2 + x^2*y^4 - 3*x^2*y^2 + 1", (1, 1), "strict_local_min"),
    ("exp-minimum", "exp", (0, 0), "strict_local_min"),
    ("linear-reduced-rank-minimum", "linear-2-1-2", (0, 2, 0, 1), "local_min"),
    ("linear-zero-saddle", "linear-2-1-2", (0, 0, 0, 0), "strict_saddle"),
    ("linear-zero-block", "linear-2-1-1-2", (0, 0, 0, 0, 0), "degenerate_saddle"),
    ("exp-neuron-saddle", "exp-neuron", (0, 0, 0, 0, 0), "strict_saddle"),
    # θ0: every ReLU unit dead (W1 rows (0, -1), pre-activations -1), output weights 1; then (a, w_1, w_2, b)
    ("exp-neuron-hinge-not-critical", "exp-neuron-hinge", HINGE_THETA0 + (0, 1, 0, 0), "not_critical"),
    ("exp-neuron-hinge-saddle", "exp-neuron-hinge", HINGE_THETA0 + (0, 0, 1, 0), "strict_saddle"),
    ("exp-x-minimum", "exp-x", (0,), "strict_local_min"),
    ("exp-x-not-critical", "exp-x", (1,), "not_critical"),
]
IDS = [c[0] for c in CASES]


@functools.lru_cache(maxsize=None)
def verdict_of(case_id):
    _, name, point, _ = CASES[IDS.index(case_id)]
    return classify(landscape(name), point)


def case(case_id):
    _, name, point, kind = CASES[IDS.index(case_id)]
    return landscape(name), point, kind, verdict_of(case_id)


# ---------------------------------------------------------------------------------------
# every case: the expected kind, a verified certificate, consistent fields


@pytest.mark.parametrize("case_id", IDS)
def test_kind_and_certificate(case_id):
    L, point, kind, v = case(case_id)
    assert v.kind == kind, v.explanation
    assert v.verified and verify(v.certificate, L)
    assert v.critical == (kind != "not_critical")
    assert v.value == L.value(point)
    assert v.certificate["kind"] == kind and v.certificate["type"] == "classification"
    if v.global_min is False:
        witness = v.certificate["global"]
        assert L.value(witness["point"]) < L.value(point)
    if kind in ("strict_saddle", "degenerate_saddle", "not_critical", "strict_local_max"):
        assert v.global_min is False  # a descent direction exists, so a lower point was found
    assert "seed=0" in v.explanation


def test_lee():
    # Lee's (1 - w1 w2)^2: Hessian [[0, -2], [-2, 0]] at 0 (eigenvalues ±2); zero on the hyperbola
    L, _, _, saddle = case("lee-saddle")
    assert saddle.value == 1 and saddle.hessian_inertia == {"positive": 1, "negative": 1, "zero": 0}
    u = saddle.certificate["evidence"]["indefinite"]["u"]
    assert L.taylor([0, 0], u, 2)[2] < 0  # the negative direction descends at order 2
    _, _, _, minimum = case("lee-minimum")
    # Hessian at (2, 1/2) is 2 (w2, w1)(w2, w1)ᵀ = [[1/2, 1], [1, 4]]: rank 1 (the hyperbola is flat)
    assert minimum.value == 0 and minimum.global_min is True
    assert minimum.hessian_inertia == {"positive": 1, "negative": 0, "zero": 1}
    assert minimum.certificate["global"]["type"] == "global_lower_bound"


@pytest.mark.parametrize("N", [2, 3, 4])
def test_chain_origin(N):
    # 1/2 (1 - w_N ⋯ w_1)^2 at 0: L(t d) = 1/2 - t^N Π d + ...; Hessian [[0, -1], [-1, 0]] for N = 2,
    # zero for N >= 3 (every second derivative keeps a factor w_k = 0)
    v = verdict_of(f"chain{N}-origin")
    assert v.value == R(1, 2)
    if N == 2:
        assert v.kind == "strict_saddle" and v.hessian_inertia == {"positive": 1, "negative": 1, "zero": 0}
    else:
        assert v.kind == "degenerate_saddle" and v.hessian_inertia == {"positive": 0, "negative": 0, "zero": N}
        descent = v.certificate["evidence"]["descent"]
        assert descent["order"] == N  # no curve can descend earlier: the lowest term of L - 1/2 has degree N


def chain_kind(point):
    """The kind of a critical point of 1/2 (1 - Π w)^2, derived by hand.

    ∂L/∂w_i = -(1 - Π w) Π_{j≠i} w_j, so the critical set is {Π w = 1} ∪ {at least two zeros}.
    Π w = 1: L = 0, a global (non-strict) minimum.  Exactly two zeros w_i = w_j = 0: the
    (i, j) block of the Hessian is [[0, -c], [-c, 0]] with c = Π_{k≠i,j} w_k ≠ 0: a strict
    saddle.  Three or more zeros: the Hessian vanishes, L(θ0 + t d) = 1/2 (1 - c t^k Π d)^2
    with k the number of zeros: a degenerate saddle.
    """
    zeros = sum(1 for w in point if w == 0)
    if math.prod(point) == 1:
        return "local_min"
    assert zeros >= 2, "not a critical point"
    return "strict_saddle" if zeros == 2 else "degenerate_saddle"


@pytest.mark.parametrize("case_id", [c for c in IDS if c.startswith("chain")])
def test_chain_critical_set(case_id):
    L, point, kind, v = case(case_id)
    assert kind == chain_kind(point) == v.kind
    assert list(L.gradient(point)) == [0] * len(point)
    if kind == "local_min":
        assert v.value == 0 and v.global_min is True


def test_degenerate_polynomials():
    # x^2 - y^4: descent along y at order 4, ascent along x at order 2
    v = verdict_of("x2-y4")
    assert v.certificate["evidence"]["descent"]["order"] == 4
    assert v.hessian_inertia == {"positive": 1, "negative": 0, "zero": 1}
    # monkey saddle: the Hessian vanishes, every line through 0 is cubic
    v = verdict_of("monkey")
    assert v.hessian_inertia == {"positive": 0, "negative": 0, "zero": 2}
    assert v.certificate["evidence"]["descent"]["order"] == 3
    # x^2 + y^4 and x^2 y^2 are sums of squares: global minima
    for case_id in ("x2+y4", "x2y2"):
        assert verdict_of(case_id).global_min is True
    # strict maximum: Hessian [[-2, 1], [1, -2]], eigenvalues -1 and -3
    assert verdict_of("strict-max").hessian_inertia == {"positive": 0, "negative": 2, "zero": 0}


def test_peano_saddle_needs_a_curve():
    # (y - x^2)(y - 2x^2): every line through 0 goes up (order 2 or 4), the parabola y = 3/2 x^2
    # goes down: L = (1/2 x^2)(-1/2 x^2) = -x^4/4
    L, _, _, v = case("peano")
    for d in [(1, 0), (0, 1), (1, 1), (1, -1), (2, 1), (1, 5)]:
        coefficients = L.taylor([0, 0], d, 4)
        first = next(c for c in coefficients[1:] if c != 0)
        assert first > 0
    descent = v.certificate["evidence"]["descent"]
    assert descent["order"] == 4 and len(descent["curve"]) == 2
    assert Fraction(descent["coefficients"][4]) < 0


def test_scp16_local_minimum_on_a_kink():
    L, point, _, v = case("scp16-kink")
    # pre-activations w x + b = -4, -2, 0, 1, 2: sample x = 3 sits on the kink; residuals -3, 3, 0, 0, 0
    assert [u.description for u in L.kinks(point)] == ["hidden layer 1, unit 1, sample 3 (x = 3)"]
    assert v.value == 18 and v.hessian_inertia is None
    pieces = v.certificate["evidence"]["minimum"]["pieces"]
    assert {tuple(p["region"]["pattern"]) for p in pieces} == {tuple(p.branches) for p in L.pieces(point)}
    assert len(pieces) == 2
    # not global: the certificate holds a point of value exactly 14
    assert v.global_min is False
    witness = v.certificate["global"]
    assert witness["value"] == "14" and L.value(witness["point"]) == 14


def test_scp16_other_minimum():
    L, point, _, v = case("scp16-14")
    # only x = -1 is active: residual 0 there, the rest is fitted by c = 0 = mean(-3, 0, 1, 2): 9 + 0 + 1 + 4
    assert v.value == 14
    assert v.global_min is not False  # 14 is the global minimum (CLAIMS.md, SCP16-relu)


def test_dead_relu():
    L, point, _, v = case("dead-relu-mean")
    # every unit dead: L = Σ (c - y)^2 near the point, minimised at c = mean(3, -3, 0, 1, 2) = 3/5
    assert v.value == sum((R(3, 5) - y) ** 2 for y in (3, -3, 0, 1, 2))
    assert v.global_min is False  # the five-point example reaches 14 < 106/5
    _, _, _, off = case("dead-relu-off")
    # ∂L/∂c = 2 Σ (c - y) = 2 (5·0 - 3) = -6
    assert off.certificate["evidence"]["gradient"]["gradient"] == ["0", "0", "0", "-6"]


def test_kinks():
    # |x| + y^2 at 0: each piece is >= 0 on its half-plane (x >= 0 resp. x <= 0)
    v = verdict_of("abs-minimum")
    assert v.hessian_inertia is None and v.certificate["evidence"]["minimum"]["type"] == "pieces"
    # |x| - relu(y): 0 is in the hull of the pieces' gradients (±1, 0), (±1, -1); down along +y at order 1
    v = verdict_of("relu-kink-saddle")
    assert v.certificate["evidence"]["descent"]["order"] == 1
    assert "clarke" in v.certificate["evidence"]
    # max(x, y) at 0: gradients (1, 0) and (0, 1); 0 is not in their hull
    v = verdict_of("max-not-critical")
    assert "separation" in v.certificate["evidence"] and not v.critical


def test_deep_linear_networks():
    # W2 W1 of rank <= 1 against Y = diag(1, 2): the best rank-one product keeps σ = 2, leaving
    # 1/2 · 1^2 = 1/2 (Eckart-Young); (W1, W2) = ((0, 2), (0, 1)ᵀ) attains it: a global minimum
    v = verdict_of("linear-reduced-rank-minimum")
    assert v.value == R(1, 2) and v.global_min is True
    # zero weights, two weight matrices: Hessian [[0, B], [Bᵀ, 0]] with B from -Y Xᵀ ≠ 0
    v = verdict_of("linear-zero-saddle")
    assert v.hessian_inertia["negative"] >= 1 and v.hessian_inertia["positive"] >= 1
    # zero weights, three weight matrices: the Hessian vanishes (Kawaguchi's bad saddle)
    v = verdict_of("linear-zero-block")
    assert v.hessian_inertia == {"positive": 0, "negative": 0, "zero": 5}
    assert v.certificate["evidence"]["descent"]["order"] == 3


def test_a_maximum_on_a_ball_only():
    # Motzkin's polynomial at 0: L = 1 + x^2 y^2 (x^2 + y^2 - 3) <= 1 where x^2 + y^2 <= 3, a non-strict
    # local maximum that no sum of squares valid everywhere proves (L grows without bound)
    v = verdict_of("motzkin-top")
    assert v.kind == "local_max" and v.hessian_inertia == {"positive": 0, "negative": 0, "zero": 2}
    bound = v.certificate["evidence"]["maximum"]
    assert bound["type"] == "sos" and bound["sense"] == "upper" and 0 < R(bound["region"]["ball"]) <= 3
    assert "descent" not in v.certificate["evidence"] and v.global_min is False


def test_undetermined_is_honest():
    # sigmoid(-x^2 y^2) - x^4 y^4 <= 1/2 with equality on the axes (u = x^2 y^2 >= 0, and both
    # sigmoid(-u) and -u^2 decrease in u): a non-strict local maximum at 0, but the loss is not a
    # polynomial, not c + s·φ(p), and no Taylor model holds at a non-isolated maximum; the search says so
    v = classify(Landscape.from_expression("sigmoid(-x^2*y^2) - x^4*y^4", "x,y"), (0, 0))
    assert v.kind == "undetermined" and v.verified
    assert v.hessian_inertia == {"positive": 0, "negative": 0, "zero": 2}
    assert "descent" in v.certificate["evidence"] and "ascent" not in v.certificate["evidence"]
    for words in ("Lines tried", "Taylor order", "no maximum certificate"):
        assert words in v.explanation
    # a descent curve still shows it is not a global minimum
    assert v.global_min is False


def test_a_global_minimum_that_is_no_sum_of_squares():
    # Motzkin's polynomial is >= 0 but not a sum of squares; (1, 1) is a global minimum (value 0),
    # shown by the Reznick multiplier: (1 + x^2 + y^2) M is a sum of squares
    v = verdict_of("motzkin-zero")
    assert v.value == 0 and v.global_min is True
    assert v.certificate["global"]["certificate"]["multiplier"] == {"reznick": 1}


def test_global_status_of_the_five_sample_relu_network():
    # the five-sample ReLU network at (-7, -4, 1, 0): value 14, the global minimum, proven by the
    # cover of activation cells × the sign of v (the claim SCP16-relu derives 14 twice on its own)
    v = verdict_of("scp16-14")
    assert v.value == 14 and v.global_min is True
    assert v.certificate["global"]["type"] == "cell_cover" and v.certificate["global"]["bound"] == "14"


def test_global_status_unknown_is_honest():
    # L = x^2 + y^2 - x^2 y^2 tanh(x y)^2 / 100 at 0: a strict local minimum, not global (at
    # x = y = 20, L = 800 - 1600 tanh(400)^2 < 0); classify finds no witness, and says unknown
    L = Landscape.from_expression("x^2 + y^2 - x^2*y^2*tanh(x*y)^2/100", "x,y")
    v = classify(L, (0, 0))
    assert L.value((20, 20)) < 0
    assert v.kind == "strict_local_min" and v.global_min is None
    assert "Global minimum: unknown" in v.explanation


def test_symbolic_landscape():
    v = verdict_of("exp-minimum")
    assert v.value == sympy.exp(R(1, 2))
    assert v.to_dict()["value"] == "exp(1/2)"
    assert v.hessian_inertia == {"positive": 2, "negative": 0, "zero": 0}


def _number(text, L):
    """A certificate's number read with the safe grammar (as verify reads it)."""
    return parse_expression(text, L.variables)


def _equal(a, b):
    return sympy.simplify(a - b) == 0


def test_exponential_neuron_on_a_dead_hinge_network_is_not_critical():
    # every ReLU unit is dead (pre-activations -1), so f = 0 on both samples and the loss is
    # Σ max(1 - y_i a exp(w_1 x_i + w_2 + b), 0)^3 + a^2/2 near the point: value 1 + 1 = 2.  At
    # a = 0: ∂L/∂a = -3 Σ y_i exp(w_1 x_i + w_2 + b) = -3 (exp(-1) - exp(1)) with (w_1, w_2, b) = (1, 0, 0);
    # ∂/∂(w, b) carry a factor a = 0, and ∂/∂θ vanishes on dead units
    L, point, _, v = case("exp-neuron-hinge-not-critical")
    e = sympy.E
    assert v.value == 2
    stated = [_number(g, L) for g in v.certificate["evidence"]["gradient"]["gradient"]]
    expected = [0] * 12 + [3 * e - 3 / e, 0, 0, 0]
    assert all(_equal(a, b) for a, b in zip(stated, expected)) and len(stated) == 16
    assert "exp" in v.certificate["evidence"]["gradient"]["gradient"][12]
    assert "∂L/∂a" in v.explanation and v.global_min is False


def test_exponential_neuron_saddle_with_an_irrational_hessian():
    # (a, w_1, w_2, b) = (0, 0, 1, 0): both exponents are w_2 = 1, so ∂L/∂a = -3 (e - e) = 0 exactly,
    # and the gradient vanishes.  The (a, w_1) block of the Hessian is [[1 + 12 e^2, 6 e], [6 e, 0]]
    # (∂²/∂a² = Σ 6 y_i² e² + λ, ∂²/∂a∂w_1 = -3 Σ y_i x_i e = 6 e, ∂²/∂w_1² has a factor a): its
    # determinant -36 e^2 < 0 makes it indefinite
    L, point, _, v = case("exp-neuron-hinge-saddle")
    e = sympy.E
    assert list(L.gradient(point)) == [0] * 16
    H = L.hessian(point)
    a, w1 = 12, 13
    assert _equal(H[a, a], 1 + 12 * e ** 2) and _equal(H[a, w1], 6 * e) and H[w1, w1] == 0
    assert v.kind == "strict_saddle" and v.hessian_inertia == {"positive": 1, "negative": 1, "zero": 14}
    diagonal = v.certificate["evidence"]["inertia"]["diagonal"]
    assert any("exp" in d for d in diagonal)  # the pivots are irrational, stated exactly
    assert v.global_min is False


def test_symbolic_landscape_exp_minus_x():
    # exp(x) - x: L'(x) = e^x - 1, L''(x) = e^x.  At 0: gradient 0 and Hessian 1 > 0 (rational there),
    # a strict minimum of value 1; convex, so no lower point exists and no sum of squares applies
    L, _, _, v = case("exp-x-minimum")
    assert v.value == 1 and v.hessian_inertia == {"positive": 1, "negative": 0, "zero": 0}
    assert v.certificate["evidence"]["inertia"]["diagonal"] == ["1"]
    assert v.global_min is None and "Global minimum: unknown" in v.explanation
    # at 1: L' = e - 1 ≠ 0, value e - 1; stepping against the gradient to 0 gives 1 < e - 1
    L, _, _, v = case("exp-x-not-critical")
    assert _equal(v.value, sympy.E - 1)
    assert _equal(_number(v.certificate["evidence"]["gradient"]["gradient"][0], L), sympy.E - 1)
    assert _equal(_number(v.certificate["value"], L), sympy.E - 1)
    witness = v.certificate["global"]
    assert v.global_min is False and L.value(witness["point"]) < sympy.E - 1


def test_an_undecidable_sign_gives_undetermined(monkeypatch):
    import importlib

    # e - c with c the first 40 digits of e: 2.718281828459045235360287471352662497757 < e by
    # about 2.5e-40, so the gradient of exp(x) - c x at 1 is positive but an enclosure of 64 bits
    # (about 1e-19) cannot see it; with the precision capped there, the sign is undecided
    c = "2718281828459045235360287471352662497757/10^39"
    L = Landscape.from_expression(f"exp(x) - {c}*x", "x")
    kernel = importlib.import_module("symlandscape.signs")
    assert classify(L, (1,)).kind == "not_critical"
    monkeypatch.setattr(kernel, "MAX_SIGN_PRECISION", 64)
    v = classify(L, (1,))
    assert v.kind == "undetermined" and v.verified and "undecided" in v.explanation
    assert verify(v.certificate, L)


def test_global_search_budget():
    L = landscape("scp16")
    # off: only what the local analysis holds; the kink minimum has a per-piece bound, no global one
    v = classify(L, (1, -3, 1, 0), global_search="off")
    assert v.kind == "local_min" and v.global_min is None and "global_search='off'" in v.explanation
    # a zero budget: the search is cut short, and says so
    v = classify(L, (1, -3, 1, 0), global_search=0)
    assert v.global_min is None and "cut short" in v.explanation and v.verified
    # a descent curve in hand needs no search: Lee's saddle stays not global with the search off
    assert classify(landscape("lee"), (0, 0), global_search="off").global_min is False
    for bad in ("fast", -1, True, 1.5):
        with pytest.raises(InvalidArgument, match="global_search"):
            classify(L, (1, -3, 1, 0), global_search=bad)


@pytest.mark.parametrize("seed", range(6))
def test_the_default_budget_finds_the_five_point_witness(seed):
    # SCP16: the kink point (1, -3, 1, 0) has value 18; the global minimum is 14 (CLAIMS.md)
    L = landscape("scp16")
    v = classify(L, (1, -3, 1, 0), seed=seed)
    assert v.global_min is False and v.certificate["global"]["value"] == "14"
    assert L.value(v.certificate["global"]["point"]) == 14


def test_the_budget_counts_exact_evaluations():
    # two dead ReLU units at the mean output bias (BLIND-SPOT): every exact value or Taylor
    # expansion the global search makes is charged, so a budget B adds at most B of them
    L = mlp([[-1, 1, 3, 4, 5]], [[3, -3, 0, 1, 2]], hidden=[2], loss=get_loss("squared", scale="sum"))
    point = (0, 0, -1, -1, 1, 1, R(3, 5))
    calls = {"n": 0}
    for name in ("_value", "_along"):
        method = getattr(L, name)

        def counted(*args, method=method):
            calls["n"] += 1
            return method(*args)

        setattr(L, name, counted)
    classify(L, point, global_search="off")
    local = calls["n"]
    for budget in (3, 30):
        calls["n"] = 0
        v = classify(L, point, global_search=budget)
        assert v.verified and calls["n"] - local <= budget
        assert v.global_min is False or "cut short" in v.explanation
    assert classify(L, point, global_search=3).global_min is None  # 3 evaluations cannot polish 7 coordinates


def test_seed_is_reported_and_reproducible():
    L = landscape("scp16")
    a = classify(L, (1, -3, 1, 0), seed=3)
    b = classify(L, (1, -3, 1, 0), seed=3)
    assert a.certificate == b.certificate and "seed=3" in a.explanation


def test_max_order_limits_the_search():
    # x^2 + tanh(y)^3 = x^2 + y^3 - y^5 + ...: the descent along -y is cubic; Taylor series up
    # to order 2 cannot see it (and the parabolas need a vanishing cubic term), so the search
    # must report what it tried
    L = landscape("x^2 + tanh(y)^3")
    v = classify(L, (0, 0), max_order=2)
    assert v.kind == "undetermined" and "Taylor order 2" in v.explanation
    assert classify(L, (0, 0)).kind == "degenerate_saddle"
    # a polynomial's lines are read from its exact expansion, up to its degree (3 here)
    v = classify(landscape("x^2 + y^3"), (0, 0), max_order=2)
    assert v.kind == "degenerate_saddle" and v.certificate["evidence"]["descent"]["order"] == 3


def test_a_certificate_that_fails_to_verify_is_a_bug(monkeypatch):
    import importlib

    from symlandscape import CertificateError

    # the module, not the function that symlandscape/__init__.py may re-export under its name
    module = importlib.import_module("symlandscape.classify")

    def reject(certificate, landscape):
        raise CertificateError("tampered in the test")

    monkeypatch.setattr(module, "verify", reject)
    with pytest.raises(RuntimeError, match="internal error"):
        classify(landscape("lee"), (0, 0))


def test_bad_arguments():
    L = landscape("lee")
    with pytest.raises(InvalidArgument, match="landscape"):
        classify("x^2", (0,))
    with pytest.raises(InvalidArgument, match="seed"):
        classify(L, (0, 0), seed=-1)
    with pytest.raises(InvalidArgument, match="max_order"):
        classify(L, (0, 0), max_order=1)
    with pytest.raises(ShapeError):
        classify(L, (0, 0, 0))
    with pytest.raises(NotExactError):
        classify(L, (0.5, 0))


# ---------------------------------------------------------------------------------------
# the numeric twin: float64 and mpmath agree with every verdict


def _numeric(L, backend):
    """Lambdify ``L.expression`` (not the exact engines) with relu as max(z, 0)."""
    expr = L.expression.replace(relu, lambda z: sympy.Max(z, 0))
    expr = expr.replace(leaky_relu, lambda z, s: sympy.Max(z, 0) + s * sympy.Min(z, 0))
    if backend == "mpmath":
        return sympy.lambdify(L.variables, expr, modules=[{"Max": max, "Min": min}, "mpmath"])
    return sympy.lambdify(L.variables, expr, modules=[{"Max": max, "Min": min}, "math"])


def _to_mp(values):
    return [mpmath.mpf(Fraction(str(v)).numerator) / Fraction(str(v)).denominator for v in values]


def _curve_point(point, curve, t):
    return [p + sum(mpmath.mpf(Fraction(d[i]).numerator) / Fraction(d[i]).denominator * t ** (j + 1)
                    for j, d in enumerate(curve)) for i, p in enumerate(point)]


@pytest.mark.parametrize("case_id", IDS)
def test_numeric_twin(case_id):
    L, point, kind, v = case(case_id)
    rng = np.random.default_rng(0)
    f_mp, f_64 = _numeric(L, "mpmath"), _numeric(L, "float64")
    with mpmath.workdps(50):
        x0 = _to_mp(point)
        f0 = f_mp(*x0)
        # 50 digits: rounding errors are ~1e-48 relative; 1e-40 (1 + |L|) is far above them
        # and far below every genuine change sampled here (>= 1e-16 at radius 1e-4)
        tol = mpmath.mpf(10) ** -40 * (1 + abs(f0))
        ev = v.certificate["evidence"]
        if kind in ("strict_local_min", "local_min"):
            for radius in (1e-2, 1e-3, 1e-4):
                for u in rng.normal(size=(64, len(point))):
                    x = [a + mpmath.mpf(radius * b) for a, b in zip(x0, u / np.linalg.norm(u))]
                    assert f_mp(*x) >= f0 - tol, (case_id, radius)
        if kind in ("strict_local_max", "local_max"):
            for u in rng.normal(size=(64, len(point))):
                x = [a + mpmath.mpf(1e-3 * b) for a, b in zip(x0, u / np.linalg.norm(u))]
                assert f_mp(*x) <= f0 + tol
        for role, sign in (("descent", -1), ("ascent", 1)):
            if role not in ev:
                continue
            curve, k = ev[role]["curve"], ev[role]["order"]
            c = Fraction(ev[role]["coefficients"][k])
            t = mpmath.mpf(10) ** -4
            change = f_mp(*_curve_point(x0, curve, t)) - f0
            assert sign * change > 0
            # the leading term c t^k dominates: the rest is O(t^(k+1)), relatively O(t) = 1e-4
            assert abs(change / t ** k - mpmath.mpf(c.numerator) / c.denominator) < 1e-2 * abs(float(c))
        if v.global_min is False:
            w = v.certificate["global"]["point"]
            assert f_mp(*_to_mp(w)) < f0
            stated = parse_expression(v.certificate["global"]["value"], L.variables)
            assert float(f_mp(*_to_mp(w))) == pytest.approx(float(stated))
    # float64 agrees on the value at the point (rounding: a few ulps of the largest term)
    if L.rational_valued:
        assert f_64(*[float(Fraction(str(p))) for p in point]) == pytest.approx(float(Fraction(str(v.value))), rel=1e-12, abs=1e-12)
    if v.hessian_inertia is not None:
        H = np.array(L.hessian(point).evalf(30).tolist(), dtype=float)
        eigenvalues = np.linalg.eigvalsh(H)
        # eigvalsh is backward stable: errors ~ n eps ||H|| << 1e-8 max(1, ||H||)
        zero = 1e-8 * max(1.0, float(np.linalg.norm(H)))
        counts = {"positive": int(np.sum(eigenvalues > zero)), "negative": int(np.sum(eigenvalues < -zero)),
                  "zero": int(np.sum(abs(eigenvalues) <= zero))}
        assert counts == v.hessian_inertia
        with mpmath.workdps(30):
            mp_eigenvalues = mpmath.eigsy(mpmath.matrix(L.hessian(point).evalf(40).tolist()))[0]
            assert sum(1 for e in mp_eigenvalues if e > mpmath.mpf(10) ** -20) == v.hessian_inertia["positive"]
            assert sum(1 for e in mp_eigenvalues if e < -mpmath.mpf(10) ** -20) == v.hessian_inertia["negative"]
    if kind == "not_critical" and "gradient" in v.certificate["evidence"]:
        with mpmath.workdps(50):
            x0 = _to_mp(point)
            h = mpmath.mpf(10) ** -20
            # central differences: error O(h^2) = 1e-40, rounding 1e-50 / h = 1e-30
            g = [(f_mp(*[x + (h if j == i else 0) for j, x in enumerate(x0)])
                  - f_mp(*[x - (h if j == i else 0) for j, x in enumerate(x0)])) / (2 * h) for i in range(len(x0))]
            assert max(abs(x) for x in g) > mpmath.mpf(10) ** -10
