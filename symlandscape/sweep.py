"""Sweeps: many seeded tasks of a named workload on Dask distributed, results stored in Parquet as they finish.

A *workload* (:class:`Workload`, registered in :data:`WORKLOADS`) turns its parameters into a list
of tasks and runs one task into result rows.  :func:`run_sweep` sends the tasks to a Dask cluster —
a ``LocalCluster`` over the local cores by default, or an existing scheduler (``scheduler=`` or
``DASK_SCHEDULER_ADDRESS``) — the same code from a laptop to many machines.

* Task ``i`` of a sweep with seed ``s`` draws its randomness from
  ``numpy.random.SeedSequence(s, spawn_key=(i,))`` only: the table does not depend on the number
  of workers or on the order in which tasks finish.
* Every finished task is written at once to ``OUTPUT/tasks/task-<i>.parquet`` (written to a
  temporary name, then renamed: a killed sweep leaves whole files only).  Running the same sweep
  again skips the tasks already stored: an interrupted sweep resumes where it stopped.
* A task that raises is stored as a row with ``status = "error"``, the error and its seed; it is
  never dropped, and counted apart in every table.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from .errors import InvalidArgument

__all__ = [
    "Workload",
    "WORKLOADS",
    "register_workload",
    "get_workload",
    "task_seed",
    "run_task",
    "run_sweep",
    "read_results",
    "export_results",
    "plain_loop",
    "SweepSummary",
    "wilson_interval",
    "overparam_counts",
    "overparam_paper_table",
    "COMMAND_HELP",
    "add_arguments",
    "run_command",
]

COMMAND_HELP = "run a named workload (overparam, classify, critical, init) as a seeded, resumable Dask sweep"

#: Columns every stored row has, whatever the workload.
TASK_COLUMNS = ("task", "seed", "task_seed", "status", "error", "task_seconds")


@dataclass(frozen=True)
class Workload:
    """A named workload: default parameters, the task list, one task's rows, and its table."""

    name: str
    description: str
    defaults: dict
    tasks: Callable            # parameters -> list of task dicts (JSON-ready)
    run: Callable              # (task dict, numpy SeedSequence) -> list of row dicts
    columns: tuple             # the workload's own columns, in order
    table: Callable            # (list of row dicts, parameters) -> Markdown text
    imports: tuple = ()        # modules a worker imports before the first task (part of start-up)


#: The registered workloads, by name.
WORKLOADS: dict = {}


def register_workload(workload):
    """Add ``workload`` to :data:`WORKLOADS` (a name is registered once)."""
    if workload.name in WORKLOADS:
        raise InvalidArgument(f"workload {workload.name!r} is already registered")
    WORKLOADS[workload.name] = workload
    return workload


def get_workload(name):
    """The workload called ``name``.

    >>> get_workload("overparam").name
    'overparam'
    >>> get_workload("nope")
    Traceback (most recent call last):
    ...
    symlandscape.errors.InvalidArgument: workload='nope' is not one of classify, critical, init, overparam
    """
    if name not in WORKLOADS:
        raise InvalidArgument(f"workload={name!r} is not one of {', '.join(sorted(WORKLOADS))}")
    return WORKLOADS[name]


def task_seed(seed, index):
    """The ``SeedSequence`` of task ``index`` in a sweep seeded with ``seed``, and its first 32-bit word.

    >>> ss, word = task_seed(0, 3); ss.spawn_key, word == task_seed(0, 3)[1] != task_seed(0, 4)[1]
    ((3,), True)
    """
    import numpy as np

    ss = np.random.SeedSequence(int(seed), spawn_key=(int(index),))
    return ss, int(ss.generate_state(1)[0])


def _warm_up(workload_name, task=None, seed=0, index=0):
    """Import what the workload's tasks import and run one task, on a worker, before the clock starts.

    The task's result is discarded: a fresh worker process runs its first tasks 10-25 % slower
    (first calls, memory the allocator has not yet grown into), a cost of starting the cluster,
    not of each task.
    """
    import importlib

    for module in get_workload(workload_name).imports:
        importlib.import_module(module)
    if task is not None:
        run_task(workload_name, task, seed, index)
    return True


