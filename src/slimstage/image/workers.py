"""Run jobs in forked worker processes and hand their results back in job order.

Reading layers is Python work (tar headers) or hashing, and a machine has more than one core:
each worker reads whole layers, the parent meanwhile stacks the ones already read. Workers are
forked (they inherit the jobs; nothing but results is pickled), are given one job at a time as
they finish the last (a large layer does not hold up the rest), and are killed and reaped
however the caller stops. A SlimstageError in a worker is raised again in the parent with its
message; anything else is a bug and says so.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import selectors
import signal
import struct
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from slimstage import errors

T = TypeVar("T")
_HEADER = struct.Struct("<QI")  # payload length, job index


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


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read_exactly(fd: int, size: int) -> bytes:
    parts, have = [], 0
    while have < size:
        part = os.read(fd, min(size - have, 1 << 20))
        if not part:
            return b""
        parts.append(part)
        have += len(part)
    return b"".join(parts)


def _serve(jobs: Sequence[Callable[[], Any]], job_fd: int, result_fd: int) -> None:
    """A worker's life: take a job index, run it, send back what came of it."""
    while len(raw := _read_exactly(job_fd, 4)) == 4:
        index = int.from_bytes(raw, "little")
        try:
            outcome: tuple[str, Any] = ("ok", jobs[index]())
        except errors.SlimstageError as exc:
            outcome = ("error", (type(exc).__name__, str(exc), exc.exit_code))
        except Exception:
            outcome = ("bug", traceback.format_exc())
        payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        _write_all(result_fd, _HEADER.pack(len(payload), index) + payload)


class _Worker:
    def __init__(self, jobs: Sequence[Callable[[], Any]]) -> None:
        job_read, self.job_fd = os.pipe()
        self.result_fd, result_write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the worker: it never returns from here
            code = 0
            try:
                os.close(self.job_fd)
                os.close(self.result_fd)
                _serve(jobs, job_read, result_write)
            except BaseException:
                code = 1
            os._exit(code)
        os.close(job_read)
        os.close(result_write)
        self.buffer = bytearray()

    def give(self, index: int) -> None:
        os.write(self.job_fd, index.to_bytes(4, "little"))

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)

    def close(self) -> None:
        for fd in (self.job_fd, self.result_fd):
            os.close(fd)


class _Pool:
    """The parent's side: a thread reads results as they come and hands out the next jobs."""

    def __init__(self, jobs: Sequence[Callable[[], Any]], count: int) -> None:
        self.count = len(jobs)
        self.workers = [_Worker(jobs) for _ in range(count)]
        self.results: dict[int, bytes] = {}
        self.lost: str | None = None
        self.ready = threading.Condition()
        self.next_job = 0
        for worker in self.workers:
            self._give(worker)
        self.thread = threading.Thread(target=self._collect, daemon=True)
        self.thread.start()

    def _give(self, worker: _Worker) -> None:
        if self.next_job < self.count:
            worker.give(self.next_job)
            self.next_job += 1

    def _collect(self) -> None:
        with selectors.DefaultSelector() as selector:
            for worker in self.workers:
                selector.register(worker.result_fd, selectors.EVENT_READ, worker)
            done = 0
            while done < self.count and selector.get_map():
                for key, _ in selector.select():
                    worker = key.data
                    data = os.read(worker.result_fd, 1 << 20)
                    if not data:
                        selector.unregister(worker.result_fd)
                        with self.ready:
                            self.lost = f"worker process {worker.pid} ended without a result"
                            self.ready.notify_all()
                        continue
                    worker.buffer += data
                    done += self._unpack(worker)

    def _unpack(self, worker: _Worker) -> int:
        finished = 0
        while len(worker.buffer) >= _HEADER.size:
            size, index = _HEADER.unpack_from(worker.buffer)
            if len(worker.buffer) < _HEADER.size + size:
                break
            payload = bytes(worker.buffer[_HEADER.size : _HEADER.size + size])
            del worker.buffer[: _HEADER.size + size]
            self._give(worker)
            with self.ready:
                self.results[index] = payload
                self.ready.notify_all()
            finished += 1
        return finished

    def result(self, index: int) -> Any:
        with self.ready:
            while index not in self.results:
                if self.lost is not None:
                    raise WorkerFailed(self.lost)
                self.ready.wait()
            payload = self.results.pop(index)
        kind, value = pickle.loads(payload)
        if kind == "error":
            _name, message, code = value
            raise (errors.UsageError if code == errors.UsageError.exit_code else _Failed)(message)
        if kind == "bug":
            raise WorkerFailed(f"a worker process failed:\n{value}")
        return value

    def close(self) -> None:
        # Killed workers close their ends of the result pipes: the reading thread sees them end.
        for worker in self.workers:
            worker.kill()
        self.thread.join()
        for worker in self.workers:
            worker.close()


def in_order(jobs: Sequence[Callable[[], T]], count: int) -> Iterator[T]:
    """Each job's result, in job order; with COUNT > 1 worker processes run them meanwhile."""
    count = min(count, len(jobs))
    if count <= 1:
        for job in jobs:
            yield job()
        return
    pool = _Pool(jobs, count)
    try:
        for index in range(len(jobs)):
            yield pool.result(index)
    finally:
        pool.close()
