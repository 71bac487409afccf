"""The live view of a comparison on a terminal: one row per variant, redrawn in place.

Built on rich's Live display (on stderr): each row shows the variant's state (queued, building
with the BuildKit step it is at, warm rebuild, smoke test, done, failed, skipped), its measured
size once known, and the time it has taken. Notes (where the logs are, sidecars starting) are
printed above the table as they come.
"""

from __future__ import annotations

import time
from types import TracebackType
from typing import Literal

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
_NAME_WIDTH = 30


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


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
        now = time.monotonic()
        with self.board.lock:
            rows = list(self.board.rows.values())
        table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
        # On a narrow terminal the detail gives way; the variant, state, size and time do not.
        name_width = min(max([len("variant"), *(len(row.name) for row in rows)]), _NAME_WIDTH)
        widths = {"variant": name_width, "state": len(WARM), "size": 9, "time": 6}
        for column, width in widths.items():
            justify: Literal["left", "right"] = "right" if column == "time" else "left"
            table.add_column(column, no_wrap=True, width=width, justify=justify)
        room = self.console.width - sum(widths.values()) - 2 * len(widths)
        table.add_column("detail", no_wrap=True, width=max(room, 1))
        for row in rows:
            table.add_row(
                Text(_cut(row.name, name_width)),
                Text(row.state, style=_STYLE.get(row.state, "")),
                Text(row.size),
                Text(f"{row.elapsed(now):.1f}s" if row.started is not None else ""),
                Text(_cut(row.detail, room), style="dim"),
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