def run_task(workload_name, task, seed, index):
    """Run task ``index`` of a sweep (on a worker); never raises: an error becomes a stored row."""
    start = time.perf_counter()
    ss, word = task_seed(seed, index)
    base = {"task": index, "seed": int(seed), "task_seed": word}
    try:
        rows = get_workload(workload_name).run(dict(task), ss)
        status, error = "ok", ""
    except Exception as exc:  # a failure is data: recorded with its seed, never dropped
        # the task's own parameters (k, n, widths...) stay with the error, so tables can place it
        rows, status, error = [dict(task)], "error", f"{type(exc).__name__}: {exc}"[:500]
    seconds = round(time.perf_counter() - start, 4)
    return [{**base, "status": status, "error": error, "task_seconds": seconds, **row} for row in rows or [{}]]


# ---------------------------------------------------------------------------------------
# the store


def _provenance(command):
    import importlib.metadata as md

    versions = {}
    for name in ("symlandscape", "numpy", "python-flint", "dask", "distributed", "pyarrow", "sympy"):
        try:
            versions[name] = md.version(name)
        except md.PackageNotFoundError:
            versions[name] = None
    return {"command": command, "date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "machine": f"{platform.node()} ({platform.machine()}, {os.cpu_count()} cores, {platform.system()})",
            "python": platform.python_version(), "versions": versions}


def _open_store(output, workload, parameters, seed, n_tasks, command):
    """Create or reopen ``output``; a resumed sweep must have the same workload, parameters and seed."""
    out = Path(output)
    (out / "tasks").mkdir(parents=True, exist_ok=True)
    meta_path = out / "sweep.json"
    identity = {"workload": workload, "parameters": parameters, "seed": int(seed), "tasks": n_tasks}
    if meta_path.exists():
        old = json.loads(meta_path.read_text())
        if {key: old.get(key) for key in identity} != json.loads(json.dumps(identity)):
            raise InvalidArgument(f"output={str(out)!r} holds a different sweep ({old.get('workload')}, seed "
                                  f"{old.get('seed')}); choose another directory to start a new one")
        old.setdefault("resumed", []).append(_provenance(command))
        meta = old
    else:
        meta = {**identity, "provenance": _provenance(command)}
    tmp = meta_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(meta, indent=1))
    os.replace(tmp, meta_path)
    for stale in (out / "tasks").glob("task-*.tmp"):   # a write cut short by a kill
        stale.unlink()
    done = {int(p.stem.split("-")[1]) for p in (out / "tasks").glob("task-*.parquet")}
    return out, done


def _write_task(out, index, rows, columns):
    import pyarrow as pa
    import pyarrow.parquet as pq

    names = list(TASK_COLUMNS) + [c for c in columns if c not in TASK_COLUMNS]
    table = pa.Table.from_pylist([{name: row.get(name) for name in names} for row in rows])
    path = out / "tasks" / f"task-{index:06d}.parquet"
    tmp = path.with_suffix(".tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def read_results(output):
    """All stored rows of the sweep in ``output``, ordered by task: ``(metadata dict, list of row dicts)``."""
    _require_engines()
    import pyarrow.parquet as pq

    out = Path(output)
    if not (out / "sweep.json").exists():
        raise InvalidArgument(f"output={str(output)!r} holds no sweep (no sweep.json)")
    meta = json.loads((out / "sweep.json").read_text())
    rows = []
    for path in sorted((out / "tasks").glob("task-*.parquet")):
        rows.extend(pq.read_table(path).to_pylist())
    return meta, rows


def export_results(output, path):
    """Write the sweep in ``output`` — its metadata with provenance, and every row — to one JSON file."""
    meta, rows = read_results(output)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps({**meta, "rows": rows}, indent=None, default=str) + "\n")
    return Path(path)


# ---------------------------------------------------------------------------------------
# the runner


