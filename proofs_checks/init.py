"""INIT: initialisations with very negative w and b end in the ReLU blind spot, as a seeded experiment.

Network ``f(x) = Σ_j v_j relu(w_j x + b_j) + c`` (one hidden layer, two weight matrices) on five
samples with positive inputs, plain sum of squares, full-batch gradient descent.  For each
initial mean μ, ``w_j, b_j ~ N(μ, 1)``, ``v_j ~ N(0, 1)``, ``c = 0``; a run *ends dead* when every
hidden unit is inactive on every sample at the end.

The exact part does not trust float comparisons: each end point is read as the exact rationals
its floats are, every pre-activation is compared with 0 exactly, and a dead end point is
certified stuck — strictly negative pre-activations make every partial derivative in the w, b
and v vanish (relu and relu' are 0 there), so gradient descent only ever moves c, and the loss
stays at least ``Σ (y_i − mean y)²``, the blind-spot value; a live run below that value shows the
blind spot is not a global minimum.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import numpy as np

from symlandscape.claims import CheckLog, Claim, Instance, Source, register

__all__ = ["dead_run_experiment", "exact_check", "numeric_check", "figure", "caption"]


@lru_cache(maxsize=8)
def dead_run_experiment(x, y, width, means, runs, steps, learning_rate, seed):
    """Per initial mean: the end points ``(W, B, V, C)`` of ``runs`` seeded gradient-descent runs."""
    x, y = np.array(x, dtype=float), np.array(y, dtype=float)
    rng = np.random.default_rng(seed)
    results = {}
    for mu in means:
        W = rng.normal(mu, 1.0, (runs, width))
        B = rng.normal(mu, 1.0, (runs, width))
        V = rng.normal(0.0, 1.0, (runs, width))
        C = np.zeros(runs)
        with np.errstate(all="ignore"):  # a diverging run shows up as non-finite and is reported as such
            for _ in range(steps):
                Z = W[:, :, None] * x + B[:, :, None]
                A = np.maximum(Z, 0.0)
                R = (V[:, :, None] * A).sum(1) + C[:, None] - y
                G = 2.0 * R[:, None, :] * V[:, :, None] * (Z > 0)
                W, B, V, C = (W - learning_rate * (G * x).sum(2), B - learning_rate * G.sum(2),
                              V - learning_rate * 2.0 * (R[:, None, :] * A).sum(2), C - learning_rate * 2.0 * R.sum(1))
        results[mu] = (W, B, V, C)
    return results


def exact_run(x, y, W, B, V, C):
    """Exact status of one end point: ``(finite, dead, loss)`` with the floats read as exact rationals."""
    if not all(np.isfinite(v) for v in (*W, *B, *V, C)):
        return False, False, None
    w, b, v, c = ([Fraction(float(t)) for t in arr] for arr in (W, B, V, [C]))
    c = c[0]
    pre = [[wj * xi + bj for xi in x] for wj, bj in zip(w, b)]
    dead = all(z < 0 for row in pre for z in row)
    outputs = [sum((vj * max(row[i], 0) for vj, row in zip(v, pre)), Fraction(0)) + c for i in range(len(x))]
    loss = sum(((o - yi) ** 2 for o, yi in zip(outputs, y)), Fraction(0))
    return True, dead, loss


def _table(instance, seed, thorough):
    x = tuple(Fraction(v) for v in instance["x"])
    y = tuple(Fraction(v) for v in instance["y"])
    runs = instance["runs_thorough"] if thorough else instance["runs"]
    experiment = dead_run_experiment(tuple(map(float, x)), tuple(map(float, y)), instance["width"],
                                     tuple(instance["means"]), runs, instance["steps"], instance["learning_rate"], seed)
    rows = []
    for mu, (W, B, V, C) in experiment.items():
        statuses = [exact_run(x, y, W[r], B[r], V[r], C[r]) for r in range(len(C))]
        float_dead = int(((W[:, :, None] * np.array(x, dtype=float) + B[:, :, None]) < 0).all(axis=(1, 2)).sum())
        rows.append({"mean": mu, "runs": len(C), "dead": sum(s[1] for s in statuses),
                     "diverged": sum(not s[0] for s in statuses), "float_dead": float_dead,
                     "losses": [s[2] for s in statuses], "flags": [s[1] for s in statuses]})
    return x, y, runs, rows


def figure(rows, seed):
    """The fraction of dead runs against the initial mean, with 95% Wilson intervals (a matplotlib Figure)."""
    from symlandscape.plot import proportions_figure

    fig = proportions_figure({"runs ending dead": [(r["mean"], r["dead"], r["runs"]) for r in rows]},
                             xlabel="initial mean of w and b (standard deviation 1)",
                             ylabel="fraction of runs ending dead",
                             title=f"ReLU blind spot vs initialisation (seed {seed}, {rows[0]['runs']} runs per mean)")
    fig.axes[0].invert_xaxis()  # left to right: from usual to very negative initialisations
    return fig


def caption(rows, seed):
    """One sentence saying what the INIT figure shows and how its error bars were computed."""
    return (f"INIT: fraction of the {rows[0]['runs']} gradient-descent runs per initial mean that end in the blind "
            "spot (every ReLU inactive on every sample, decided exactly on the end points), against the initial "
            f"mean of w and b; bars: 95% Wilson score intervals of each binomial proportion; seed {seed}.")


def exact_check(instance, *, seed=0, thorough=False):
    """Every end point classified dead/alive exactly; dead ones certified stuck; the blind-spot value
    Σ(y − ȳ)² bounds every dead run's loss and a live run goes below it (not a global minimum)."""
    log = CheckLog()
    x, y, runs, rows = _table(instance, seed, thorough)
    mean_y = sum(y) / len(y)
    blind = sum((yi - mean_y) ** 2 for yi in y)
    log.note(f"f(x) = Σ_j v_j relu(w_j x + b_j) + c, {instance['width']} hidden units (one hidden layer, two weight "
             f"matrices), loss Σ (f(x_i) − y_i)² (plain sum); {runs} runs per mean, {instance['steps']} steps of "
             f"gradient descent with step {instance['learning_rate']}, seed {seed}")
    for row in rows:
        dead_losses = [loss for loss, dead in zip(row["losses"], row["flags"]) if dead]
        log.require(row["dead"] == row["float_dead"] and row["diverged"] == 0,
                    f"mean {row['mean']}: {row['dead']}/{row['runs']} runs end dead, decided exactly on the rational end "
                    f"points (the float test agrees: {row['float_dead']}); {row['diverged']} diverged")
        log.require(all(loss >= blind for loss in dead_losses),
                    f"mean {row['mean']}: every dead run is stuck (strictly negative pre-activations: the w, b, v "
                    f"partials vanish) with loss >= Σ(y − ȳ)² = {blind}")
    live = [loss for row in rows for loss, dead in zip(row["losses"], row["flags"]) if loss is not None and not dead]
    best = min(live) if live else None
    log.require(best is not None and best < blind,
                f"a live run ends with exact loss {float(best) if best is not None else 'n/a':.6g} < {blind} = the "
                "blind-spot value: the blind spot is a local minimum that is not global")
    return log.result()


