"""Run every benchmark of symlandscape, one after the other, in one process tree.

Run: ``python benchmarks/run.py [--only NAME ...]``.  Each ``bench_*.py`` runs as its own
script (so one benchmark's caches do not flatter the next); timings are medians within
this run, since the machine is shared and noisy.
"""

import argparse
import pathlib
import platform
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="a benchmark name such as 'foundation' (repeatable)")
    args = parser.parse_args(argv)
    scripts = sorted(HERE.glob("bench_*.py"))
    if args.only:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in args.only]
    print(f"# symlandscape benchmarks — {time.strftime('%Y-%m-%d')}, {platform.machine()}, "
          f"python {platform.python_version()}", flush=True)
    failures = 0
    for script in scripts:
        print(f"\n## {script.stem}", flush=True)
        result = subprocess.run([sys.executable, str(script)], cwd=HERE.parent)
        failures += result.returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