@dataclass
class SweepSummary:
    """What :func:`run_sweep` did: tasks in total, run now, already stored, failed; the wall time of the
    tasks (``seconds``, from the moment the workers are up) and of the cluster's start (``startup``)."""

    output: str
    workload: str
    seed: int
    tasks: int
    ran: int
    resumed: int
    failed: int
    seconds: float
    workers: int
    startup: float
    dashboard: str = ""
    table: str = field(default="", repr=False)


def _require_engines():
    """Dask distributed and pyarrow, or a one-line error saying how to install them."""
    try:
        import distributed  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError as exc:
        raise InvalidArgument(f"symlandscape sweep needs Dask distributed and pyarrow ({exc.name} is missing); "
                              "install them with: pip install 'dask[distributed]' pyarrow") from None


#: Dask settings of the LocalCluster the sweep starts (an existing cluster keeps its own).  A
#: worker's event loop shares the GIL with the task's thread: its statistical profiler (every
#: 10 ms), system and memory monitors and tick (every 20 ms) cost the task's thread about
#: 12 % of its time on tasks of 0.1 s (``benchmarks/bench_sweep.py overhead``); without the
#: profiler and with these intervals the overhead measured 8 %.  The dashboard then shows no
#: profile, and memory limits are enforced every 5 s.
LOCAL_CLUSTER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "5s",
    "distributed.admin.tick.interval": "1s",
}


def _client(scheduler, workers, processes):
    import logging

    from dask.distributed import Client, LocalCluster

    address = scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS")
    if address:
        return Client(address), None
    import dask

    # one thread per worker: the tasks are numpy/flint programs that hold the GIL between calls;
    # the workers' own housekeeping is thinned out (LOCAL_CLUSTER_CONFIG)
    with dask.config.set(LOCAL_CLUSTER_CONFIG):
        cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=processes,
                               dashboard_address=":0", silence_logs=logging.ERROR)
    return Client(cluster), cluster


def _progress_line(done, pending, stored, total, elapsed):
    """``[####....] 212/450 tasks, 0.31 tasks/s, ETA 770 s``: rate and time left from the tasks run now."""
    rate = done / elapsed if elapsed > 0 else 0.0
    eta = f"{(pending - done) / rate:.0f} s" if rate > 0 else "?"
    width = 30
    filled = int(width * (stored + done) / total) if total else width
    return (f"\r[{'#' * filled}{'.' * (width - filled)}] {stored + done}/{total} tasks, {rate:.2f} tasks/s, "
            f"ETA {eta}  ")


