"""Benchmark of the sum-of-squares engines on random sums of squares of growing Gram basis.

Run from the repository root:  python benchmarks/bench_sos.py [--repeats 3] [--variables 3 4 5 6 7 8 9 10 11]
                                [--limit 5] [--seed 0]

The family: R = Σ_{k=1}^{N} q_k² with q_k random homogeneous quadratics in n variables
(integer coefficients in [-2, 2], seeded by (seed, n, repeat)), so that the Gram basis is the
N = n(n+1)/2 monomials of degree 2 and a positive definite Gram matrix exists.  For each
size and engine it prints how many of the repeats were decomposed, with the identity
R = Σ c q² checked exactly here, within ``--limit`` seconds of wall time, and the median
time (a run that is stopped at the limit counts as the limit).  Engines:

* ``barrier``: the hand-written barrier solver ``_sdp_sos`` the search used before (exact affine space,
  float barrier method, exact rounding), called with ``max_basis`` large enough;
* ``clarabel``: :func:`symlandscape.sos.decompose` (Newton polytope, Clarabel, exact projection).

Each call runs in a child process (forked after one warm-up solve) that is stopped at the limit.  An engine is not run at
larger sizes once it solved none of the repeats of a size.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import time

import flint
import numpy

try:
    import symlandscape  # noqa: F401
except ImportError:  # running from a checkout without installing
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from symlandscape.sos import decompose  # noqa: E402

import clarabel  # noqa: E402,F401  (imported here, once: the children are forked and time the solve only)
import scipy.sparse  # noqa: E402,F401

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from barrier_sos import _sdp_sos  # noqa: E402  (the engine the search used before Clarabel)


def random_sum_of_squares(n, seed, repeat):
    """Σ_{k=1}^{N} q_k², q_k homogeneous quadratics in n variables with coefficients in [-2, 2]."""
    rng = numpy.random.default_rng([seed, n, repeat])
    ctx = flint.fmpq_mpoly_ctx.get(tuple(f"x{i}" for i in range(n)), "lex")
    gens = ctx.gens()
    monomials = [gens[i] * gens[j] for i in range(n) for j in range(i, n)]
    total = ctx.constant(0)
    for _ in range(len(monomials)):
        q = sum((int(c) * m for c, m in zip(rng.integers(-2, 3, len(monomials)), monomials) if c), ctx.constant(0))
        total += q * q
    return total


def _run(engine, n, seed, repeat, limit, pipe):
    R = random_sum_of_squares(n, seed, repeat)
    ctx = R.context()
    start = time.perf_counter()
    if engine == "barrier":
        found = _sdp_sos(R, [], max_basis=10_000)
        terms = None if found is None else [(c, q) for c, q in found]
    else:
        found = decompose(R, time_limit=limit, seed=seed)
        terms = None if found is None else [(c, q) for c, q, _ in found.terms]
    elapsed = time.perf_counter() - start
    ok = terms is not None and all(c > 0 for c, _ in terms) and \
        R - sum((ctx.constant(c) * q * q for c, q in terms), ctx.constant(0)) == 0
    pipe.send((ok, elapsed))


def measure(engine, n, seed, repeat, limit):
    """``(solved, seconds)``: a child process, stopped at ``limit`` seconds."""
    receive, send = multiprocessing.Pipe(duplex=False)
    child = multiprocessing.get_context("fork").Process(target=_run, args=(engine, n, seed, repeat, limit, send))
    start = time.perf_counter()
    child.start()
    if receive.poll(limit):
        ok, elapsed = receive.recv()
    else:
        ok, elapsed = False, time.perf_counter() - start
    child.terminate()
    child.join()
    return ok and elapsed <= limit, min(elapsed, limit)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--variables", type=int, nargs="+", default=[3, 4, 5, 6, 7, 8, 9, 10, 11])
    parser.add_argument("--limit", type=float, default=5.0, help="seconds per decomposition")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--engines", nargs="+", default=["barrier", "clarabel"], choices=["barrier", "clarabel"])
    args = parser.parse_args(argv)
    # the first conic solve of a process loads the linear algebra libraries (about 0.2 s): done once
    # here, before the children are forked, so that each child times its own solve
    decompose(random_sum_of_squares(3, args.seed, -1 % 2**32))
    print(f"random sums of N squares of quadratics in n variables, seed={args.seed}, "
          f"{args.repeats} repeats, limit {args.limit:g} s")
    print(f"{'n':>3} {'basis':>6} {'engine':>9} {'solved':>7} {'median s':>9}")
    largest = {e: 0 for e in args.engines}
    active = set(args.engines)
    for n in args.variables:
        size = n * (n + 1) // 2
        for engine in args.engines:
            if engine not in active:
                continue
            results = [measure(engine, n, args.seed, r, args.limit) for r in range(args.repeats)]
            solved = sum(ok for ok, _ in results)
            median = statistics.median(t for _, t in results)
            flag = "" if solved else "   (stopped at the limit or failed)"
            print(f"{n:>3} {size:>6} {engine:>9} {solved:>5}/{args.repeats} {median:>9.2f}{flag}", flush=True)
            if 2 * solved > args.repeats and median <= args.limit:
                largest[engine] = size
            if not solved:
                active.discard(engine)
    for engine, size in largest.items():
        print(f"largest basis solved in {args.limit:g} s (most repeats) by {engine}: {size}")


if __name__ == "__main__":
    main()
