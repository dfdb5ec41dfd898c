"""BLIND-SPOT: a dead ReLU network with the optimal output bias is a local minimum; with another bias it is not critical."""

from __future__ import annotations

import sympy

from proofs_checks.scp16_relu import global_minimum
from symlandscape.claims import CheckLog, Claim, Instance, Source, certified_verdict, register
from symlandscape.losses import get_loss
from symlandscape.network import mlp
from symlandscape.numeric import numeric_check as confirm

__all__ = ["exact_check", "numeric_check", "dead_units"]


def _landscape(instance):
    return mlp([list(instance["x"])], [list(instance["y"])], hidden=[instance["width"]],
               loss=get_loss("squared", scale="sum"))


def dead_units(instance, point):
    """Exact pre-activations ``w_j x_i + b_j`` of every hidden unit on every sample (unit-major)."""
    h = instance["width"]
    w, b = point[:h], point[h:2 * h]
    return [[sympy.Rational(w[j]) * xi + sympy.Rational(b[j]) for xi in instance["x"]] for j in range(h)]


def _points(instance):
    h, y = instance["width"], [sympy.Rational(v) for v in instance["y"]]
    mean = sum(y) / len(y)
    dead = tuple(sympy.Rational(v) for v in instance["dead_point"])
    shifted = dead[:-1] + (dead[-1] + instance.get("bias_shift", 1),)
    return h, y, mean, dead, shifted


def exact_check(instance, *, seed=0, thorough=False):
    """Strict inactivity of every unit (exact), the local-minimum argument and classify/verify verdicts for
    the optimal and a shifted output bias, and a point of lower loss (not global)."""
    log = CheckLog()
    L = _landscape(instance)
    h, y, mean, dead, shifted = _points(instance)
    log.note(f"one hidden layer of {h} ReLU unit{'s' if h != 1 else ''} (two weight matrices), output bias c; "
             "loss Σ (f(x_i) − y_i)² (plain sum)")
    pre = dead_units(instance, dead)
    strictly = all(z < 0 for row in pre for z in row)
    log.require(strictly, f"every hidden unit is strictly inactive on every sample (largest pre-activation "
                          f"{max(z for row in pre for z in row)} < 0): the network outputs only c")
    log.require(dead[-1] == mean, f"the output bias c = {dead[-1]} is the mean of the targets {mean}")
    if strictly:
        log.note("strict inequalities persist in a neighbourhood, where L = Σ (c − y_i)² does not depend on the "
                 "other parameters and is minimised at c = mean: a (non-strict) local minimum")
    verdict, problem = certified_verdict(L, dead, seed=seed)
    log.require(problem is None and verdict.kind == "local_min",
                f"classify at the dead point: {verdict.kind}, value {verdict.value}"
                + (f" ({problem})" if problem else " (certificate verified)"))
    verdict, problem = certified_verdict(L, shifted, seed=seed)
    log.require(problem is None and verdict.kind == "not_critical",
                f"with c = {shifted[-1]} ≠ mean: classify says {verdict.kind}: ∂L/∂c = "
                f"{L.gradient(shifted)[-1]} ≠ 0" + (f" ({problem})" if problem else ""))
    # not global: one live unit doing the best a single unit can, the others dead
    value, (w, b, v, c), _ = global_minimum(instance["x"], instance["y"])
    better = (w,) + dead[1:h] + (b,) + dead[h + 1:2 * h] + (v,) + tuple(0 for _ in range(h - 1)) + (c,)
    log.require(L.value(better) < L.value(dead),
                f"not a global minimum: L = {L.value(better)} < {L.value(dead)} at {better}")
    return log.result()


def numeric_check(instance, *, seed=0, thorough=False):
    """30-digit sampling confirms the local minimum and the non-critical shifted point."""
    log = CheckLog()
    L = _landscape(instance)
    _, _, _, dead, shifted = _points(instance)
    for point, kind in ((dead, "local_min"), (shifted, "not_critical")):
        result = confirm(kind, L, point, seed=seed)
        log.require(result.agrees, f"{point}: {result.summary()}")
    return log.result()


register(Claim(
    id="BLIND-SPOT",
    source=Source("Swirszcz, Czarnecki, Pascanu", "Local minima in training of neural networks", 2016,
                  "Section 3.1 (blind spots of ReLU networks)", "arXiv:1611.06310"),
    statement="If every hidden ReLU unit is inactive on every sample, the network outputs only its output bias: "
              "with that bias at the mean of the targets the point is a local minimum (generally not global); "
              "with any other bias it is not even critical.",
    conventions=("loss Σ (f(x_i) − y_i)² (plain sum)", "one hidden layer (two weight matrices)"),
    instances=(
        Instance("one dead unit", "the network and data of SCP16-relu with w = 0, b = -1 (dead on every sample), "
                 "v = 1 and output bias c = 3/5 = mean(y)",
                 {"x": (-1, 1, 3, 4, 5), "y": (3, -3, 0, 1, 2), "width": 1, "dead_point": (0, -1, 1, "3/5")}),
        Instance("two dead units (thorough)", "the same data, two hidden units with w = 0, b = -1",
                 {"x": (-1, 1, 3, 4, 5), "y": (3, -3, 0, 1, 2), "width": 2,
                  "dead_point": (0, 0, -1, -1, 1, 1, "3/5")}, thorough=True),
        Instance("three dead units (thorough)", "five other samples; three units with very negative weights",
                 {"x": (1, 2, 3, 4, 6), "y": (2, -1, 1, 0, 3), "width": 3,
                  "dead_point": (-5, -3, -4, -1, -2, "-1/2", 2, -1, 1, 1)}, thorough=True),
    ),
    exact_check=exact_check,
    numeric_check=numeric_check,
    module=__name__,
))