def run_sweep(workload, *, parameters=None, seed=0, output, scheduler=None, workers=None, processes=True,
              progress=None, max_tasks=None, command=""):
    """Run (or resume) the sweep of ``workload`` into ``output``; returns a :class:`SweepSummary`.

    ``parameters`` override the workload's defaults.  ``workers`` and ``processes`` shape the
    default ``LocalCluster`` (``processes=False`` runs the workers as threads of this process);
    ``scheduler`` (or ``DASK_SCHEDULER_ADDRESS``) uses an existing cluster instead.  ``progress``
    is a text stream for the progress bar and the dashboard address.  ``max_tasks`` stops after
    that many new tasks (a partial sweep, resumable like an interrupted one).
    """
    _require_engines()
    from dask.distributed import as_completed

    wl = get_workload(workload)
    unknown = set(parameters or {}) - set(wl.defaults)
    if unknown:
        raise InvalidArgument(f"unknown parameter(s) {', '.join(sorted(unknown))} for workload {workload}; "
                              f"known: {', '.join(sorted(wl.defaults))}")
    params = {**wl.defaults, **(parameters or {})}
    params = json.loads(json.dumps(params))
    tasks = wl.tasks(params)
    out, done = _open_store(output, workload, params, seed, len(tasks), command)
    pending = [i for i in range(len(tasks)) if i not in done]
    if max_tasks is not None:
        pending = pending[:max_tasks]
    begin = time.perf_counter()
    failed = 0
    if not pending:
        if progress is not None:
            progress.write(f"all {len(tasks)} tasks are already stored in {out}\n")
        meta, rows = read_results(out)
        return SweepSummary(str(out), workload, int(seed), len(tasks), 0, len(done), 0, 0.0, 0, 0.0, "",
                            wl.table(rows, params))
    client, cluster = _client(scheduler, workers, processes)
    try:
        if cluster is not None:
            client.wait_for_workers(len(cluster.workers))
        n_workers = len(client.scheduler_info(n_workers=-1)["workers"])
        client.run(_warm_up, workload, tasks[pending[0]], seed, pending[0])
        start = time.perf_counter()     # the cluster is up and warm: from here on, the sweep itself
        dashboard = client.dashboard_link or ""
        if progress is not None:
            progress.write(f"dask dashboard: {dashboard} ({n_workers} workers); {len(done)} of {len(tasks)} "
                           f"tasks already stored in {out}\n")
        futures = client.map(run_task, [workload] * len(pending), [tasks[i] for i in pending],
                             [seed] * len(pending), pending, pure=False)
        index_of = {f.key: i for f, i in zip(futures, pending)}
        for count, future in enumerate(as_completed(futures), 1):
            index = index_of[future.key]
            try:
                rows = future.result()
            except Exception as exc:  # the worker died, or the task could not be sent: still a row
                _, word = task_seed(seed, index)
                rows = [{**tasks[index], "task": index, "seed": int(seed), "task_seed": word, "status": "error",
                         "error": f"{type(exc).__name__}: {exc}"[:500], "task_seconds": None}]
            failed += any(r["status"] == "error" for r in rows)
            _write_task(out, index, rows, wl.columns)
            future.release()
            if progress is not None:
                progress.write(_progress_line(count, len(pending), len(done), len(tasks), time.perf_counter() - start))
                progress.flush()
        seconds = time.perf_counter() - start
        if progress is not None:
            progress.write("\n")
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    meta, rows = read_results(out)
    return SweepSummary(str(out), workload, int(seed), len(tasks), len(pending), len(done), failed, seconds,
                        n_workers, start - begin, dashboard, wl.table(rows, params))


def plain_loop(workload, *, parameters=None, seed=0, max_tasks=None):
    """The same tasks in a plain Python loop, in this process (the baseline of the overhead benchmark)."""
    wl = get_workload(workload)
    params = json.loads(json.dumps({**wl.defaults, **(parameters or {})}))
    tasks = wl.tasks(params)[:max_tasks]
    return [row for i, task in enumerate(tasks) for row in run_task(workload, task, seed, i)]


# ---------------------------------------------------------------------------------------
# tables


def wilson_interval(successes, trials):
    """The 95 % Wilson score interval of a binomial proportion (floats; :func:`symlandscape.plot.binomial_interval`).

    >>> [round(x, 4) for x in wilson_interval(0, 10)]
    [0.0, 0.2775]
    """
    from .plot import binomial_interval

    return binomial_interval(successes, trials)


