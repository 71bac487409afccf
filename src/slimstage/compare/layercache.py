"""Compressed layer sizes remembered by layer digest, across runs.

Gzip at level 6 is the slowest part of measuring an image; a layer's compressed size depends
only on its bytes, so it is computed once per digest (the sha256 of the uncompressed layer tar,
its diff ID) and kept in `$XDG_CACHE_HOME/slimstage/compressed-layers.json` (default
~/.cache/slimstage/). Base image layers, shared by variants and unchanged between runs, are then
never compressed again. The file is a cache: deleting it only costs time.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from pathlib import Path

#: Entries kept (the most recently added win): a few thousand layers is a few hundred kB.
MAX_ENTRIES = 5000


def default_path() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(root) / "slimstage" / "compressed-layers.json"


class SizeCache:
    """Digest -> compressed bytes, read once, saved (merged with what is on disk) by save()."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._sizes = self._read()
        self._new: dict[str, int] = {}
        self.hits = self.misses = 0  # for the benchmark: how much gzip the cache saved

    def _read(self) -> dict[str, int]:
        if self.path is None:
            return {}
        try:
            data = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {str(k): v for k, v in data.items() if isinstance(v, int) and v >= 0}

    def get(self, digest: str) -> int | None:
        with self._lock:
            found = self._sizes.get(digest)
            if found is None:
                self.misses += 1
            else:
                self.hits += 1
            return found

    def put(self, digest: str, size: int) -> None:
        with self._lock:
            self._sizes[digest] = size
            self._new[digest] = size

    def save(self) -> None:
        """Write the new entries, merged with the file as it is now; never fails the run."""
        with self._lock:
            if self.path is None or not self._new:
                return
            merged = {**self._read(), **self._new}
            keep = dict(list(merged.items())[-MAX_ENTRIES:])
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".compressed-layers-")
                with os.fdopen(fd, "w") as handle:
                    json.dump(keep, handle)
                os.replace(tmp, self.path)
            except OSError:
                return
            self._new.clear()
