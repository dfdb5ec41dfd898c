"""Benchmarks of critical_points: all the critical points of small regularised deep linear networks.

Run: ``python benchmarks/bench_critical.py [--thorough] [--relu]`` (``--relu``: only the piecewise table).  Prints one row per instance: the
complex and real counts, the wall time of critical_points (enumerate, check, isolate,
classify) and msolve's own time on the same system in the same run, in wall time and in CPU
time (on a shared machine the CPU times are the comparable figures).  The two-hidden-layer
instance (12 parameters) runs only with ``--thorough``.

A second table times the piecewise engine on the one-unit ReLU network of Swirszcz,
Czarnecki and Pascanu (2016): the whole landscape in (w, b, v, c) and its slices v = ±1 in
(w, b, c) — faces of the arrangement, points, components, and whether every face was solved.
"""

import os
import sys
import time

from symlandscape import deep_linear, get_loss, mlp
from symlandscape.budget import limits
from symlandscape.critical import critical_points, weight_decay


def entrywise(base, values):
    """The entrywise penalty with the λ's cycled from ``values`` (generic, so the critical set is finite)."""
    return {str(v): values[i % len(values)] for i, v in enumerate(base.variables)}


def instances(thorough):
    chain = deep_linear([[1]], [[1]], hidden=[1, 1])
    yield "scalar chain, 3 weights, lam = 1/10", weight_decay(chain, "1/10")
    one = deep_linear([[1], [2]], [[1], [-1]], hidden=[2])
    yield "2x2, hidden [2], 1 sample, entrywise lam", weight_decay(one, entrywise(one, ["1/10", "1/7", "1/5", "1/3"]))
    if thorough:
        two = deep_linear([[1], [2]], [[1], [-1]], hidden=[2, 2])
        yield "2x2, hidden [2, 2], 1 sample, entrywise lam", weight_decay(
            two, entrywise(two, ["1/10", "1/7", "1/5", "1/3", "1/2"]))


def main(argv):
    thorough = "--thorough" in argv
    if "--relu" in argv:
        relu_table()
        return
    print("| instance | parameters | complex | real | critical_points (s) | msolve alone (s) | ratio "
          "| CPU: total / msolve (s) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, landscape in instances(thorough):
        with limits(max_seconds=1800):
            start, cpu = time.perf_counter(), os.times()
            result = critical_points(landscape)
            total = time.perf_counter() - start
            after = os.times()
            cpu_total = sum(after[:4]) - sum(cpu[:4])  # this process and its children (msolve)
        alone = result.seconds.get("msolve", float("nan"))
        print(f"| {name} | {len(landscape.variables)} | {result.complex_count} | {result.real_count} | "
              f"{total:.2f} | {alone:.2f} | {total / alone:.2f} | {cpu_total:.2f} / "
              f"{result.seconds.get('msolve cpu', float('nan')):.2f} |", flush=True)
    relu_table()


def relu_instances():
    from proofs_checks.scp16_relu import slice_landscape

    x, y = [-1, 1, 3, 4, 5], [3, -3, 0, 1, 2]
    yield "SCP16 one-unit ReLU, (w, b, v, c)", mlp([x], [y], hidden=[1], loss=get_loss("squared", scale="sum"),
                                                   variables="w,b,v,c")
    for v in (1, -1):
        yield f"SCP16 slice v = {v}, (w, b, c)", slice_landscape(x, y, v)


def relu_table():
    print()
    print("| piecewise instance | parameters | faces (regions) | points | components | every face solved "
          "| least critical value | time (s) |")
    print("|---|---:|---:|---:|---:|---|---:|---:|")
    for name, landscape in relu_instances():
        with limits(max_seconds=600):
            start = time.perf_counter()
            result = critical_points(landscape)
            total = time.perf_counter() - start
        info = result.arrangement
        # the least value is over the whole critical set only when every face was solved
        least = (result.summary["least_value"] if result.described else
                 f"≥ {result.summary.get('critical_values_at_least')} (not every face solved)")
        print(f"| {name} | {len(landscape.variables)} | {info['faces']} ({info['regions']}) | {len(result.points)} | "
              f"{len(result.components)} | {'yes' if result.described else 'no'} | "
              f"{least} | {total:.2f} |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