def _markdown(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---:" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# workload: overparam (Safran & Shamir 2018, Table 1)

OVERPARAM_OUTCOMES = ("global", "spurious", "uncertified", "unsettled", "diverged")


def _overparam_tasks(p):
    batch = int(p["batch"])
    if batch < 1 or int(p["runs"]) < 1:
        raise InvalidArgument(f"runs={p['runs']} and batch={batch} must be positive")
    tasks = []
    for k in p["k_values"]:
        for offset in p["offsets"]:
            for first in range(0, int(p["runs"]), batch):
                tasks.append({"k": int(k), "n": int(k) + int(offset), "first_run": first,
                              "runs": min(batch, int(p["runs"]) - first), "max_steps": int(p["max_steps"])})
    return tasks


def _overparam_run(task, ss):
    from .teacher_student import run_batch

    rows = run_batch(task["k"], task["n"], task["runs"], ss, max_steps=task["max_steps"])
    for row in rows:
        row["run"] += task["first_run"]
    return rows


def overparam_counts(rows):
    """Per (k, n): runs and the count of each outcome; failed tasks counted apart."""
    cells = {}
    for row in rows:
        if row["status"] != "ok":
            cell = cells.setdefault((row.get("k"), row.get("n")),
                                    dict.fromkeys((*OVERPARAM_OUTCOMES, "failed_tasks"), 0))
            cell["failed_tasks"] += 1
            continue
        cell = cells.setdefault((row["k"], row["n"]), dict.fromkeys((*OVERPARAM_OUTCOMES, "failed_tasks"), 0))
        cell[row["outcome"]] += 1
    for cell in cells.values():
        cell["runs"] = sum(cell[o] for o in OVERPARAM_OUTCOMES)
    return dict(sorted(cells.items(), key=lambda kv: (kv[0][0] is None, kv[0])))


def _overparam_table(rows, params):
    cells = overparam_counts(rows)
    header = ["k", "n", "runs", "certified spurious", "% [95% CI]", "global", "uncertified", "unsettled",
              "diverged", "failed tasks"]
    body = []
    for (k, n), c in cells.items():
        low, high = wilson_interval(c["spurious"], c["runs"])
        share = f"{100 * c['spurious'] / c['runs']:.1f} [{100 * low:.1f}, {100 * high:.1f}]" if c["runs"] else "–"
        body.append([k, n, c["runs"], c["spurious"], share, c["global"], c["uncertified"], c["unsettled"],
                     c["diverged"], c["failed_tasks"]])
    return _markdown(header, body)


def overparam_paper_table(rows, fmt="markdown"):
    """Table 1 style: one row per k, one column per n − k, ``% spurious (count/runs)``."""
    cells = overparam_counts(rows)
    ks = sorted({k for k, _ in cells if k is not None})
    offsets = sorted({n - k for k, n in cells if k is not None})
    body = []
    for k in ks:
        line = [k]
        for o in offsets:
            c = cells.get((k, k + o))
            if not c or not c["runs"]:
                line.append("–")
                continue
            low, high = wilson_interval(c["spurious"], c["runs"])
            line.append(f"{100 * c['spurious'] / c['runs']:.1f}% ({c['spurious']}/{c['runs']}; "
                        f"{100 * low:.1f}–{100 * high:.1f})")
        body.append(line)
    header = ["k"] + ["n = k" + (f"+{o}" if o else "") for o in offsets]
    if fmt == "latex":
        lines = [r"\begin{tabular}{r" + "l" * len(offsets) + "}", " & ".join(header) + r" \\ \hline"]
        lines += [" & ".join(str(c).replace("%", r"\%") for c in row) + r" \\" for row in body]
        return "\n".join(lines + [r"\end{tabular}"])
    return _markdown(header, body)


register_workload(Workload(
    name="overparam",
    description="teacher–student ReLU networks under Gaussian inputs (Safran & Shamir 2018): seeded gradient "
                "descent on the closed-form population loss; end points away from 0 certified as spurious minima",
    defaults={"k_values": list(range(6, 21)), "offsets": [0, 1, 2], "runs": 500, "batch": 50,
              "max_steps": 40_000},
    tasks=_overparam_tasks,
    run=_overparam_run,
    columns=("k", "n", "run", "steps", "loss", "gradient_norm", "outcome", "reason", "loss_lower_bound",
             "certify_seconds"),
    table=_overparam_table,
    imports=("symlandscape.teacher_student",),
))


# ---------------------------------------------------------------------------------------
# workload: classify (classify + verify over random deep linear instances and points)


def _random_rational(rng, bound, denominator):
    from fractions import Fraction

    return Fraction(int(rng.integers(-bound * denominator, bound * denominator + 1)), denominator)


def _classify_tasks(p):
    count, batch = int(p["instances"]), int(p["batch"])
    if count < 1 or batch < 1:
        raise InvalidArgument(f"instances={count} and batch={batch} must be positive")
    return [{"first": first, "count": min(batch, count - first), "max_width": int(p["max_width"]),
             "max_hidden_layers": int(p["max_hidden_layers"])} for first in range(0, count, batch)]


def _classify_run(task, ss):
    import numpy as np
    import sympy

    from .classify import classify
    from .deep_linear import deep_linear
    from .verify import verify

    rng = np.random.default_rng(ss)
    rows = []
    for j in range(task["count"]):
        layers = int(rng.integers(1, task["max_hidden_layers"] + 1))
        hidden = [int(rng.integers(1, task["max_width"] + 1)) for _ in range(layers)]
        dx, dy = int(rng.integers(1, 3)), int(rng.integers(1, 3))
        X = sympy.Matrix(dx, 1, [_random_rational(rng, 2, 2) for _ in range(dx)])
        Y = sympy.Matrix(dy, 1, [_random_rational(rng, 2, 2) for _ in range(dy)])
        landscape = deep_linear(X, Y, hidden=hidden)
        # half the points are 0 (critical, usually degenerate), half are random rational points
        point = [_random_rational(rng, 2, 2) for _ in landscape.variables]
        if rng.random() < 0.5:
            point = [0] * len(point)
        verdict = classify(landscape, point, seed=int(rng.integers(0, 2**31)))
        rows.append({"instance": task["first"] + j, "widths": "-".join(map(str, [dx, *hidden, dy])),
                     "parameters": len(point), "kind": verdict.kind,
                     "verified": bool(verify(verdict.certificate, landscape))})
    return rows


def _classify_table(rows, params):
    counts = {}
    failed = 0
    for row in rows:
        if row["status"] != "ok":
            failed += 1
            continue
        key = (row["kind"], row["verified"])
        counts[key] = counts.get(key, 0) + 1
    body = [[kind, "yes" if ok else "NO", n] for (kind, ok), n in sorted(counts.items())]
    body.append(["failed tasks", "", failed])
    return _markdown(["verdict", "verified", "instances"], body)


register_workload(Workload(
    name="classify",
    description="classify + verify at random points of random deep linear instances (one sample, widths <= 2)",
    defaults={"instances": 200, "batch": 20, "max_width": 2, "max_hidden_layers": 2},
    tasks=_classify_tasks,
    run=_classify_run,
    columns=("instance", "widths", "parameters", "kind", "verified"),
    table=_classify_table,
    imports=("symlandscape.classify", "symlandscape.verify", "symlandscape.deep_linear"),
))


# ---------------------------------------------------------------------------------------
# workload: critical (complete critical sets of random regularised deep linear instances)


def _critical_tasks(p):
    tasks = []
    for arch in p["architectures"]:
        for _ in range(int(p["instances"])):
            tasks.append({"widths": [int(w) for w in arch]})
    return tasks


def _critical_run(task, ss):
    import numpy as np
    import sympy

    from . import critical
    from .deep_linear import deep_linear

    if not hasattr(critical, "critical_points"):
        raise InvalidArgument("symlandscape.critical.critical_points is not available in this installation")
    rng = np.random.default_rng(ss)
    widths = task["widths"]
    # one data point with nonzero integer entries in [-2, 2]; the entrywise penalty Σ λ_v v²/2 with
    # λ_v drawn from {1/10, ..., 9/10}: a single λ leaves the O(d) symmetry of a hidden layer of
    # width d >= 2, and with it a positive-dimensional critical set
    X = sympy.Matrix(widths[0], 1, [int(rng.choice([-2, -1, 1, 2])) for _ in range(widths[0])])
    Y = sympy.Matrix(widths[-1], 1, [int(rng.choice([-2, -1, 1, 2])) for _ in range(widths[-1])])
    base = deep_linear(X, Y, hidden=list(widths[1:-1]))
    lam = {str(v): sympy.Rational(int(rng.integers(1, 10)), 10) for v in base.variables}
    landscape = critical.weight_decay(base, lam)
    result = critical.critical_points(landscape, seed=int(rng.integers(0, 2**31))).to_dict()
    summary = result.get("summary") or {}
    return [{"widths": "-".join(map(str, widths)), "lam": ",".join(str(q) for q in lam.values()),
             "x": str(list(X)), "y": str(list(Y)),
             "dimension": result["dimension"], "complete": bool(result["complete"]),
             "complex_count": result["complex_count"], "real_count": result["real_count"],
             "local_minima": summary.get("local_minima"),
             # spurious = a local minimum above the global minimum value; only where that value is
             # established (complete list of a coercive loss), else unknown
             "spurious_local_minima": summary.get("spurious_local_minima")
             if summary.get("global_minimum") is not None else None,
             "method": result.get("method", "")}]


def _critical_table(rows, params):
    groups = {}
    failed = {}
    for row in rows:
        if row["status"] != "ok":
            failed[row.get("widths") or "?"] = failed.get(row.get("widths") or "?", 0) + 1
            continue
        groups.setdefault(row["widths"], []).append(row)

    def spread(values):
        # the distribution over the instances: "value (how many instances)", unknown values as "?"
        counts = {}
        for v in values:
            counts[v] = counts.get(v, 0) + 1
        return ", ".join(f"{'?' if v is None else v} ({n})"
                         for v, n in sorted(counts.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)))

    body = []
    for widths, group in sorted(groups.items()):
        complete = [r for r in group if r["complete"]]
        # only instances whose global minimum value is established say whether a minimum is spurious
        known = [r for r in group if r["spurious_local_minima"] is not None]
        with_spurious = sum(1 for r in known if r["spurious_local_minima"] > 0)
        body.append([widths, len(group), len(complete), spread([r["complex_count"] for r in group]),
                     spread([r["real_count"] for r in group]), spread([r["local_minima"] for r in group]),
                     f"{with_spurious}/{len(known)}", failed.get(widths, 0)])
    for widths, n in failed.items():
        if widths not in groups:
            body.append([widths, 0, 0, "–", "–", "–", "–", n])
    return _markdown(["widths", "instances", "complete", "complex critical points", "real critical points",
                      "local minima", "with a spurious minimum (of those with a known global minimum)",
                      "failed tasks"], body)


