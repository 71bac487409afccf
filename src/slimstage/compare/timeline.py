"""Where a comparison's wall time goes: spans of engine work, for the benchmark's split.

compare records a span for each build ("build") and each container run ("run": smoke tests,
sidecars); everything else in the run's wall time is compare's own overhead.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Timeline:
    spans: list[tuple[str, str, float, float]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @contextmanager
    def span(self, kind: str, what: str) -> Iterator[None]:
        start = time.monotonic()
        try:
            yield
        finally:
            with self._lock:
                self.spans.append((kind, what, start, time.monotonic()))

    def covered(self, kinds: Iterable[str]) -> float:
        """Seconds during which at least one span of KINDS was open (overlaps counted once)."""
        wanted = set(kinds)
        with self._lock:
            intervals = sorted((s, e) for k, _, s, e in self.spans if k in wanted)
        total, reach = 0.0, float("-inf")
        for start, end in intervals:
            if end <= reach:
                continue
            total += end - max(start, reach)
            reach = end
        return total
