"""The decision corpus: points whose status a specialist settles in a few lines, and what classify says.

    python benchmarks/decide_corpus.py [--verbose]

Each case names the family it stands for and the truth derived by hand (kind, global status).
The script prints classify's verdict, whether it is verified, and counts the verdicts left
``undetermined`` and the global statuses left unknown (``global_min`` null).  Run it on two
versions of the package (``PYTHONPATH=...``) to compare them in one sitting.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

try:
    import symlandscape  # noqa: F401
except ImportError:  # running from a checkout without installing
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import sympy  # noqa: E402

from symlandscape import Landscape, classify, deep_linear, get_loss, mlp  # noqa: E402

SCP16 = ([[-1, 1, 3, 4, 5]], [[3, -3, 0, 1, 2]])


def cases():
    """(family, name, landscape, point, true kind, true global status)."""
    def expr(text, variables):
        return Landscape.from_expression(text, variables)

    scp16 = mlp(*SCP16, hidden=[1], loss=get_loss("squared", scale="sum"), variables="w,b,v,c")
    yield "higher-order curves", "(y - x^2)^2 - x^6", expr("(y - x^2)^2 - x^6", "x,y"), (0, 0), "degenerate_saddle", False
    yield "higher-order curves", "(y - x^2 - x^3)^2 - x^8", expr("(y - x^2 - x^3)^2 - x^8", "x,y"), (0, 0), \
        "degenerate_saddle", False
    yield "higher-order curves", "(z - x*y)^2 - x^4*y^4", expr("(z - x*y)^2 - x^4*y^4", "x,y,z"), (0, 0, 0), \
        "degenerate_saddle", False
    yield "higher-order curves", "y^2 - x^14", expr("y^2 - x^14", "x,y"), (0, 0), "degenerate_saddle", False
    yield "higher-order curves", "y^2 - x^16 (order 16 > 12)", expr("y^2 - x^16", "x,y"), (0, 0), \
        "degenerate_saddle", False
    yield "local minima", "x^2 + y^4 - y^5", expr("x^2 + y^4 - y^5", "x,y"), (0, 0), "local_min", False
    yield "local minima", "x^2 - x^3 + y^4", expr("x^2 - x^3 + y^4", "x,y"), (0, 0), "local_min", False
    yield "local minima", "abs(x) + abs(y) - x*y", expr("abs(x) + abs(y) - x*y", "x,y"), (0, 0), "local_min", False
    yield "local minima", "x^2*(1 - y) + y^4", expr("x^2*(1 - y) + y^4", "x,y"), (0, 0), "local_min", False
    yield "local maxima", "Motzkin at 0 (a maximum)", expr("x^4*y^2 + x^2*y^4 - 3*x^2*y^2 + 1", "x,y"), (0, 0), \
        "local_max", False
    yield "non-SOS nonnegative", "Motzkin at (1, 1)", expr("x^4*y^2 + x^2*y^4 - 3*x^2*y^2 + 1", "x,y"), (1, 1), \
        "strict_local_min", True
    yield "non-SOS nonnegative", "Choi-Lam S at (1, 1, 1)", \
        expr("x^2*y^2 + y^2*z^2 + z^2*x^2 + 1 - 4*x*y*z", "x,y,z"), (1, 1, 1), "strict_local_min", True
    yield "piecewise global", "SCP16 at (-7, -4, 1, 0), value 14", scp16, (-7, -4, 1, 0), "local_min", True
    yield "piecewise global", "SCP16 kink (1, -3, 1, 0), value 18", scp16, (1, -3, 1, 0), "local_min", False
    yield "piecewise global", "ReLU exact fit", mlp([[1, 2]], [[1, 2]], hidden=[1], variables="w,b,v,c"), \
        (1, 0, 1, 0), "local_min", True
    yield "piecewise global", "cubic hinge exact fit", expr("relu(1 - x)^3 + relu(x - 1)^3 + y^2", "x,y"), (1, 0), \
        "local_min", True
    bh = deep_linear(sympy.eye(3), sympy.diag(1, 2, 3), hidden=[2])
    yield "deep linear bottleneck", "Baldi-Hornik 3x3, p = 2, global minimum", bh, \
        bh.point_from_matrices([[[0, 2, 0], [0, 0, 3]], [[0, 0], [1, 0], [0, 1]]]), "local_min", True
    two = deep_linear([[1, 0], [0, 1]], [[1, 0], [0, 2]], hidden=[1])
    yield "deep linear bottleneck", "2x2, p = 1, global minimum", two, (0, 2, 0, 1), "local_min", True
    yield "transcendental", "tanh chain tanh(w2*tanh(w1)) - 1 squared", \
        expr("(tanh(w2*tanh(w1)) - 1)^2", "w1,w2"), (0, 0), "strict_saddle", False
    yield "transcendental", "sigmoid(-x^2*y^2) at 0 (a maximum)", expr("sigmoid(-x^2*y^2)", "x,y"), (0, 0), \
        "local_max", False
    yield "transcendental", "tanh network hidden [2, 2] at 0", \
        mlp([[1, -1]], [[1, 0]], hidden=[2, 2], activation="tanh", biases=False), (0,) * 8, None, None
    for text, kind in (("x^2 + y^4 - tanh(y)^5", "local_min"), ("tanh(x)^2 + y^4 - y^5", "local_min"),
                       ("x^2 + tanh(y^2)^2 - y^5", "local_min"), ("exp(x^2 + y^4 - y^5)", "local_min"),
                       ("log(1 + x^2 + y^4) - y^5", "local_min"), ("tanh(x^2 + y^4 - y^5)", "local_min"),
                       ("-tanh(x^2 + y^4)", "local_max"), ("tanh(x^2*y^2)", "local_min"),
                       ("exp(-(x*y)^2)", "local_max"), ("log(1 + x^2*y^2)", "local_min"),
                       ("-tanh((x - y)^2)", "local_max")):
        # each degenerate at 0 (a singular Hessian); the kind read off the lowest-order terms by hand
        yield "transcendental", f"{text} at 0", expr(text, "x,y"), (0, 0), kind, None
    yield "unbounded", "x^2 - x^3/1000", expr("x^2 - x^3/1000", "x"), (0,), "strict_local_min", False
    yield "unbounded", "x^2 + y^2 - x^2*y^2/100", expr("x^2 + y^2 - x^2*y^2/100", "x,y"), (0, 0), \
        "strict_local_min", False


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="print each verdict's explanation")
    args = parser.parse_args(argv)
    undetermined = unknown_global = wrong = total = 0
    print(f"{'family':24} {'case':44} {'kind':18} {'global':7} {'s':>6}  truth")
    for family, name, L, point, kind, global_min in cases():
        start = time.perf_counter()
        v = classify(L, point)
        seconds = time.perf_counter() - start
        total += 1
        undetermined += v.kind == "undetermined"
        unknown_global += v.global_min is None
        # a decided verdict must agree with the truth derived by hand (classify has verified it)
        disagrees = (kind is not None and v.kind not in ("undetermined", kind)) or (
            global_min is not None and v.global_min is not None and v.global_min != global_min)
        wrong += disagrees
        truth = f"{kind or '?'}, global {global_min if global_min is not None else '?'}"
        print(f"{family:24} {name[:44]:44} {v.kind:18} {str(v.global_min):7} {seconds:6.2f}  {truth}"
              + ("   DISAGREES" if disagrees else ""), flush=True)
        if args.verbose:
            print("    " + v.explanation)
    print(f"\n{total} cases: {undetermined} undetermined, {unknown_global} with the global status unknown, "
          f"{wrong} disagreeing with the hand-derived truth")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
