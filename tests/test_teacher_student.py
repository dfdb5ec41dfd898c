"""The teacher–student population loss: closed form, gradient, descent and certified spurious minima."""

import math
from fractions import Fraction

import numpy as np
import pytest

from proofs_checks.overparam import WITNESS_K6
from symlandscape.errors import InvalidArgument
from symlandscape.teacher_student import (
    CHECK_EVERY,
    GLOBAL_LOSS,
    certify_minimum,
    descend,
    initial_weights,
    learning_rate,
    newton_polish,
    population_gradient,
    population_gradient_per_run,
    population_loss,
    run_batch,
)


def test_loss_at_known_points():
    # teacher itself: 0; a permutation of the teacher's units: 0 (the loss is symmetric in the units)
    assert population_loss(np.eye(4)[None])[0] == pytest.approx(0, abs=1e-15)
    assert population_loss(np.eye(4)[[2, 0, 3, 1]][None])[0] == pytest.approx(0, abs=1e-15)
    # a student that is nearly 0: F -> 1/2 E[(relu(x1) + relu(x2))²] = 1/2 (2 · 1/2 + 2 · (1/√(2π))²)
    eps = 1e-9
    expected = 0.5 * (1 + 1 / math.pi)
    assert population_loss(np.full((1, 1, 2), eps))[0] == pytest.approx(expected, abs=1e-8)
    # one unit w = e1 against the teacher (e1, e2): F = 1/2 E[relu(x2)²] = 1/4
    assert population_loss(np.array([[[1.0, 0.0]]]))[0] == pytest.approx(0.25, abs=1e-15)
    # w = -e1 against teacher e1 (k = 1): 1/2 E[(relu(-x) - relu(x))²] = 1/2 E[x²] = 1/2
    assert population_loss(np.array([[[-1.0]]]))[0] == pytest.approx(0.5, abs=1e-15)


def test_closed_form_matches_monte_carlo():
    # Seeded Monte Carlo with M samples; the sample mean of Z = 1/2 (f - g)² has standard error
    # s/√M.  By the CLT the estimate lies within 5 standard errors of the true mean except with
    # probability < 1e-6; the closed form must be inside that band.
    rng = np.random.default_rng(12345)
    k, n, M = 3, 4, 400_000
    W = rng.normal(0, 1 / math.sqrt(k), size=(n, k))
    X = rng.normal(size=(M, k))
    Z = 0.5 * (np.maximum(X @ W.T, 0).sum(1) - np.maximum(X, 0).sum(1)) ** 2
    mean, se = Z.mean(), Z.std(ddof=1) / math.sqrt(M)
    closed = population_loss(W[None])[0]
    assert abs(closed - mean) < 5 * se, (closed, mean, se)
    assert se < 0.01 * closed        # the test has the resolution to see a 5 % error


def test_gradient_matches_central_differences():
    # Central differences of F with h = 1e-5: truncation h²|F'''|/6 ~ 1e-11, rounding eps|F|/h ~ 1e-11
    rng = np.random.default_rng(7)
    W = rng.normal(size=(2, 5, 4))
    G = population_gradient(W)
    h = 1e-5
    for r in range(2):
        for i in range(5):
            for j in range(4):
                E = np.zeros_like(W[r:r + 1])
                E[0, i, j] = h
                fd = (population_loss(W[r:r + 1] + E)[0] - population_loss(W[r:r + 1] - E)[0]) / (2 * h)
                assert G[r, i, j] == pytest.approx(fd, abs=1e-8)


def test_batched_gradient_equals_the_per_run_loop():
    W = initial_weights(np.random.default_rng(3), 6, 7, 5)
    assert np.allclose(population_gradient(W), population_gradient_per_run(W), rtol=0, atol=1e-14)


def test_bad_shapes_are_refused():
    with pytest.raises(InvalidArgument, match="expected"):
        population_loss(np.zeros((2, 3)))
    with pytest.raises(InvalidArgument, match="finite"):
        certify_minimum(np.zeros(3))


def test_descent_reaches_the_global_minimum_for_small_k_and_stops_on_schedule():
    rng = np.random.default_rng(0)
    W, steps, loss, gnorm = descend(initial_weights(rng, 10, 3, 3))
    assert (loss < GLOBAL_LOSS).all()
    assert (steps % CHECK_EVERY == 0).all()
    # max_steps stops a run early: it is then neither at 0 nor stationary
    W, steps, loss, gnorm = descend(initial_weights(rng, 2, 3, 3), max_steps=10, check_every=10)
    assert (steps == 10).all() and (loss > GLOBAL_LOSS).all()


def test_step_size_is_stable_at_the_global_minimum():
    # the step times the largest Hessian eigenvalue at W = V must stay below 2 (else GD diverges)
    from symlandscape.teacher_student import _float_hessian
    for k in (6, 20):
        top = np.linalg.eigvalsh(_float_hessian(np.eye(k)))[-1]
        assert learning_rate(k) * top < 1.2


def test_the_witness_is_certified_and_the_certificate_is_consistent():
    w = np.array(WITNESS_K6)
    cert = certify_minimum(w)
    assert cert.certified, cert.reason
    low, high, r = (Fraction(cert.loss_lower_bound), Fraction(cert.loss_upper_bound), Fraction(cert.radius))
    F = population_loss(w[None])[0]
    assert 0 < low <= high and float(low) - 1e-9 <= F <= float(high) + 1e-9
    # the minimum Newton's method finds (an independent float search) lies in the certified box
    polished = newton_polish(w)
    assert np.max(np.abs(polished - w)) <= float(r)
    # the point is stored exactly: the hex floats are the input
    assert [float.fromhex(x) for x in cert.point] == list(w.reshape(-1))


def test_points_that_are_not_minima_are_not_certified():
    w = np.array(WITNESS_K6)
    moved = w + 1e-3 * np.random.default_rng(1).normal(size=w.shape)
    cert = certify_minimum(moved, radius=2.0 ** -30)        # the minimum is ~1e-3 away: not in this box
    assert not cert.certified and cert.reason.startswith("Krawczyk")
    random_point = initial_weights(np.random.default_rng(2), 1, 6, 6)[0]
    assert not certify_minimum(random_point).certified
    # the global minimum is not spurious (and F is not smooth there)
    assert not certify_minimum(np.eye(4)).certified


def test_run_batch_is_seeded_and_finds_certified_spurious_minima_at_k8():
    rows = run_batch(8, 8, 40, 2018)
    again = run_batch(8, 8, 40, 2018)
    assert [r["outcome"] for r in rows] == [r["outcome"] for r in again]
    outcomes = [r["outcome"] for r in rows]
    assert set(outcomes) <= {"global", "spurious"}
    assert outcomes.count("spurious") >= 1                # n = k = 8 has spurious minima (Safran & Shamir)
    for r in rows:
        if r["outcome"] == "spurious":
            assert Fraction(r["loss_lower_bound"]) > 0 and r["loss"] > GLOBAL_LOSS
    other = run_batch(8, 8, 40, 2019)
    assert [r["loss"] for r in other] != [r["loss"] for r in rows]
