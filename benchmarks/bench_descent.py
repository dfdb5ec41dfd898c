"""Benchmark of the teacher–student descent: gradient steps per second at k = n = 20, batched vs per run.

The batched gradient is one numpy array program over all runs and units
(:func:`symlandscape.teacher_student.population_gradient` on an array ``(runs, n, k)``); the
baseline calls the same function one run at a time in a Python loop
(:func:`~symlandscape.teacher_student.population_gradient_per_run`).  Both start from the same
seeded initialisation and do the same steps; a run-step is one gradient step of one run.
Also times the certification of one spurious minimum at k = n = 20.

    python benchmarks/bench_descent.py [--runs 500] [--steps 40] [--repeat 3] [--k 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

# one BLAS thread: the comparison is between array programs, not thread pools
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from symlandscape.teacher_student import (  # noqa: E402
    certify_minimum,
    descend,
    initial_weights,
    learning_rate,
    newton_polish,
    population_gradient,
    population_gradient_per_run,
)


def run_steps_per_second(gradient, W, steps, step):
    start = time.perf_counter()
    for _ in range(steps):
        W = W - step * gradient(W)
    return W.shape[0] * steps / (time.perf_counter() - start), W


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    k = n = args.k
    W0 = initial_weights(np.random.default_rng(args.seed), args.runs, n, k)
    step = learning_rate(k)
    batched, looped = [], []
    for _ in range(args.repeat):
        rate_b, Wb = run_steps_per_second(population_gradient, W0, args.steps, step)
        rate_l, Wl = run_steps_per_second(population_gradient_per_run, W0, args.steps, step)
        assert np.allclose(Wb, Wl, rtol=0, atol=1e-12), "the two programs must do the same steps"
        batched.append(rate_b)
        looped.append(rate_l)
    b, l = statistics.median(batched), statistics.median(looped)
    print(f"k = n = {k}, {args.runs} runs, {args.steps} steps, median of {args.repeat} (seed {args.seed})")
    print(f"batched array program: {b:,.0f} run-steps/s ({b / args.runs:,.1f} batch steps/s)")
    print(f"per-run Python loop:   {l:,.0f} run-steps/s")
    print(f"speed-up: {b / l:.1f}x")
    # one certification at k = n = 20: find a spurious end point, polish, certify
    W, steps, loss, _ = descend(initial_weights(np.random.default_rng(args.seed + 1), 8, n, k))
    candidates = [r for r in range(len(loss)) if loss[r] > 1e-8]
    if candidates:
        start = time.perf_counter()
        w = newton_polish(W[candidates[0]])
        polish = time.perf_counter() - start
        cert = certify_minimum(w)
        print(f"certification of one end point (F = {loss[candidates[0]]:.4g}): Newton polish {polish:.2f} s, "
              f"Krawczyk + Hessian + value {cert.seconds:.2f} s: {cert.reason}")


if __name__ == "__main__":
    main()
