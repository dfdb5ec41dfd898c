"""Sweeps on Dask: seeding independent of workers, resume after a kill, failures recorded, each workload runs.

Most tests use a ``LocalCluster`` of *threads* (``processes=False``): what they check — task seeds
drawn from (sweep seed, task index), the Parquet store, resume — does not depend on whether a
worker is a thread or a process, and a thread cluster starts in a fraction of the time.  The
kill-and-resume test and the CLI test run real worker processes in a child process.
"""

import json
import signal
import subprocess
import sys
import time

import pytest

from symlandscape import sweep
from symlandscape.cli import main
from symlandscape.errors import InvalidArgument
from symlandscape.sweep import Workload, read_results, register_workload, run_sweep, task_seed

TIMING = {"task_seconds", "certify_seconds"}
TINY_OVERPARAM = {"k_values": [6], "offsets": [0, 2], "runs": 8, "batch": 2, "max_steps": 20_000}


def _rows(output):
    return [{k: v for k, v in row.items() if k not in TIMING} for row in read_results(output)[1]]


def _flaky_run(task, ss):
    import numpy as np

    value = int(np.random.default_rng(ss).integers(0, 1000))
    if task["fail"]:
        raise RuntimeError(f"task asked to fail (drew {value})")
    return [{"value": value}]


@pytest.fixture(autouse=True, scope="module")
def flaky_workload():
    """A test workload whose every third task raises (run in thread workers, which share this registry)."""
    register_workload(Workload(
        name="flaky", description="test workload: every third task raises",
        defaults={"tasks": 6}, tasks=lambda p: [{"fail": i % 3 == 2} for i in range(p["tasks"])],
        run=_flaky_run, columns=("value",), table=lambda rows, p: f"{len(rows)} rows"))
    yield
    del sweep.WORKLOADS["flaky"]


def test_task_seeds_depend_only_on_sweep_seed_and_index():
    words = [task_seed(5, i)[1] for i in range(20)]
    assert len(set(words)) == 20
    assert words == [task_seed(5, i)[1] for i in range(20)]
    assert words != [task_seed(6, i)[1] for i in range(20)]


def test_same_table_from_one_and_two_workers(tmp_path):
    one = run_sweep("overparam", parameters=TINY_OVERPARAM, seed=11, output=tmp_path / "one", workers=1,
                    processes=False)
    two = run_sweep("overparam", parameters=TINY_OVERPARAM, seed=11, output=tmp_path / "two", workers=2,
                    processes=False)
    assert (one.workers, two.workers) == (1, 2)
    assert one.tasks == two.tasks == 8 and one.failed == two.failed == 0
    rows = _rows(tmp_path / "one")
    assert len(rows) == 16 and rows == _rows(tmp_path / "two")
    assert one.table == two.table
    # and the rows are those of the tasks run one by one in this process
    assert rows == [{k: v for k, v in r.items() if k not in TIMING}
                    for r in sweep.plain_loop("overparam", parameters=TINY_OVERPARAM, seed=11)]


def test_failed_tasks_are_recorded_with_error_and_seed(tmp_path):
    summary = run_sweep("flaky", seed=3, output=tmp_path / "f", workers=1, processes=False)
    rows = read_results(tmp_path / "f")[1]
    assert summary.failed == 2 and len(rows) == 6
    failed = [r for r in rows if r["status"] == "error"]
    assert [r["task"] for r in failed] == [2, 5]
    for r in failed:
        assert r["error"].startswith("RuntimeError: task asked to fail")
        assert r["task_seed"] == task_seed(3, r["task"])[1] and r["seed"] == 3 and r["value"] is None
    assert all(r["value"] is not None for r in rows if r["status"] == "ok")


