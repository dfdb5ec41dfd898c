"""Benchmark of the search's fast paths and of the families it now decides.

Run: ``python benchmarks/bench_decide.py [--quick]``.  Wall times (``time.perf_counter``,
one run each; the machine is shared, so compare columns of the same run):

1. ``not_critical`` at random deep linear points (hidden [w, w, w]): classify's own search
   (gradient first, no Hessian) and the independent ``verify`` that classify runs.
2. The canonical LDLᵀ congruence (the certificate's ``inertia``): the pivot order modulo a
   prime with flint's fraction-free LU, against the exact fraction-free elimination alone,
   on Baldi–Hornik saddles.
3. ``inertia`` on ill-conditioned deep linear Hessians: the refined float-guided congruence
   against the charpoly fallback that an unrefined guess leads to (up to 208 rows: the
   charpoly of the 448-row Hessian runs for more than 60 s), and against a float Hessian with
   ``eigvalsh`` (JAX when installed, else numpy), which proves nothing.
4. Degenerate saddles at zero weights, three weight matrices of width w.
5. The families of degenerate points: verdict, global status and time (the count of ``undetermined``).
"""

from __future__ import annotations

import argparse
import importlib
import pathlib
import random
import sys
import time
from fractions import Fraction

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

import numpy  # noqa: E402
import sympy  # noqa: E402

from symlandscape import Landscape, deep_linear, get_loss, mlp  # noqa: E402
from symlandscape.verify import verify  # noqa: E402

classify_module = importlib.import_module("symlandscape.classify")  # the package exports the function
inertia_module = importlib.import_module("symlandscape.inertia")

FAMILIES = [
    ("(y - x^2)^2 - x^6", "x,y"), ("(y - x^2 - x^3)^2 - x^8", "x,y"), ("(z - x*y)^2 - x^4*y^4", "x,y,z"),
    ("(y - x^3)^2 - x^8", "x,y"), ("(y - x^2)^2 - x^7", "x,y"), ("y^2 - x^14", "x,y"), ("y^2 - x^16", "x,y"),
    ("y^2 + x^14", "x,y"), ("x^2 - x^3/1000", "x"), ("x^2 + y^2 - y^3/500", "x,y"), ("x^2 + y^4 - y^5", "x,y"),
    ("abs(x) + abs(y) - x*y", "x,y"), ("x^4*y^2 + x^2*y^4 - 3*x^2*y^2 + 1", "x,y"),
]


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def random_deep_linear(width, depth, seed=0):
    rng = random.Random(seed)
    X = [[rng.randint(-3, 3) for _ in range(width + 1)] for _ in range(width)]
    Y = [[rng.randint(-3, 3) for _ in range(width + 1)] for _ in range(width)]
    L = deep_linear(X, Y, hidden=[width] * depth)
    point = L.coerce_point([Fraction(rng.randint(-5, 5), rng.randint(1, 4)) for _ in L.variables])
    return L, point


def baldi_hornik_saddle(d, p):
    """X = I, Y = diag(1..d); W_2 = E_I, W_1 = E_Iᵀ Y with I skipping index p - 1 (a saddle, BH89)."""
    L = deep_linear(sympy.eye(d), sympy.diag(*range(1, d + 1)), hidden=[p])
    E = sympy.zeros(d, p)
    for column, i in enumerate(list(range(p - 1)) + [p]):
        E[i, column] = 1
    return L, L.coerce_point(L.point_from_matrices([E.T * sympy.diag(*range(1, d + 1)), E]))


def exact_elimination(H):
    Z, _ = H.numer_denom()
    return list(inertia_module._elimination(Z, blocks=True))


def float_baseline():
    """``(name, counts)``: a float Hessian and its eigenvalue signs, with JAX when installed
    (``jax.hessian`` + ``eigvalsh``, float64), else numpy's ``eigvalsh`` on the rounded exact
    Hessian.  ``counts(L, point)`` returns ``((positive, negative), first call, warm call)``."""
    try:
        import jax
    except ImportError:
        def counts(L, point):
            def run():
                H = L._hessian(point)
                H = numpy.array([float(x) for x in H.entries()]).reshape(H.nrows(), H.ncols())
                values = numpy.linalg.eigvalsh(H)
                return int((values > 0).sum()), int((values < 0).sum())
            signs, first = timed(run)
            _, warm = timed(run)
            return signs, first, warm
        return "numpy (JAX not installed): float(H) + numpy.linalg.eigvalsh", counts

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    def counts(L, point):
        X = jnp.array(numpy_matrix(L.X))
        Y = jnp.array(numpy_matrix(L.Y))
        shapes, s = L.shapes, 0.5 if L.scale == "half" else 1.0

        def loss(theta):
            P, offset = X, 0
            for rows, cols in shapes:
                P = theta[offset:offset + rows * cols].reshape(rows, cols) @ P
                offset += rows * cols
            return s * jnp.sum((P - Y) ** 2)

        spectrum = jax.jit(lambda theta: jnp.linalg.eigvalsh(jax.hessian(loss)(theta)))

        def run():
            values = spectrum(jnp.array([float(v) for v in point])).block_until_ready()
            return int((values > 0).sum()), int((values < 0).sum())
        signs, first = timed(run)
        _, warm = timed(run)
        return signs, first, warm
    return f"JAX {jax.__version__}: jax.hessian + jnp.linalg.eigvalsh (float64, jit)", counts


