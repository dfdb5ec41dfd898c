"""Benchmark: classify + verify where k samples sit on one ReLU kink, k = 1 … 10.

Run: ``python benchmarks/bench_kinks.py [--repeats 3] [--baseline PATH]``.

One hidden ReLU unit ``v relu(w x + b) + c`` on the samples ``x = 1 … k`` (targets drawn with
seed 0), at ``(w, b, v, c) = (0, 0, 1, mean of the targets)``: every sample's pre-activation is exactly 0, so the
2^k sign patterns are all active there, while only 2k of them (the sectors cut by the k lines
``x_s w + b = 0``) have interior.  Prints, per k, the median wall time of ``classify`` (which
runs ``verify``) and of ``verify`` alone, the number of adjacent pieces and the verdict
(target: k = 10 under 5 s).  ``--baseline PATH`` runs the same measurement on another checkout
of symlandscape (for example the code before the pieces were proven full-dimensional) in the
same run, and prints the ratio.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import random
import statistics
import subprocess
import sys
import time

TARGET = 5.0
ROOT = pathlib.Path(__file__).resolve().parents[1]


def measure(ks, repeats):
    from symlandscape import get_loss, mlp
    from symlandscape.classify import classify
    from symlandscape.verify import verify

    rows = []
    for k in ks:
        rng = random.Random(0)
        X = [list(range(1, k + 1))]
        Y = [[rng.randint(-3, 3) for _ in range(k)]]
        # the output bias at the mean of the targets: the point is Clarke-critical, so the
        # search has to settle the kind on every adjacent piece
        point = [0, 0, 1, f"{sum(Y[0])}/{k}"]
        times, checks = [], []
        for _ in range(repeats):
            L = mlp(X, Y, hidden=[1], loss=get_loss("squared", scale="sum"), variables="w,b,v,c")
            start = time.perf_counter()
            v = classify(L, point)
            times.append(time.perf_counter() - start)
            start = time.perf_counter()
            verify(v.certificate, L)
            checks.append(time.perf_counter() - start)
        pieces = v.certificate["evidence"].get("pieces", {}).get("full")
        rows.append({"k": k, "classify": statistics.median(times), "verify": statistics.median(checks),
                     "pieces": len(pieces) if pieces is not None else len(L.pieces(point)), "kind": v.kind})
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--ks", default="1,2,3,4,5,6,7,8,9,10")
    parser.add_argument("--baseline", default=None, help="path of another symlandscape checkout to compare")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    ks = [int(k) for k in args.ks.split(",")]
    rows = measure(ks, args.repeats)
    if args.json:
        print(json.dumps(rows))
        return 0
    baseline = {}
    if args.baseline:
        script = (f"import runpy, sys; sys.path.insert(0, {str(pathlib.Path(args.baseline).resolve())!r}); "
                  f"sys.argv = ['bench_kinks', '--json', '--repeats', '{args.repeats}', '--ks', '{args.ks}']; "
                  f"runpy.run_path({str(pathlib.Path(__file__).resolve())!r}, run_name='__main__')")
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd="/")
        try:
            baseline = {row["k"]: row for row in json.loads(out.stdout.strip().splitlines()[-1])}
        except (ValueError, IndexError):
            print(f"baseline failed: {out.stderr.strip()[-300:]}")
    print(f"k samples on one kink, median of {args.repeats} (target k = 10: classify under {TARGET:g} s)")
    header = f"{'k':>3} {'classify':>10} {'verify':>9} {'pieces':>7}  kind"
    if baseline:
        header += f"{'':14} | baseline: classify, pieces, kind, ratio"
    print(header)
    ok = True
    for row in rows:
        line = f"{row['k']:>3} {row['classify']:>9.3f}s {row['verify']:>8.3f}s {row['pieces']:>7}  {row['kind']:<18}"
        if row["k"] in baseline:
            b = baseline[row["k"]]
            line += f" | {b['classify']:.3f}s, {b['pieces']}, {b['kind']}, {b['classify'] / row['classify']:.2f}x"
        print(line)
        ok &= row["k"] != 10 or row["classify"] < TARGET
    return 0 if ok else 1


if __name__ == "__main__":
    if "--json" not in sys.argv:
        sys.path.insert(0, str(ROOT))
    sys.exit(main())