def test_a_killed_sweep_resumes_where_it_stopped(tmp_path):
    params = ["--param", "k_values=[6]", "--param", "offsets=[0, 1]", "--param", "runs=12",
              "--param", "batch=1"]                                 # 24 tasks of a few hundredths of a second
    out = tmp_path / "killed"
    child = subprocess.Popen([sys.executable, "-m", "symlandscape", "sweep", "overparam", "--output", str(out),
                              "--seed", "9", "--workers", "1", "--quiet", *params],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while len(list((out / "tasks").glob("*.parquet"))) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        child.send_signal(signal.SIGKILL)
        child.wait()
    finally:
        if child.poll() is None:
            child.kill()
    stored = len(list((out / "tasks").glob("*.parquet")))
    assert 3 <= stored < 24, stored                        # killed in the middle
    parameters = {"k_values": [6], "offsets": [0, 1], "runs": 12, "batch": 1}
    resumed = run_sweep("overparam", parameters=parameters, seed=9, output=out, workers=1, processes=False)
    assert resumed.resumed == stored and resumed.ran == 24 - stored
    assert not list((out / "tasks").glob("*.tmp"))           # a half-written file of the killed run is gone
    whole = run_sweep("overparam", parameters=parameters, seed=9, output=tmp_path / "whole", workers=1,
                      processes=False)
    assert whole.ran == 24
    assert _rows(out) == _rows(tmp_path / "whole")
    meta = json.loads((out / "sweep.json").read_text())
    assert meta["seed"] == 9 and len(meta["resumed"]) == 1 and "machine" in meta["provenance"]


def test_resuming_with_other_parameters_is_refused(tmp_path):
    run_sweep("flaky", seed=1, output=tmp_path / "s", workers=1, processes=False)
    with pytest.raises(InvalidArgument, match="different sweep"):
        run_sweep("flaky", seed=2, output=tmp_path / "s", workers=1, processes=False)
    with pytest.raises(InvalidArgument, match="unknown parameter"):
        run_sweep("flaky", parameters={"nope": 1}, output=tmp_path / "t", workers=1, processes=False)


def test_each_workload_runs_on_a_local_cluster(tmp_path):
    init = run_sweep("init", parameters={"means": [0.5, -3.0], "runs": 4, "steps": 50}, seed=0,
                     output=tmp_path / "init", workers=2, processes=False)
    rows = read_results(tmp_path / "init")[1]
    assert init.failed == 0 and len(rows) == 8
    # mean −3: w, b ~ N(−3, 1) on x in 1..5 puts most units below 0 on every sample, and a dead run
    # never revives (its gradient in w, b, v is 0); mean 0.5 keeps units alive
    dead = {mu: sum(r["dead"] for r in rows if r["mean"] == mu) for mu in (0.5, -3.0)}
    assert dead[-3.0] > dead[0.5]

    cls = run_sweep("classify", parameters={"instances": 4, "batch": 2}, seed=0, output=tmp_path / "classify", workers=2,
                    processes=False)
    rows = read_results(tmp_path / "classify")[1]
    assert cls.failed == 0 and len(rows) == 4 and all(r["verified"] for r in rows)
    assert "verified" in cls.table

    crit = run_sweep("critical", parameters={"architectures": [[1, 1, 1]], "instances": 2}, seed=0,
                     output=tmp_path / "critical", workers=1, processes=False)
    rows = read_results(tmp_path / "critical")[1]
    from symlandscape import critical
    if hasattr(critical, "critical_points"):
        assert crit.failed == 0 and all(r["complete"] for r in rows)
    else:   # the enumeration is not installed: each task is recorded as failed, with the reason
        assert crit.failed == 2 and all("critical_points is not available" in r["error"] for r in rows)


def test_cli_runs_a_sweep_and_rejects_bad_input(tmp_path, capsys):
    out = tmp_path / "cli"
    code = main(["sweep", "overparam", "--output", str(out), "--seed", "4", "--workers", "1", "--threads",
                 "--param", "k_values=[6]", "--param", "offsets=[0]", "--param", "runs=4", "--param", "batch=2",
                 "--table", "paper"])
    captured = capsys.readouterr()
    assert code == 0
    assert "| k | n = k |" in captured.out and "(seed 4)" in captured.out
    assert "dask dashboard: http" in captured.err and "2/2 tasks" in captured.err
    assert main(["sweep", "nope", "--output", str(tmp_path / "x")]) == 2
    assert "workload='nope'" in capsys.readouterr().err
    assert main(["sweep", "overparam", "--output", str(tmp_path / "y"), "--param", "runs"]) == 2
    assert "NAME=VALUE" in capsys.readouterr().err


def test_wilson_interval_by_hand():
    # 0 of n: the upper end is z²/(n + z²); 5 of 10: symmetric about 1/2
    z2 = 1.959963984540054 ** 2
    assert sweep.wilson_interval(0, 10)[1] == pytest.approx(z2 / (10 + z2))
    low, high = sweep.wilson_interval(5, 10)
    assert low + high == pytest.approx(1.0) and low == pytest.approx(0.2366, abs=1e-4)


def test_overparam_tables_and_the_stored_summary(tmp_path):
    from proofs_checks.overparam import store_table

    def row(k, n, outcome, status="ok"):
        return {"k": k, "n": n, "outcome": outcome, "status": status}

    rows = [row(6, 6, "spurious"), row(6, 6, "global"), row(6, 6, "uncertified"), row(6, 8, "global"),
            row(6, 8, None, status="error")]
    cells = sweep.overparam_counts(rows)
    # an uncertified run counts as a run but never as spurious; a failed task is counted apart
    assert cells[(6, 6)]["runs"] == 3 and cells[(6, 6)]["spurious"] == 1 and cells[(6, 6)]["uncertified"] == 1
    assert cells[(6, 8)]["runs"] == 1 and cells[(6, 8)]["failed_tasks"] == 1
    table = sweep.overparam_paper_table(rows)
    assert table.splitlines()[0] == "| k | n = k | n = k+2 |"
    low, high = sweep.wilson_interval(1, 3)
    assert f"33.3% (1/3; {100 * low:.1f}–{100 * high:.1f})" in table
    assert "\\%" in sweep.overparam_paper_table(rows, "latex")

    run_sweep("overparam", parameters={"k_values": [6], "offsets": [0], "runs": 4, "batch": 2}, seed=5,
              output=tmp_path / "s", workers=1, processes=False, command="test command")
    data = store_table(tmp_path / "s", tmp_path / "table.json")
    assert json.loads((tmp_path / "table.json").read_text()) == data
    assert data["provenance"]["command"] == "test command" and data["seed"] == 5 and data["tasks_stored"] == 2
    assert [(c["k"], c["n"], c["runs"]) for c in data["cells"]] == [(6, 6, 4)]


def test_an_existing_scheduler_is_used_by_address_or_environment(tmp_path, monkeypatch):
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster:
        by_option = run_sweep("flaky", seed=2, output=tmp_path / "a", scheduler=cluster.scheduler_address)
        monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", cluster.scheduler_address)
        by_environment = run_sweep("flaky", seed=2, output=tmp_path / "b")
        assert len(cluster.scheduler.workers) == 1        # the sweeps left the cluster running
    assert by_option.workers == by_environment.workers == 1
    assert _rows(tmp_path / "a") == _rows(tmp_path / "b")