def numpy_matrix(M):
    return numpy.array([[float(x) for x in M.row(i)] for i in range(M.rows)])


def search(L, point):
    """classify's search alone (no verify), as classify runs it."""
    return classify_module._Search(L, point, 0, classify_module.DEFAULT_MAX_ORDER).run()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller instances only")
    args = parser.parse_args(argv)

    print("1. not_critical at a random deep linear point (hidden [w, w, w])")
    print(f"{'params':>7} {'search':>9} {'verify':>9}  kind")
    for w in ((4, 6) if args.quick else (4, 6, 8)):
        L, point = random_deep_linear(w, 3)
        L.expression  # built once, as any caller of verify would
        verdict, t_search = timed(search, L, point)
        _, t_verify = timed(verify, verdict.certificate, L)
        print(f"{len(point):>7} {t_search:>8.3f}s {t_verify:>8.3f}s  {verdict.kind}", flush=True)

    print("\n2. the certificate's LDLᵀ congruence on Baldi-Hornik saddles (X = I, Y = diag(1..d), hidden [p])")
    print(f"{'params':>7} {'modular+fflu':>13} {'exact elimination':>18}  same")
    for d, p in ((10, 5), (14, 7)) if args.quick else ((10, 5), (14, 7), (20, 10)):
        L, point = baldi_hornik_saddle(d, p)
        H = L._hessian(point)
        fast, t_fast = timed(inertia_module.ldl_congruence, H)
        slow, t_slow = timed(exact_elimination, H)
        same = [x for x, *_ in slow] == fast[0]
        print(f"{H.nrows():>7} {t_fast:>12.3f}s {t_slow:>17.3f}s  {same}", flush=True)

    print("\n3. inertia of ill-conditioned deep linear Hessians at random points (seed 0)")
    name, float_counts = float_baseline()
    print(f"float baseline: {name}; 'float' is a warm call (traced and compiled before), 'ratio' exact / float")
    print(f"{'params':>7} {'refined':>9} {'unrefined -> charpoly':>22} {'float':>8} {'1st call':>9} {'ratio':>6}"
          f"  counts (float counts if they differ)")
    cases = ((4, 9), (4, 12)) if args.quick else ((4, 9), (4, 12), (8, 6), (16, 3))
    for w, depth in cases:
        L, point = random_deep_linear(w, depth)
        H = L._hessian(point)
        result, t_refined = timed(inertia_module.inertia, H)
        Z, _ = H.numer_denom()
        if H.nrows() <= 208:
            def unrefined():
                guess = inertia_module._FloatGuess(Z)
                return inertia_module._counts_certified(Z, [], guess, rounds=0) or inertia_module._counts_charpoly(Z)
            _, t_old = timed(unrefined)
            old = f"{t_old:>21.3f}s"
        else:
            old = f"{'(skipped)':>22}"
        counts, t_first, t_float = float_counts(L, point)
        exact = (result.positive, result.negative)
        note = "" if counts == exact else f"  float: {counts[0]} positive, {counts[1]} negative"
        print(f"{H.nrows():>7} {t_refined:>8.3f}s {old} {t_float:>7.3f}s {t_first:>8.3f}s {t_refined / t_float:>6.1f}"
              f"  {result.as_dict()}{note}", flush=True)

    print("\n4. degenerate saddles at zero weights, three weight matrices of width w")
    print(f"{'params':>7} {'classify':>9}  kind")
    for w in ((4, 6) if args.quick else (4, 6, 8)):
        rng = random.Random(0)
        X = [[rng.randint(-3, 3) for _ in range(w + 1)] for _ in range(w)]
        Y = [[rng.randint(-3, 3) for _ in range(w + 1)] for _ in range(w)]
        L = deep_linear(X, Y, hidden=[w, w])
        L.expression
        verdict, t = timed(classify_module.classify, L, [0] * len(L.variables))
        print(f"{len(L.variables):>7} {t:>8.3f}s  {verdict.kind}", flush=True)

    print("\n5. the families of degenerate points at 0 (Motzkin's form at (1, 1)), and networks at an exact fit")
    cases = [(expression, Landscape.from_expression(expression, names),
              [1, 1] if "3*x^2*y^2" in expression else [0] * len(names.split(",")))
             for expression, names in FAMILIES]
    cases += [
        ("cubic hinge, one ReLU unit, exact fit", mlp([[-1, 1, 3]], [[-1, 1, 1]], hidden=[1], loss=get_loss("hinge"),
                                                      variables="w,b,v,c"), [1, 0, 2, -1]),
        ("squared loss, one ReLU unit, exact fit", mlp([[-1, 1, 2]], [[0, 1, 2]], hidden=[1],
                                                       loss=get_loss("squared", scale="sum"), variables="w,b,v,c"),
         [1, 0, 1, 0]),
    ]
    undetermined = unknown = 0
    for name, L, point in cases:
        verdict, t = timed(classify_module.classify, L, point)
        undetermined += verdict.kind == "undetermined"
        unknown += verdict.global_min is None
        print(f"{name:40} {verdict.kind:18} global_min={str(verdict.global_min):5} {t:6.3f}s", flush=True)
    print(f"undetermined: {undetermined}, global_min unknown: {unknown}, of {len(cases)}")


if __name__ == "__main__":
    main()
