"""Benchmark of ``symlandscape check``: wall time of the default ``run_claims()``, per claim and in total.

Target: the default run finishes in under 60 s on the 2-core CI machine.  Each repetition runs
in a fresh interpreter, so that no cache (twins, analyses, experiments) carries over and the
figure is what a user of ``symlandscape check`` waits.

    python benchmarks/bench_check.py               # one cold run
    python benchmarks/bench_check.py --repeat 3    # median of three cold runs
    python benchmarks/bench_check.py --thorough    # the --thorough run
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

TARGET_SECONDS = 60.0
ROOT = Path(__file__).resolve().parents[1]

_CHILD = """
import json, time
start = time.perf_counter()
from symlandscape.claims import run_claims
report = run_claims(seed={seed}, thorough={thorough})
total = time.perf_counter() - start
print(json.dumps({{"total": total, "passed": report.passed,
                  "claims": [[o.claim.id, o.status, o.seconds] for o in report.outcomes]}}))
"""


def cold_run(seed=0, thorough=False):
    """One run of ``run_claims`` in a fresh interpreter (imports included); returns its timings."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    out = subprocess.run([sys.executable, "-c", _CHILD.format(seed=seed, thorough=thorough)], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="cold runs to take the median of")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--thorough", action="store_true")
    args = parser.parse_args(argv)
    runs = [cold_run(args.seed, args.thorough) for _ in range(args.repeat)]
    totals = [r["total"] for r in runs]
    median = statistics.median(totals)
    print(f"run_claims(seed={args.seed}, thorough={args.thorough}) on {os.cpu_count()} CPUs, "
          f"{args.repeat} cold run(s): median {median:.1f} s (all: {', '.join(f'{t:.1f}' for t in totals)})")
    for claim_id, status, seconds in runs[-1]["claims"]:
        print(f"  {claim_id:<12} {status:<5} {seconds:6.2f} s")
    if not args.thorough:
        verdict = "within" if median < TARGET_SECONDS else "OVER"
        print(f"target < {TARGET_SECONDS:.0f} s: {verdict}")
    return 0 if all(r["passed"] for r in runs) and (args.thorough or median < TARGET_SECONDS) else 1


if __name__ == "__main__":
    sys.exit(main())
