"""How a comparison reports its progress: one state per variant, changed as work moves on.

Off a terminal (CI, a pipe) `PlainProgress` writes one plain line per state change, with no
escape codes; with `verbose`, every build log line too, prefixed with the variant's name. On a
terminal, compare.liveview draws the same states as a live table. Progress goes to stderr:
stdout carries only results.
"""

from __future__ import annotations

import re
import sys
import threading
import time
from dataclasses import dataclass
from typing import Protocol, TextIO

QUEUED = "queued"
BUILDING = "building"
WARM = "warm rebuild"
WAITING = "built"
SMOKE = "smoke test"
DONE = "done"
FAILED = "failed"
SKIPPED = "skipped"
FINAL = (DONE, FAILED, SKIPPED)

_STEP = re.compile(r"^#\d+ \[(?P<stage>[^\]]*?) ?(?P<k>\d+)/(?P<n>\d+)\] (?P<what>.*)$")


def build_step(line: str) -> str | None:
    """'step 3/7 (builder): RUN pip install ...' for a BuildKit plain-progress step line."""
    match = _STEP.match(line)
    if match is None:
        return None
    stage = match.group("stage").strip()
    where = f" ({stage})" if stage and stage != "internal" else ""
    return f"step {match.group('k')}/{match.group('n')}{where}: {match.group('what')}"


class Progress(Protocol):
    def state(self, variant: str, state: str, detail: str = "") -> None: ...
    def build_line(self, variant: str, line: str) -> None: ...
    def size(self, variant: str, text: str) -> None: ...
    def note(self, text: str) -> None: ...


class Silent:
    """Progress nobody watches (the API default)."""

    def state(self, variant: str, state: str, detail: str = "") -> None:
        pass

    def build_line(self, variant: str, line: str) -> None:
        pass

    def size(self, variant: str, text: str) -> None:
        pass

    def note(self, text: str) -> None:
        pass


@dataclass
class Row:
    """What the live view shows for one variant."""

    name: str
    state: str = QUEUED
    detail: str = ""
    size: str = ""
    started: float | None = None
    ended: float | None = None

    def elapsed(self, now: float) -> float:
        if self.started is None:
            return 0.0
        return (self.ended or now) - self.started

    def move(self, state: str, detail: str, now: float) -> None:
        if self.started is None and state != QUEUED:
            self.started = now
        if state in FINAL:
            self.ended = now
        self.state, self.detail = state, detail


class Board:
    """The rows, shared by the threads that build, measure and test (hence the lock)."""

    def __init__(self, names: list[str]) -> None:
        self.lock = threading.Lock()
        self.rows = {name: Row(name) for name in names}

    def move(self, variant: str, state: str, detail: str) -> Row:
        with self.lock:
            row = self.rows.setdefault(variant, Row(variant))
            row.move(state, detail, time.monotonic())
            return row


class PlainProgress:
    """One line per state change (and with VERBOSE every build line), for logs and CI."""

    def __init__(self, names: list[str], *, verbose: bool = False, out: TextIO | None = None):
        self.board = Board(names)
        self.verbose = verbose
        self.out = out or sys.stderr

    def _write(self, text: str) -> None:
        with self.board.lock:
            self.out.write(text + "\n")
            self.out.flush()

    def state(self, variant: str, state: str, detail: str = "") -> None:
        row = self.board.move(variant, state, detail)
        took = f" after {row.elapsed(time.monotonic()):.1f}s" if state in FINAL else ""
        self._write(f"compare: {variant}: {state}{took}" + (f" ({detail})" if detail else ""))

    def build_line(self, variant: str, line: str) -> None:
        if self.verbose:
            self._write(f"[{variant}] {line}")

    def size(self, variant: str, text: str) -> None:
        pass

    def note(self, text: str) -> None:
        self._write(f"compare: {text}")
