"""REG-DLN: with L2 weight decay, a deep linear network can have a spurious local minimum at the origin."""

from __future__ import annotations

import numpy as np
import sympy

from symlandscape.claims import CheckLog, Claim, Instance, Source, register
from symlandscape.critical import critical_points, weight_decay
from symlandscape.deep_linear import deep_linear
from symlandscape.numeric import descend, numeric_twin
from symlandscape.verdict import inertia_words

__all__ = ["exact_check", "numeric_check", "regularised"]

_MINIMA = ("strict_local_min", "local_min")


def regularised(instance):
    """The instance's loss ½‖W_{H+1}⋯W_1 X − Y‖² + ½ Σ λ_{k,rs} (W_k)_rs², λ cycled over the entries."""
    base = deep_linear(instance["X"], instance["Y"], hidden=instance["hidden"])
    values = instance["lam"]
    lam = {str(v): values[i % len(values)] for i, v in enumerate(base.variables)}
    return weight_decay(base, lam)


def exact_check(instance, *, seed=0, thorough=False):
    """Enumerate every critical point of the regularised loss (complete, finite list), classify each, and find
    which local minima are spurious; with three or more weight matrices the origin must be a strict local
    minimum, and where λ is small it must be one of the spurious minima."""
    log = CheckLog()
    L = regularised(instance)
    depth = len(instance["hidden"]) + 1
    result = critical_points(L, seed=seed)
    if not log.require(result.dimension == 0 and result.complete,
                       f"{instance.name}: the critical set is finite and listed completely: {result.complex_count} "
                       f"complex critical points, {result.real_count} real ({result.method})"):
        for item in result.not_established:
            log.note(f"  not established: {item}")
        return log.result()
    log.require(all(p.verified for p in result.points),
                f"each of the {len(result.points)} real points is proven critical and its kind certified "
                f"({sum(p.is_rational for p in result.points)} rational: classify + verify; the rest: algebraic "
                "certificates checked by verify)")
    summary = result.summary
    log.require(summary["coercive"] and summary["global_minimum"] is not None,
                f"the loss is coercive ({summary['coercivity']}), so the least critical value "
                f"{_short(summary['least_value'])} ≈ {summary['least_value_approx']:.6g} is the global minimum")
    origin = [p for p in result.points if all(c == 0 for c in p.coordinates)]
    half_y = sympy.Rational(1, 2) * sum(sympy.Rational(v) ** 2 for row in instance["Y"] for v in row)
    if not log.require(len(origin) == 1 and str(origin[0].value) == str(half_y),
                       f"the origin is a critical point of value ½‖Y‖² = {half_y}"):
        return log.result()
    origin = origin[0]
    if depth >= 3:
        log.require(origin.kind == "strict_local_min",
                    f"{depth} weight matrices: the origin is a {origin.kind} (Hessian eigenvalues: "
                    f"{inertia_words(origin.hessian_inertia)}; the claim: a strict local minimum, the Hessian being "
                    "diag(λ))")
    else:
        log.note(f"{depth} weight matrices: the origin is a {origin.kind} (Hessian eigenvalues: "
                 f"{inertia_words(origin.hessian_inertia)}); with one hidden layer the cross term is quadratic and "
                 "the claim makes no statement here")
    minima = [p for p in result.points if p.kind in _MINIMA]
    least = None
    if summary["values_exact"]:
        least = result.points[0].value
        for p in result.points[1:]:
            if p.value.compare(least) < 0:  # exact: the listing order is by approximate value
                least = p.value
    spurious = [p for p in minima if least is not None and p.value.compare(least) > 0]
    log.note(f"found by enumeration: {len(minima)} local minima, {summary['minima_at_least_value']} at the global "
             f"value, {len(spurious)} spurious (value above the global minimum)"
             + (f": values {', '.join(sorted({f'{float(p.value):.6g}' for p in spurious}))}" if spurious else ""))
    origin_spurious = any(p is origin for p in spurious)
    if instance.get("small_lambda") and depth >= 3:
        log.require(origin_spurious, f"λ small: the origin (value {half_y}) is a spurious local minimum, above the "
                                     f"global minimum ≈ {summary['least_value_approx']:.6g}: 'every local minimum is "
                                     "global' fails with weight decay")
    return log.result(complex_count=result.complex_count, real_count=result.real_count,
                      local_minima=len(minima), spurious=len(spurious),
                      least_value=summary["least_value_approx"])


