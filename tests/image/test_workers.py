"""Jobs in forked worker processes: results in order, errors carried back, workers reaped."""

from __future__ import annotations

import os
from collections.abc import Callable, Generator
from functools import partial

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
