"""Exact gradient + Hessian + inertia of deep linear landscapes, and the naive SymPy path.

Run: ``python benchmarks/bench_foundation.py [--repeats N] [--naive-timeout S]``.
Medians over repeats; the naive path (SymPy ``hessian`` of the expanded loss, then
``Matrix.eigenvals``) runs in a subprocess with a time limit, reported as "> limit" when hit.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import platform
import random
import statistics
import time

import sympy

from symlandscape import deep_linear
from symlandscape.inertia import inertia

CASES = [  # (label, d_x = d_y, m, hidden, target seconds)
    ("hidden=[4,4,4], X,Y 4x5", 4, 5, [4, 4, 4], 0.050),
    ("hidden=[4,4,4,4,4], X,Y 4x5", 4, 5, [4, 4, 4, 4, 4], 0.200),
    ("hidden=[8,8,8], X,Y 8x9", 8, 9, [8, 8, 8], 5.0),
]


def instance(seed, d, m, hidden):
    rng = random.Random(seed)
    small = lambda: sympy.Rational(rng.randint(-5, 5), rng.randint(1, 4))  # noqa: E731
    X = [[small() for _ in range(m)] for _ in range(d)]
    Y = [[small() for _ in range(m)] for _ in range(d)]
    L = deep_linear(X, Y, hidden)
    point = [small() for _ in L.variables]
    return L, point


def exact_path(L, point):
    L.gradient(point)
    return inertia(L.hessian(point))


def median_seconds(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _naive(queue, seed, d, m, hidden):
    L, point = instance(seed, d, m, hidden)
    start = time.perf_counter()
    expr = sympy.expand(L.expression)
    H = sympy.hessian(expr, L.variables).subs(dict(zip(L.variables, point)))
    H.eigenvals()
    queue.put(time.perf_counter() - start)


def naive_seconds(seed, d, m, hidden, timeout):
    queue = multiprocessing.Queue()
    process = multiprocessing.Process(target=_naive, args=(queue, seed, d, m, hidden))
    process.start()
    process.join(timeout)
    if process.is_alive():
        process.terminate()
        process.join()
        return None
    return queue.get()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--naive-timeout", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    print(f"# foundation benchmark (seed {args.seed}, {args.repeats} repeats, {platform.processor() or platform.machine()}, "
          f"python {platform.python_version()})")
    rows = []
    for label, d, m, hidden, target in CASES:
        L, point = instance(args.seed, d, m, hidden)
        exact_path(L, point)  # warm caches that a user would also warm once
        seconds = median_seconds(lambda: exact_path(L, point), args.repeats)
        result = exact_path(L, point)
        rows.append({"case": label, "parameters": len(L.variables), "median_s": round(seconds, 4),
                     "target_s": target, "meets_target": seconds < target,
                     "inertia": [result.positive, result.negative, result.zero]})
        print(f"{label:32s} {len(L.variables):4d} params  median {seconds * 1000:9.1f} ms  "
              f"(target < {target * 1000:.0f} ms)  inertia +{result.positive}/-{result.negative}/0:{result.zero}")
    # naive comparison at 36 parameters
    L, point = instance(args.seed, 3, 4, [3, 3, 3])
    exact = median_seconds(lambda: exact_path(L, point), args.repeats)
    naive = naive_seconds(args.seed, 3, 4, [3, 3, 3], args.naive_timeout)
    if naive is None:
        ratio = f"> {args.naive_timeout / exact:.0f}x (naive path stopped at {args.naive_timeout:.0f} s)"
    else:
        ratio = f"{naive / exact:.0f}x (naive {naive:.1f} s)"
    print(f"{'hidden=[3,3,3], X,Y 3x4 vs naive':32s} {len(L.variables):4d} params  exact {exact * 1000:9.1f} ms  "
          f"ratio {ratio}")
    rows.append({"case": "naive ratio, hidden=[3,3,3]", "parameters": len(L.variables),
                 "exact_median_s": round(exact, 4), "naive_s": naive, "ratio": ratio})
    return rows


if __name__ == "__main__":
    print(json.dumps(main(), indent=1))
