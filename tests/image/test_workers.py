"""Jobs in forked worker processes: results in order, errors carried back, workers reaped."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Generator
from functools import partial
from pathlib import Path

import pytest

from slimstage.errors import UsageError
from slimstage.image import workers
from slimstage.image.workers import WorkerFailed, in_order


def _pid_and(value: int) -> tuple[int, int]:
    return os.getpid(), value


def test_results_come_back_in_job_order_from_other_processes() -> None:
    jobs = [partial(_pid_and, n) for n in range(9)]
    results = list(in_order(jobs, 2))
    assert [value for _, value in results] == list(range(9))
    assert {pid for pid, _ in results} - {os.getpid()}  # not run here
    assert os.getpid() not in {pid for pid, _ in results}


def test_one_worker_or_one_job_runs_here() -> None:
    assert [pid for pid, _ in in_order([partial(_pid_and, 1)], 4)] == [os.getpid()]
    assert {pid for pid, _ in in_order([partial(_pid_and, n) for n in range(3)], 1)} == {
        os.getpid()
    }


def _started(log: Path, value: int, seconds: float = 0.2) -> int:
    with log.open("a") as out:
        out.write(f"{value}\n")
    time.sleep(seconds)  # long enough that the other worker has begun its job
    return value


def test_the_costliest_jobs_are_handed_out_first_and_results_still_come_in_order(
    tmp_path: Path,
) -> None:
    log = tmp_path / "started"
    # Job 1 holds its worker a second; the other worker runs the rest one after another.
    jobs = [partial(_started, log, n, 1.0 if n == 1 else 0.2) for n in range(5)]
    assert list(in_order(jobs, 2, costs=[1, 7, 2, 9, 1])) == [0, 1, 2, 3, 4]
    started = [int(line) for line in log.read_text().split()]
    assert sorted(started[:2]) == [1, 3]  # the two costliest, one per worker
    assert started[2:] == [2, 0, 4]  # then by cost, equal costs in job order


def test_without_costs_jobs_are_handed_out_in_order(tmp_path: Path) -> None:
    log = tmp_path / "started"
    assert list(in_order([partial(_started, log, n) for n in range(4)], 2)) == [0, 1, 2, 3]
    started = [int(line) for line in log.read_text().split()]
    assert sorted(started[:2]) == [0, 1]
    assert sorted(started[2:]) == [2, 3]


def _big(size: int) -> bytes:
    return bytes(range(256)) * (size // 256)


def test_large_results_arrive_whole() -> None:
    jobs = [partial(_big, 3 << 20), partial(_big, 256), partial(_big, 5 << 20)]
    assert [len(r) for r in in_order(jobs, 2)] == [3 << 20, 256, 5 << 20]


def _fails(kind: str) -> int:
    if kind == "usage":
        raise UsageError("layer x: truncated")
    if kind == "bug":
        raise ValueError("a bug")
    if kind == "dies":
        os._exit(9)
    return 1


@pytest.mark.parametrize(
    ("kind", "error", "message"),
    [
        ("usage", UsageError, "layer x: truncated"),
        ("bug", WorkerFailed, "ValueError: a bug"),
        ("dies", WorkerFailed, "ended without a result"),
    ],
)
def test_errors_in_a_worker_reach_the_caller(
    kind: str, error: type[Exception], message: str
) -> None:
    jobs: list[Callable[[], int]] = [partial(_fails, "ok"), partial(_fails, kind)]
    with pytest.raises(error, match=message):
        list(in_order(jobs, 2))
    _no_children_left()


def test_stopping_early_leaves_no_worker_behind() -> None:
    results = in_order([partial(_pid_and, n) for n in range(6)], 2)
    assert next(results)[1] == 0
    assert isinstance(results, Generator)
    results.close()
    _no_children_left()


def _no_children_left() -> None:
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_processes_counts_the_cpus_this_process_may_use() -> None:
    assert workers.processes() == len(os.sched_getaffinity(0))


_LEFT_OPEN = """
import sys, time
from slimstage.image import workers

def job(i):
    return lambda: (time.sleep(0.05), i)[1]

results = workers.in_order([job(i) for i in range(6)], 2)
assert next(results) == 0
sys.exit(5)
"""


def test_a_pool_left_open_at_exit_is_closed_before_the_interpreter_ends() -> None:
    """A caller that stops iterating and exits: the process ends with its own exit code and
    says nothing (closing the pool during finalization used to abort it, exit 134)."""
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, "-c", _LEFT_OPEN], capture_output=True, text=True, timeout=60
        )
        assert (done.returncode, done.stderr) == (5, "")
