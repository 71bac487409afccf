"""The live view of a comparison on a terminal: one row per variant, redrawn in place.

Built on rich's Live display (on stderr): each row shows the variant's state (queued, building
with the BuildKit step it is at, warm rebuild, smoke test, done, failed, skipped), its measured
size once known, and the time it has taken. Notes (where the logs are, sidecars starting) are
printed above the table as they come.
"""

from __future__ import annotations

import time
from types import TracebackType

from rich.console import Console
from rich.live import Live
from rich.table import Table
from rich.text import Text

from slimstage.compare.progress import (
    BUILDING,
    DONE,
    FAILED,
    SKIPPED,
    WARM,
    Board,
    build_step,
)

_STYLE = {DONE: "green", FAILED: "bold red", SKIPPED: "yellow", BUILDING: "cyan", WARM: "cyan"}
_DETAIL_WIDTH = 60


class LiveProgress:
    """A context manager: the live table is drawn while the block runs, left in place after."""

    def __init__(self, names: list[str], console: Console | None = None) -> None:
        self.board = Board(names)
        self.console = console or Console(stderr=True)
        self.live = Live(
            get_renderable=self.render,
            console=self.console,
            refresh_per_second=4,
            transient=False,
        )

    def render(self) -> Table:
        table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
        for column in ("variant", "state", "size", "time", "detail"):
            table.add_column(column, no_wrap=True, justify="right" if column == "time" else "left")
        now = time.monotonic()
        with self.board.lock:
            rows = list(self.board.rows.values())
        for row in rows:
            detail = row.detail if len(row.detail) <= _DETAIL_WIDTH else row.detail[:59] + "…"
            table.add_row(
                Text(row.name),
                Text(row.state, style=_STYLE.get(row.state, "")),
                Text(row.size),
                Text(f"{row.elapsed(now):.1f}s" if row.started is not None else ""),
                Text(detail, style="dim"),
            )
        return table

    def __enter__(self) -> LiveProgress:
        self.live.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.live.refresh()
        self.live.stop()

    def state(self, variant: str, state: str, detail: str = "") -> None:
        self.board.move(variant, state, detail)

    def build_line(self, variant: str, line: str) -> None:
        step = build_step(line)
        if step is not None:
            with self.board.lock:
                if variant in self.board.rows:
                    self.board.rows[variant].detail = step

    def size(self, variant: str, text: str) -> None:
        with self.board.lock:
            if variant in self.board.rows:
                self.board.rows[variant].size = text

    def note(self, text: str) -> None:
        self.live.console.print(Text(f"compare: {text}"), highlight=False)
