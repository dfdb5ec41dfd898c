"""Benchmark of ``classify`` (which includes the independent ``verify``) against its targets.

Run: ``python benchmarks/bench_classify.py [--repeats 5]``.  Prints the median wall time of
``classify`` over the repeats (``time.perf_counter``) for

- nondegenerate critical points of deep linear networks with up to 96 parameters
  (target: median under 0.3 s): the zero-weight strict saddles of two weight matrices and
  Baldi–Hornik saddles (index set not the top eigenvectors);
- degenerate points with up to 12 parameters (target: under 5 s each): scalar chains,
  the five-point ReLU example on its kink, x² - y⁴, the Peano saddle, a dead ReLU network,
  rank-deficient zero-weight points of deep linear networks and a reduced-rank global
  minimum.

Each line also shows the median of ``verify`` alone and the verdict.
"""

from __future__ import annotations

import argparse
import pathlib
import random
import statistics
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

import sympy  # noqa: E402

from symlandscape import Landscape, deep_linear, get_loss, mlp  # noqa: E402
from symlandscape.classify import classify  # noqa: E402
from symlandscape.verify import verify  # noqa: E402

NONDEGENERATE_TARGET = 0.3
DEGENERATE_TARGET = 5.0


def zero_weight_saddle(d_x, hidden, d_y, seed):
    """Two weight matrices at zero: critical (every gradient term has a zero factor), and the
    Hessian [[0, B], [Bᵀ, 0]] with B built from -Y Xᵀ is indefinite when Y Xᵀ ≠ 0."""
    rng = random.Random(seed)
    m = d_x + 2
    X = [[rng.randint(-3, 3) for _ in range(m)] for _ in range(d_x)]
    Y = [[rng.randint(-3, 3) for _ in range(m)] for _ in range(d_y)]
    L = deep_linear(X, Y, hidden=[hidden])
    return L, [0] * len(L.variables)


def baldi_hornik_saddle(d, p):
    """X = I, Y = diag(1, ..., d): Σ = diag(i²) with eigenvectors e_i.  W_2 = E_I, W_1 = E_Iᵀ Y for
    an index set I other than the top p eigenvalues is a critical point and a saddle (BH89)."""
    X = sympy.eye(d)
    Y = sympy.diag(*range(1, d + 1))
    L = deep_linear(X, Y, hidden=[p])
    indices = list(range(p - 1)) + [p]  # skips index p - 1: not the top p of the spectrum d, d-1, ...
    E = sympy.zeros(d, p)
    for column, i in enumerate(indices):
        E[i, column] = 1
    return L, L.point_from_matrices([E.T * Y, E])


def degenerate_cases():
    chain = lambda N: deep_linear([[1]], [[1]], hidden=[1] * (N - 1))  # noqa: E731
    scp16 = mlp([[-1, 1, 3, 4, 5]], [[3, -3, 0, 1, 2]], hidden=[1], loss=get_loss("squared", scale="sum"),
                variables="w,b,v,c")
    # three weight matrices 2-2-2-2 (12 weights) at zero: the Hessian vanishes, descent at order 3
    zero_block = deep_linear([[1, 0, 1], [0, 1, 1]], [[1, 2, 0], [0, 1, 1]], hidden=[2, 2])
    # one hidden layer 3-2-2 (10 weights) at zero: rank-deficient (rank 0 < 2) and a strict saddle
    shallow = deep_linear([[1, 0, 1], [0, 1, 1], [1, 1, 0]], [[1, 2, 0], [0, 1, 1]], hidden=[2])
    # rank-one product against Y = diag(1, 2): the global minimum keeps σ = 2 (a semidefinite
    # program finds its sum of squares)
    reduced = deep_linear([[1, 0], [0, 1]], [[1, 0], [0, 2]], hidden=[1])
    return [
        ("chain N=3 at 0", chain(3), [0, 0, 0]),
        ("chain N=4 at 0", chain(4), [0, 0, 0, 0]),
        ("chain N=6 at 0", chain(6), [0] * 6),
        ("five-point ReLU at (1,-3,1,0)", scp16, [1, -3, 1, 0]),
        ("dead ReLU, c at the mean", scp16, [-1, -10, 1, sympy.Rational(3, 5)]),
        ("x^2 - y^4 at 0", Landscape.from_expression("x^2 - y^4", "x,y"), [0, 0]),
        ("(y - x^2)(y - 2x^2) at 0", Landscape.from_expression("(y - x^2)*(y - 2*x^2)", "x,y"), [0, 0]),
        ("zero weights, 3 weight matrices 2-2-2-2", zero_block, [0] * 12),
        ("zero weights, 2 weight matrices 3-2-2", shallow, [0] * 10),
        ("reduced-rank global minimum 2-1-2", reduced, [0, 2, 0, 1]),
    ]


def measure(L, point, repeats):
    times, verify_times = [], []
    verdict = None
    for _ in range(repeats):
        start = time.perf_counter()
        verdict = classify(L, point)
        times.append(time.perf_counter() - start)
        start = time.perf_counter()
        verify(verdict.certificate, L)
        verify_times.append(time.perf_counter() - start)
    return statistics.median(times), statistics.median(verify_times), verdict


def report(title, cases, target, repeats):
    print(f"\n{title} (target: median under {target} s; classify includes verify)")
    print(f"{'case':44} {'params':>6} {'classify':>9} {'verify':>8}  verdict")
    worst = 0.0
    for name, L, point in cases:
        median, verify_median, verdict = measure(L, point, repeats)
        worst = max(worst, median)
        flag = "" if median < target else "  <-- above target"
        print(f"{name:44} {len(point):>6} {median:>8.3f}s {verify_median:>7.3f}s  {verdict.kind}{flag}")
    return worst < target


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="repeats per case (at least 5)")
    args = parser.parse_args(argv)
    repeats = max(5, args.repeats)
    nondegenerate = [
        ("zero weights 2-2-2", *zero_weight_saddle(2, 2, 2, 1)),
        ("zero weights 4-3-4", *zero_weight_saddle(4, 3, 4, 2)),
        ("zero weights 6-4-6", *zero_weight_saddle(6, 4, 6, 3)),
        ("zero weights 8-6-8", *zero_weight_saddle(8, 6, 8, 4)),
        ("Baldi-Hornik saddle 4-3-4", *baldi_hornik_saddle(4, 3)),
        ("Baldi-Hornik saddle 8-6-8", *baldi_hornik_saddle(8, 6)),
    ]
    ok = report("Nondegenerate critical points of deep linear networks", nondegenerate,
                NONDEGENERATE_TARGET, repeats)
    ok &= report("Degenerate points", degenerate_cases(), DEGENERATE_TARGET, repeats)
    print("\nall medians within target" if ok else "\nSOME MEDIANS ABOVE TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