register_workload(Workload(
    name="critical",
    description="complete critical-point enumeration over random regularised deep linear instances "
                "(one data point, widths <= 3)",
    defaults={"architectures": [[1, 1, 1], [1, 1, 1, 1], [1, 2, 1], [2, 1, 2], [2, 2, 2]], "instances": 20},
    tasks=_critical_tasks,
    run=_critical_run,
    columns=("widths", "lam", "x", "y", "dimension", "complete", "complex_count", "real_count", "local_minima",
             "spurious_local_minima", "method"),
    table=_critical_table,
    imports=("symlandscape.critical", "symlandscape.deep_linear"),
))


# ---------------------------------------------------------------------------------------
# workload: init (the INIT experiment: initial means and dead ReLU runs)


def _init_tasks(p):
    return [{"mean": float(mu), "runs": int(p["runs"]), "steps": int(p["steps"])}
            for mu in p["means"] for _ in range(int(p["batches"]))]


def _init_run(task, ss):
    from fractions import Fraction

    from proofs_checks.init import exact_run, dead_run_experiment
    from .claims import get_claim

    instance = get_claim("INIT").instances[0]
    x = tuple(float(Fraction(v)) for v in instance["x"])
    y = tuple(float(Fraction(v)) for v in instance["y"])
    seed = int(ss.generate_state(1)[0])
    W, B, V, C = dead_run_experiment(x, y, instance["width"], (task["mean"],), task["runs"], task["steps"],
                                     instance["learning_rate"], seed)[task["mean"]]
    xq = tuple(Fraction(v) for v in instance["x"])
    yq = tuple(Fraction(v) for v in instance["y"])
    rows = []
    for r in range(task["runs"]):
        finite, dead, loss = exact_run(xq, yq, W[r], B[r], V[r], C[r])
        rows.append({"mean": task["mean"], "run": r, "finite": finite, "dead": dead,
                     "loss": None if loss is None else float(loss)})
    return rows


