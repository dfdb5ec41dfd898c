"""OVERPARAM: spurious local minima of two-layer ReLU networks under Gaussian inputs (Safran & Shamir 2018).

The model, the loss and the certification live in :mod:`symlandscape.teacher_student`: the
student ``x ↦ Σ_{i≤n} relu(w_iᵀx)`` fitted to the teacher ``Σ_{j≤k} relu(e_jᵀx)``,
``x ~ N(0, I_k)``, population loss ``F = 1/2 E[(student − teacher)²]`` in closed form (arc-cosine
kernel); global minimum value 0.

The experiment (the same tasks as ``symlandscape sweep overparam``): initialisation
``w_ij ~ N(0, 1/k)`` i.i.d.; full-batch gradient descent on the closed-form F with constant step
``4/(k + 4)``; a run stops when ``F < 1e-8`` (global), when ``|∇F| < 1e-7`` (stationary), checked
every 250 steps, or after 40,000 steps (unsettled).  A stationary end point with ``F >= 1e-8`` is
Newton-polished and certified in ball arithmetic (Krawczyk: exactly one critical point in a box
of radius ~1e-12 around it; interval Hessian positive definite on the box; ``F > 0`` on the
box): a *certified* spurious strict local minimum.  One that fails certification is counted as
``uncertified``, never as spurious.

The default check runs a reduced setting (k = 8, n = k and k + 2, 200 runs each) that shows
spurious minima at n = k and none at n = k + 2; it also reads the stored full sweep
(``symlandscape/data/overparam_table.json``) and states its provenance.  ``--thorough`` runs the
full table (k = 6…20, n = k, k+1, k+2, 500 runs per cell) through :func:`symlandscape.sweep.run_sweep`
on a ``LocalCluster``, resumable in the system's temporary directory.
"""

from __future__ import annotations

import json
import tempfile
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import numpy as np

import symlandscape
from symlandscape.claims import CheckLog, Claim, Instance, Source, register
from symlandscape.teacher_student import (
    GLOBAL_LOSS,
    _float_hessian,
    certify_minimum,
    newton_polish,
    population_loss,
)

__all__ = ["WITNESS_K6", "STORED_TABLE", "experiment_rows", "stored_table", "store_table", "figure",
           "exact_check", "numeric_check"]

#: The stored full sweep: counts per (k, n) and the provenance of the run that made them.
STORED_TABLE = Path(symlandscape.__file__).resolve().parent / "data" / "overparam_table.json"

# A spurious minimum for k = n = 6, found by gradient descent (seed 0, 100 runs, 20000
# steps, then Newton polishing) and stored exactly as binary floats: the default run
# certifies it whatever the seed.  (Its symmetric shape — five units near e_j, one
# absorbing the rest — is the kind Safran & Shamir describe.)
WITNESS_K6 = (
    (0.9867038188885803, -0.050413403216808095, -0.05041340321680901, -0.050413403216806714, 0.3080109914790602, -0.050413403216805985),
    (0.22451580759947082, 0.22451580759948261, 0.22451580759948686, 0.22451580759947634, -0.601511923561094, 0.22451580759947293),
    (-0.050413403216806665, -0.050413403216807894, -0.050413403216809156, -0.05041340321680752, 0.30801099147906286, 0.9867038188885799),
    (-0.05041340321680722, -0.05041340321680874, -0.05041340321681008, 0.9867038188885778, 0.3080109914790673, -0.05041340321680748),
    (-0.05041340321680929, -0.050413403216811384, 0.9867038188885728, -0.050413403216810385, 0.3080109914790797, -0.05041340321681018),
    (-0.05041340321680832, 0.9867038188885733, -0.05041340321681147, -0.05041340321680991, 0.308010991479074, -0.050413403216809476),
)



# ---------------------------------------------------------------------------------------
# the experiment: the sweep's own tasks, run here in a plain loop (or on Dask with --thorough)


@lru_cache(maxsize=8)
def _rows(k_values, offsets, runs, batch, seed):
    from symlandscape.sweep import plain_loop

    parameters = {"k_values": list(k_values), "offsets": list(offsets), "runs": runs, "batch": batch}
    return tuple(plain_loop("overparam", parameters=parameters, seed=seed))


def _thorough_rows(seed):
    from symlandscape.sweep import read_results, run_sweep

    output = Path(tempfile.gettempdir()) / f"symlandscape-overparam-seed{seed}"
    run_sweep("overparam", seed=seed, output=output, command=f"symlandscape check --only OVERPARAM --thorough "
                                                              f"--seed {seed}")
    return tuple(read_results(output)[1]), output


