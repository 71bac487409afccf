"""Build logs: one file per variant (cold build, then warm rebuild), kept after the run.

The folder is printed when the run starts; a failing build's reason and last lines are read
back from its file, and a skipped variant names its file so the whole story stays at hand.
"""

from __future__ import annotations

import re
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

TAIL_LINES = 30
#: BuildKit lines that say nothing about why a build failed: step digests, timings, cache hits.
_NOISE = re.compile(r"^#\d+ (sha256:[0-9a-f]+|DONE [\d.]+s|CACHED)$")


def tail(text: str, lines: int = TAIL_LINES) -> list[str]:
    """The last LINES lines of a BuildKit log that say something."""
    kept = [line for line in text.splitlines() if line.strip() and not _NOISE.match(line)]
    return kept[-lines:]


def file_name(variant: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "._-" else "-" for c in variant)
    return (cleaned.strip(".") or "variant") + ".log"


class BuildLogs:
    """Appends each variant's build output to FOLDER/<variant>.log."""

    def __init__(self, folder: Path | None, run_id: str) -> None:
        if folder is None:
            folder = Path(tempfile.gettempdir()) / f"slimstage-compare-{run_id}"
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self._lock = threading.Lock()

    def path(self, variant: str) -> Path:
        return self.folder / file_name(variant)

    def writer(
        self, variant: str, heading: str, also: Callable[[str], None]
    ) -> Callable[[str], None]:
        """A line handler that appends to the variant's file and hands each line on to ALSO."""
        path = self.path(variant)
        with self._lock, path.open("a") as handle:
            handle.write(f"=== {heading}\n")

        def write(line: str) -> None:
            with self._lock, path.open("a") as handle:
                handle.write(line + "\n")
            also(line)

        return write
