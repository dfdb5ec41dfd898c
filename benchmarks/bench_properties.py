"""Throughput of ``classify`` + ``verify`` on drawn shallow-linear critical points.

Run: ``python benchmarks/bench_properties.py [--examples 200] [--max-parameters 12] [--check]``.

Draws critical points of one-hidden-layer linear networks with at most ``--max-parameters``
weights from :func:`symlandscape.strategies.linear_critical_points` (derandomized, so every
run times the same points), then times ``classify`` followed by ``verify`` on each with
``time.perf_counter``.  Drawing is not timed: it is what a property test pays once per
example whatever it checks.  Prints examples per second (target: at least 20) and the mix
of verdicts; ``--check`` exits with status 1 below the target.
"""

from __future__ import annotations

import argparse
import collections
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from hypothesis import HealthCheck, given, settings  # noqa: E402

from symlandscape.classify import classify  # noqa: E402
from symlandscape.strategies import linear_critical_points  # noqa: E402
from symlandscape.verify import verify  # noqa: E402

TARGET = 20.0


def draw_cases(examples, max_parameters):
    """``examples`` derandomized draws of (landscape, critical point) with one hidden layer."""
    cases = []

    @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(linear_critical_points(max_hidden_layers=1, max_input_dim=4, max_output_dim=3, max_width=3,
                                  max_parameters=max_parameters))
    def collect(case):
        cases.append(case)

    collect()
    return cases


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=200)
    parser.add_argument("--max-parameters", type=int, default=12)
    parser.add_argument("--check", action="store_true", help=f"exit 1 below {TARGET:g} examples/s")
    args = parser.parse_args(argv)

    drawing = time.perf_counter()
    cases = draw_cases(args.examples, args.max_parameters)
    drawing = time.perf_counter() - drawing
    kinds = collections.Counter()
    slowest = (0.0, None)
    start = time.perf_counter()
    for landscape, point in cases:
        t0 = time.perf_counter()
        verdict = classify(landscape, point)
        assert verify(verdict.certificate, landscape) is True
        elapsed = time.perf_counter() - t0
        slowest = max(slowest, (elapsed, landscape.widths), key=lambda s: s[0])
        kinds[verdict.kind] += 1
    total = time.perf_counter() - start
    rate = len(cases) / total
    sizes = collections.Counter(len(landscape.variables) for landscape, _ in cases)
    print(f"classify + verify on {len(cases)} drawn shallow-linear critical points "
          f"(<= {args.max_parameters} parameters, {min(sizes)}..{max(sizes)} drawn)")
    print(f"  {rate:.1f} examples/s ({1000 * total / len(cases):.1f} ms each; target >= {TARGET:g}/s)")
    print(f"  drawing the points (not in the figure): {len(cases) / drawing:.1f} examples/s")
    print(f"  slowest: {1000 * slowest[0]:.1f} ms at widths {slowest[1]}")
    print("  verdicts: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    if args.check and rate < TARGET:
        print(f"FAILED: {rate:.1f} examples/s is below the target of {TARGET:g}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