def experiment_rows(instance, seed=0, thorough=False):
    """The rows of the instance's experiment (as stored by the sweep) and a sentence saying where they come from."""
    if thorough:
        rows, output = _thorough_rows(seed)
        return rows, f"full table through the Dask sweep (LocalCluster), stored in {output}"
    rows = _rows(tuple(instance["k_values"]), tuple(instance["offsets"]), instance["runs"], instance["batch"], seed)
    return rows, "reduced setting, run in this process (the tasks of `symlandscape sweep overparam`)"


def _counts(rows):
    from symlandscape.sweep import overparam_counts

    return overparam_counts(rows)


def stored_table(path=STORED_TABLE):
    """The stored full sweep (a dict with ``provenance``, ``parameters`` and ``cells``), or None."""
    path = Path(path)
    if not path.exists():
        return None
    return json.loads(path.read_text())


def store_table(sweep_output, path=STORED_TABLE):
    """Write the counts of the sweep in ``sweep_output`` with its provenance to ``path`` (JSON)."""
    from symlandscape.sweep import read_results

    meta, rows = read_results(sweep_output)
    cells = [{"k": k, "n": n, **c} for (k, n), c in _counts(rows).items()]
    seconds = sum((r["task_seconds"] or 0) for r in {r["task"]: r for r in rows}.values())
    data = {"description": "OVERPARAM sweep: runs per (k, n) ending at the global minimum, at a certified spurious "
                           "strict local minimum, uncertified, unsettled or diverged",
            "workload": meta["workload"], "seed": meta["seed"], "parameters": meta["parameters"],
            "tasks_planned": meta["tasks"], "tasks_stored": len({r["task"] for r in rows}),
            "task_seconds_total": round(seconds, 1),
            "provenance": meta["provenance"], "resumed": meta.get("resumed", []), "cells": cells}
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(data, indent=1) + "\n")
    return data


def figure(cells, title):
    """Fraction of runs ending at a certified spurious minimum against k, one series per n − k."""
    from symlandscape.plot import proportions_figure

    series = {}
    for c in cells:
        label = "n = k" + (f" + {c['n'] - c['k']}" if c["n"] > c["k"] else "")
        series.setdefault(label, []).append((c["k"], c["spurious"], c["runs"]))
    return proportions_figure(series, xlabel="k (teacher units)", ylabel="certified spurious fraction", title=title)


def _png(fig):
    import matplotlib.pyplot as plt

    from symlandscape.plot import figure_bytes

    data = figure_bytes(fig, "png")
    plt.close(fig)
    return data


def _provenance_text(table):
    p = table["provenance"]
    return (f"`{p['command']}` (seed {table['seed']}, {p['date']}, {p['machine']}; {table['tasks_stored']} of "
            f"{table['tasks_planned']} tasks stored)")


# ---------------------------------------------------------------------------------------
# the checks


def exact_check(instance, *, seed=0, thorough=False):
    """Every end point away from 0 certified (Krawczyk + interval Hessian + value bound) or counted apart."""
    log = CheckLog()
    log.note("loss: 1/2 E_x[(Σ_i relu(w_iᵀx) − Σ_j relu(e_jᵀx))²], x ~ N(0, I_k); one hidden layer (two weight "
             "matrices, the second fixed to ones); global minimum value 0")
    for label, k, w in instance.get("points", ()):
        cert = certify_minimum(np.array(w, dtype=float))
        if cert.certified:
            log.require(True, f"{label}: exactly one critical point in the box of radius {cert.radius} (Krawczyk), "
                              f"Hessian positive definite on the box (Gershgorin after a congruence), "
                              f"F >= {float(Fraction(cert.loss_lower_bound)):.6g} > 0 there: a spurious strict "
                              "local minimum")
        else:
            log.require(False, f"{label}: not certified as a spurious minimum — {cert.reason}")
    if "k_values" not in instance.parameters:
        return log.result()
    rows, origin = experiment_rows(instance, seed, thorough)
    log.note(f"experiment: {origin}; seed {seed}")
    cells = _counts(rows)
    for (k, n), c in cells.items():
        log.require(c["failed_tasks"] == 0,
                    f"k = {k}, n = {n}: {c['runs']} runs: {c['spurious']} end at certified spurious minima, "
                    f"{c['global']} at F < {GLOBAL_LOSS:g}, {c['uncertified']} stationary but not certified (not "
                    f"counted as spurious), {c['unsettled']} unsettled, {c['diverged']} diverged; "
                    f"{c['failed_tasks']} failed tasks")
    for row in rows:
        if row["status"] == "ok" and row["outcome"] == "spurious":
            # the stored lower bound is an exact rational; re-read it as such
            if not Fraction(row["loss_lower_bound"]) > 0:
                log.require(False, f"k = {row['k']}, n = {row['n']}, run {row['run']}: stored bound is not > 0")
    offsets = sorted({n - k for k, n in cells})
    log.require(any(cells[(k, n)]["spurious"] for k, n in cells if n == k),
                "at least one run at n = k ends at a certified spurious minimum")
    return log.result(counts={f"k={k},n={n}": c for (k, n), c in cells.items()}, offsets=offsets)