def numeric_check(instance, *, seed=0, thorough=False):
    """The trend: the fraction of dead runs grows as the initial mean goes negative (writes a PNG and a CSV)."""
    log = CheckLog()
    _, _, runs, rows = _table(instance, seed, thorough)
    fractions = [r["dead"] / r["runs"] for r in rows]
    slack = instance.get("slack", 0.15)
    log.require(all(b >= a - slack for a, b in zip(fractions, fractions[1:])),
                "the dead fraction does not fall (beyond a sampling slack of "
                f"{slack}) as the mean goes negative: "
                + ", ".join(f"mean {r['mean']}: {f:.2f}" for r, f in zip(rows, fractions)))
    log.require(fractions[0] <= instance.get("max_dead_usual", 0.25),
                f"usual initialisation (mean {rows[0]['mean']}) trains: {fractions[0]:.2f} of runs end dead")
    log.require(fractions[-1] >= instance.get("min_dead_negative", 0.9),
                f"very negative initialisation (mean {rows[-1]['mean']}) ends dead: {fractions[-1]:.2f} of runs")
    csv = ["initial_mean,runs,dead,fraction_dead,mean_final_loss"]
    for r, f in zip(rows, fractions):
        finite = [float(loss) for loss in r["losses"] if loss is not None]
        csv.append(f"{r['mean']},{r['runs']},{r['dead']},{f:.4f},{sum(finite) / max(len(finite), 1):.6f}")
    log.artifact("init_dead_fraction.csv", "\n".join(csv) + "\n", "INIT: dead runs per initial mean (seeded)")
    from symlandscape.plot import figure_bytes

    log.artifact("init_dead_fraction.png", figure_bytes(figure(rows, seed), "png"), caption(rows, seed))
    return log.result(fractions={str(r["mean"]): f for r, f in zip(rows, fractions)})


register(Claim(
    id="INIT",
    source=Source("Swirszcz, Czarnecki, Pascanu", "Local minima in training of neural networks", 2016,
                  "the initialisation experiment (Section 3.1)", "arXiv:1611.06310"),
    statement="Gradient descent from initialisations with very negative w and b ends in the blind spot (every ReLU "
              "dead) while usual initialisations train: the fraction of dead runs grows as the initial mean of w "
              "and b goes negative.",
    conventions=("loss Σ (f(x_i) − y_i)² (plain sum)", "one hidden layer (two weight matrices) of 4 ReLU units"),
    instances=(
        Instance("4 units, 5 samples", "x = 1..5, y = (3, −3, 0, 1, 2); means 0.5 .. −3; 40 runs per mean "
                 "(thorough: 200), 2000 steps of size 0.002",
                 {"x": (1, 2, 3, 4, 5), "y": (3, -3, 0, 1, 2), "width": 4, "means": (0.5, 0.0, -0.5, -1.0, -2.0, -3.0),
                  "runs": 40, "runs_thorough": 200, "steps": 2000, "learning_rate": 0.002}),
    ),
    exact_check=exact_check,
    numeric_check=numeric_check,
    module=__name__,
))