def _init_table(rows, params):
    groups = {}
    for row in rows:
        if row["status"] != "ok":
            continue
        g = groups.setdefault(row["mean"], [0, 0, 0])
        g[0] += 1
        g[1] += bool(row["dead"])
        g[2] += not row["finite"]
    failed = sum(1 for r in rows if r["status"] != "ok")
    body = []
    for mu, (runs, dead, diverged) in sorted(groups.items()):
        low, high = wilson_interval(dead, runs)
        body.append([mu, runs, dead, f"{100 * dead / runs:.1f} [{100 * low:.1f}, {100 * high:.1f}]", diverged])
    body.append(["failed tasks", failed, "", "", ""])
    return _markdown(["initial mean", "runs", "dead (exact)", "% [95% CI]", "diverged"], body)


register_workload(Workload(
    name="init",
    description="the INIT experiment: gradient descent from very negative initial means ends in the ReLU "
                "blind spot (dead runs, checked exactly)",
    defaults={"means": [0.0, -1.0, -2.0, -3.0], "runs": 100, "batches": 1, "steps": 500},
    tasks=_init_tasks,
    run=_init_run,
    columns=("mean", "run", "finite", "dead", "loss"),
    table=_init_table,
    imports=("proofs_checks.init", "symlandscape.claims"),
))