def numeric_check(instance, *, seed=0, thorough=False):
    """The trend n = k → k + 2 (Wilson intervals), float cross-checks of the witness; table and figure."""
    from symlandscape.sweep import overparam_paper_table, wilson_interval

    log = CheckLog()
    for label, k, w in instance.get("points", ()):
        w = newton_polish(np.array(w, dtype=float))
        F = float(population_loss(w[None])[0])
        eig = np.linalg.eigvalsh(_float_hessian(w))
        # finite-difference Hessian error ~ 1e-10; the eigenvalues here are >~ 1e-3
        log.require(eig[0] > 1e-7 and F > 1e-4,
                    f"{label}: float64 loss {F:.6g}, Hessian eigenvalues in [{eig[0]:.3g}, {eig[-1]:.3g}]")
    if "k_values" not in instance.parameters:
        return log.result()
    rows, origin = experiment_rows(instance, seed, thorough)
    cells = _counts(rows)
    csv = ["k,n,runs,global,spurious_certified,uncertified,unsettled,diverged,failed_tasks"]
    for (k, n), c in cells.items():
        csv.append(f"{k},{n},{c['runs']},{c['global']},{c['spurious']},{c['uncertified']},{c['unsettled']},"
                   f"{c['diverged']},{c['failed_tasks']}")
    for k in sorted({k for k, _ in cells}):
        if (k, k) in cells and (k, k + 2) in cells:
            a, b = cells[(k, k)], cells[(k, k + 2)]
            lo_a, _ = wilson_interval(a["spurious"], a["runs"])
            _, hi_b = wilson_interval(b["spurious"], b["runs"])
            log.require(lo_a > hi_b,
                        f"k = {k}: spurious minima are rarer at n = k + 2 ({b['spurious']}/{b['runs']}, 95% Wilson "
                        f"upper end {hi_b:.3f}) than at n = k ({a['spurious']}/{a['runs']}, lower end {lo_a:.3f})")
    log.artifact("overparam_spurious_fraction.csv", "\n".join(csv) + "\n",
                 f"OVERPARAM ({origin}, seed {seed}): outcomes per (k, n)")
    log.artifact("overparam_table.md", overparam_paper_table(rows) + "\n",
                 "OVERPARAM: Table 1 layout, % of runs at a certified spurious minimum (count/runs; 95% CI)")
    table = stored_table()
    if table is not None and not thorough:
        log.note(f"stored full sweep read from symlandscape/data/overparam_table.json, made by "
                 f"{_provenance_text(table)}; its figure is overparam_spurious_fraction.png")
        cells_stored = [c for c in table["cells"] if c["runs"]]
        log.artifact("overparam_spurious_fraction.png",
                     _png(figure(cells_stored, f"OVERPARAM stored sweep (seed {table['seed']})")),
                     "OVERPARAM: fraction of runs at a certified spurious minimum (stored sweep; 95% Wilson bars)")
    elif thorough:
        log.artifact("overparam_spurious_fraction.png",
                     _png(figure([{"k": k, "n": n, **c} for (k, n), c in cells.items() if c["runs"]],
                                 f"OVERPARAM full sweep (seed {seed})")),
                     "OVERPARAM: fraction of runs at a certified spurious minimum (95% Wilson bars)")
    return log.result()


register(Claim(
    id="OVERPARAM",
    source=Source("Safran, Shamir", "Spurious Local Minima are Common in Two-Layer ReLU Neural Networks", 2018,
                  "Section 3 and Table 1", "arXiv:1712.08968"),
    statement="For x ↦ Σ_{i≤n} relu(w_iᵀx) fitted to a teacher with k orthonormal units under Gaussian inputs, "
              "gradient descent often ends in spurious local minima when n = k (k ≥ 6), less often for n = k+1, "
              "almost never for n ≥ k+2.",
    conventions=("loss: 1/2 E[(f − g)²] (population, closed form via the arc-cosine kernel); global minimum 0",
                 "one hidden layer of n units (two weight matrices, the second fixed to all ones)",
                 "initialisation w_ij ~ N(0, 1/k); gradient descent with step 4/(k + 4); stop at F < 1e-8, "
                 "|∇F| < 1e-7 or 40,000 steps"),
    instances=(
        Instance("k=n=6 witness", "a stored spurious minimum with k = n = 6, certified",
                 {"points": (("k = n = 6 witness", 6, WITNESS_K6),)}),
        Instance("k = 8", "n = k and k + 2, 200 seeded runs each (thorough: the full table, k = 6…20, "
                 "n = k, k+1, k+2, 500 runs per cell, through the Dask sweep)",
                 {"k_values": (8,), "offsets": (0, 2), "runs": 200, "batch": 50}),
    ),
    exact_check=exact_check,
    numeric_check=numeric_check,
    module=__name__,
))