def numeric_check(instance, *, seed=0, thorough=False):
    """float64 at every listed point: gradient ≈ 0 and Hessian eigenvalue signs = the certified inertia; seeded
    gradient descent from a small random start stays at the origin when it is a strict local minimum, and from
    a larger one reaches a value no lower than the certified global minimum."""
    log = CheckLog()
    L = regularised(instance)
    result = critical_points(L, seed=seed)
    twin = numeric_twin(L)
    agree, worst = 0, 0.0
    for p in result.points:
        x = np.array([float(c) for c in p.coordinates])
        worst = max(worst, float(np.linalg.norm(twin.gradient(x))))
        eigenvalues = np.linalg.eigvalsh(np.array(twin.hessian(x), dtype=float))
        signs = {"positive": int((eigenvalues > 1e-9).sum()), "negative": int((eigenvalues < -1e-9).sum())}
        signs["zero"] = len(x) - signs["positive"] - signs["negative"]
        agree += p.hessian_inertia == signs
    log.require(agree == len(result.points) and worst < 1e-8,
                f"float64: at all {len(result.points)} points |∇L| ≤ {worst:.1e} and the Hessian eigenvalue signs "
                f"match the certified inertia ({agree} agree)")
    rng = np.random.default_rng(seed)
    n = len(L.variables)
    depth = len(instance["hidden"]) + 1
    if depth >= 3:
        run = descend(twin.value, twin.gradient, rng.normal(scale=1e-3, size=n))
        log.require(run.converged and float(np.linalg.norm(run.point)) < 1e-4,
                    f"descent from a start of size 1e-3 (seed {seed}) converges to the origin "
                    f"(|θ| = {np.linalg.norm(run.point):.1e})")
    values = [descend(twin.value, twin.gradient, rng.normal(scale=1.0, size=n)).value for _ in range(5)]
    least = result.summary["least_value_approx"]
    log.require(min(values) >= least - 1e-9,
                f"5 descents from random starts (seed {seed}) end at values ≥ the certified global minimum "
                f"{least:.6g} (lowest {min(values):.6g})")
    return log.result()


def _short(text, limit=60):
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _instances():
    tenth = ["1/10"]
    entrywise = ["1/10", "1/7", "1/5", "1/3", "1/2"]
    return (
        Instance("scalar chain, 3 weights, λ = 1/10", "½(1 − w3 w2 w1)² + (λ/2)(w1² + w2² + w3²)",
                 {"X": [[1]], "Y": [[1]], "hidden": [1, 1], "lam": tenth, "small_lambda": True}),
        Instance("scalar chain, 2 weights, λ = 1/10", "one hidden layer: the origin is a saddle",
                 {"X": [[1]], "Y": [[1]], "hidden": [1], "lam": tenth}),
        Instance("2 → 1, hidden [1, 1], one sample, entrywise λ", "x = (1, 2), y = 1",
                 {"X": [[1], [2]], "Y": [[1]], "hidden": [1, 1], "lam": entrywise, "small_lambda": True}),
        Instance("1 → 1, hidden [2, 1], one sample, entrywise λ", "x = 1, y = 1",
                 {"X": [[1]], "Y": [[1]], "hidden": [2, 1], "lam": entrywise, "small_lambda": True}),
        Instance("2 → 2, hidden [2], one sample, entrywise λ", "x = (1, 2), y = (1, −1); 8 parameters",
                 {"X": [[1], [2]], "Y": [[1], [-1]], "hidden": [2], "lam": ["1/10", "1/7", "1/5", "1/3"]},
                 thorough=True),
        Instance("scalar chain, 4 weights, entrywise λ", "x = 1, y = 2",
                 {"X": [[1]], "Y": [[2]], "hidden": [1, 1, 1], "lam": entrywise, "small_lambda": True},
                 thorough=True),
    )


register(Claim(
    id="REG-DLN",
    source=Source("Mehta, Chen, Tang, Hauenstein",
                  "The loss surface of deep linear networks viewed through the algebraic geometry lens", 2022,
                  "IEEE TPAMI; regularised deep linear networks (see also Ziyin, Li, Meng, 'Exact Solutions of a "
                  "Deep Linear Network', 2022: with weight decay and at least two hidden layers the origin is a "
                  "local minimum)",
                  "arXiv:1810.07716; arXiv:2202.04777"),
    statement="With L2 regularisation ½ Σ λ_{k,rs} (W_k)_rs² (all λ > 0) and at least two hidden layers, the "
              "origin is a strict local minimum of a deep linear network's loss, and for small λ it is not "
              "global: every local minimum is global no longer holds.",
    conventions=("loss ½‖W_{H+1}⋯W_1 X − Y‖²_F + ½ Σ λ_{k,rs} (W_k)_rs² (the ½ on both terms, per-entry λ)",
                 "depth in weight matrices (H+1) and hidden layers (H)",
                 "λ cycled over the entries in parameter order (W_1 row-major first)"),
    instances=_instances(),
    exact_check=exact_check,
    numeric_check=numeric_check,
    module=__name__,
))