# ---------------------------------------------------------------------------------------
# the command


def _parameter(text):
    if "=" not in text:
        raise InvalidArgument(f"--param {text[:40]!r}: expected NAME=VALUE with VALUE in JSON, e.g. runs=100")
    name, value = text.split("=", 1)
    try:
        return name.strip(), json.loads(value)
    except json.JSONDecodeError:
        raise InvalidArgument(f"--param {name.strip()[:40]}: the value {value[:40]!r} is not JSON "
                              "(numbers, lists such as [6,7,8], quoted strings)") from None


def add_arguments(parser, options):
    """Options of ``symlandscape sweep``."""
    parser.add_argument("workload", help="one of: " + ", ".join(sorted(WORKLOADS)))
    parser.add_argument("--output", required=True, metavar="DIR", help="the Parquet store (resumed if it exists)")
    parser.add_argument("--seed", type=int, default=0, help="sweep seed; task i uses SeedSequence(seed, (i,))")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=JSON",
                        help="override a workload parameter, e.g. --param runs=100 --param 'k_values=[6,8]'")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="an existing Dask scheduler (default: $DASK_SCHEDULER_ADDRESS, else a LocalCluster)")
    parser.add_argument("--workers", type=int, default=None, help="LocalCluster workers (default: the cores)")
    parser.add_argument("--threads", action="store_true", help="LocalCluster workers as threads of this process")
    parser.add_argument("--max-tasks", type=int, default=None, help="stop after this many new tasks (resumable)")
    parser.add_argument("--table", choices=("summary", "paper", "latex"), default="summary",
                        help="overparam: 'paper' and 'latex' give Table 1's layout")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def run_command(args):
    """``symlandscape sweep WORKLOAD --output DIR ...``: run or resume, print the table."""
    get_workload(args.workload)
    if args.workers is not None and args.workers < 1:
        raise InvalidArgument(f"--workers {args.workers}: must be at least 1")
    parameters = dict(_parameter(p) for p in args.param)
    command = " ".join(["symlandscape sweep", args.workload, "--output", str(args.output), "--seed", str(args.seed),
                        *(f"--param '{p}'" for p in args.param),
                        *(["--scheduler", args.scheduler] if args.scheduler else []),
                        *(["--workers", str(args.workers)] if args.workers else []),
                        *(["--threads"] if args.threads else [])])
    summary = run_sweep(args.workload, parameters=parameters, seed=args.seed, output=args.output,
                        scheduler=args.scheduler, workers=args.workers, processes=not args.threads,
                        progress=None if args.quiet else sys.stderr, max_tasks=args.max_tasks, command=command)
    table = summary.table
    if args.workload == "overparam" and args.table != "summary":
        table = overparam_paper_table(read_results(args.output)[1], "latex" if args.table == "latex" else "markdown")
    head = (f"sweep {summary.workload} (seed {summary.seed}) in {summary.output}: {summary.tasks} tasks, "
            f"{summary.ran} run now on {summary.workers} workers in {summary.seconds:.1f} s (cluster start "
            f"{summary.startup:.1f} s), {summary.resumed} "
            f"already stored, {summary.failed} failed now")
    return head + "\n\n" + table, 0
