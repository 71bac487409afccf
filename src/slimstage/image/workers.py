"""Run jobs in forked worker processes and hand their results back in job order.

Reading layers is Python work (tar headers) or hashing, and a machine has more than one core:
each worker reads whole layers, the parent meanwhile stacks the ones already read. Workers are
forked (they inherit the jobs; nothing but results is pickled), are given one job at a time as
they finish the last (a large layer does not hold up the rest), the costliest first when the
caller knows the costs (a large job left for last would run alone at the end), and are killed
and reaped however the caller stops. A SlimstageError in a worker is raised again in the
parent with its message; anything else is a bug and says so.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import signal
import threading
import traceback
import weakref
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from slimstage import errors

T = TypeVar("T")
_BUFFER = 1 << 20


class WorkerFailed(Exception):
    """A worker hit something that is not a user-facing error: a bug."""


class _Failed(errors.SlimstageError):
    """A user-facing error other than bad input, raised again from a worker."""


def processes() -> int:
    """How many workers this machine's CPUs allow."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _serve(jobs: Sequence[Callable[[], Any]], job_fd: int, result_fd: int) -> None:
    """A worker's life: take a job index, run it, send back what came of it. The result is
    pickled straight into the pipe: no copy of it is held as bytes on either side."""
    with os.fdopen(job_fd, "rb", buffering=0) as orders, os.fdopen(result_fd, "wb", _BUFFER) as out:
        while len(raw := orders.read(4)) == 4:
            index = int.from_bytes(raw, "little")
            try:
                outcome: tuple[str, Any] = ("ok", jobs[index]())
            except errors.SlimstageError as exc:
                outcome = ("error", (type(exc).__name__, str(exc), exc.exit_code))
            except Exception:
                outcome = ("bug", traceback.format_exc())
            out.write(raw)
            pickle.dump(outcome, out, protocol=pickle.HIGHEST_PROTOCOL)
            out.flush()
            del outcome


class _Worker:
    def __init__(self, jobs: Sequence[Callable[[], Any]]) -> None:
        job_read, self.job_fd = os.pipe()
        result_fd, result_write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the worker: it never returns from here
            code = 0
            try:
                os.close(self.job_fd)
                os.close(result_fd)
                _serve(jobs, job_read, result_write)
            except BaseException:
                code = 1
            os._exit(code)
        os.close(job_read)
        os.close(result_write)
        self.results = os.fdopen(result_fd, "rb", _BUFFER)

    def give(self, index: int) -> None:
        os.write(self.job_fd, index.to_bytes(4, "little"))

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)

    def close(self) -> None:
        os.close(self.job_fd)
        self.results.close()


class _Pool:
    """The parent's side: a thread per worker takes its results as they come (unpickling them)
    and hands it its next job."""

    def __init__(self, jobs: Sequence[Callable[[], Any]], count: int, order: list[int]) -> None:
        self.closed = False
        self.count = len(jobs)
        self.order = order  # job indices in the order they are handed out
        self.workers = [_Worker(jobs) for _ in range(count)]
        self.results: dict[int, tuple[str, Any]] = {}
        self.lost: str | None = None
        self.ready = threading.Condition()
        self.next_job = 0
        for worker in self.workers:
            self._give(worker)
        self.threads = [
            threading.Thread(target=self._collect, args=(worker,), daemon=True)
            for worker in self.workers
        ]
        for thread in self.threads:
            thread.start()
        _OPEN.add(self)

    def _give(self, worker: _Worker) -> None:
        with self.ready:
            index = self.next_job
            self.next_job += 1
        if index < self.count:
            # A worker killed meanwhile (closing, or it died) takes no job: its reading thread
            # sees its results end, which is how a lost worker is told.
            with contextlib.suppress(BrokenPipeError):
                worker.give(self.order[index])

    def _collect(self, worker: _Worker) -> None:
        while True:
            raw = worker.results.read(4)
            try:
                if len(raw) < 4:
                    raise EOFError
                outcome = pickle.load(worker.results)
            except (EOFError, pickle.UnpicklingError, OSError, ValueError):
                with self.ready:
                    if self.lost is None:
                        self.lost = f"worker process {worker.pid} ended without a result"
                    self.ready.notify_all()
                return
            self._give(worker)
            with self.ready:
                self.results[int.from_bytes(raw, "little")] = outcome
                self.ready.notify_all()

    def result(self, index: int) -> Any:
        with self.ready:
            while index not in self.results:
                if self.lost is not None:
                    raise WorkerFailed(self.lost)
                self.ready.wait()
            kind, value = self.results.pop(index)
        if kind == "error":
            _name, message, code = value
            raise (errors.UsageError if code == errors.UsageError.exit_code else _Failed)(message)
        if kind == "bug":
            raise WorkerFailed(f"a worker process failed:\n{value}")
        return value

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        _OPEN.discard(self)
        # Killed workers close their ends of the result pipes: the reading threads see them end.
        for worker in self.workers:
            worker.kill()
        for thread in self.threads:
            thread.join()
        for worker in self.workers:
            worker.close()


#: Pools not closed yet. A caller that stops iterating and exits leaves its pool to be closed
#: at interpreter shutdown, when the reading threads (daemons) are frozen holding their pipes'
#: locks: closing a pipe then aborts the process. So they are closed before that, at exit.
_OPEN: weakref.WeakSet[_Pool] = weakref.WeakSet()


@atexit.register
def _close_open_pools() -> None:
    for pool in list(_OPEN):
        pool.close()


def in_order(
    jobs: Sequence[Callable[[], T]], count: int, costs: Sequence[int] | None = None
) -> Iterator[T]:
    """Each job's result, in job order; with COUNT > 1 worker processes run them meanwhile,
    started costliest first when COSTS (one number per job, in any unit) are given."""
    count = min(count, len(jobs))
    if count <= 1:
        for job in jobs:
            yield job()
        return
    order = list(range(len(jobs)))
    if costs is not None:
        order.sort(key=lambda index: -costs[index])  # stable: equal costs keep job order
    pool = _Pool(jobs, count, order)
    try:
        for index in range(len(jobs)):
            yield pool.result(index)
    finally:
        pool.close()
