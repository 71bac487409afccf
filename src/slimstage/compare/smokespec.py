"""What a smoke test checks: the requests, the app's environment, and the services it needs.

These are plain values (frozen dataclasses) so that compare, `optimize --verify` and tests can
build them directly; `compare.settings` fills them from flags and `.slimstage.toml`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

#: The built-in sidecar: PostgreSQL on the per-run network, reachable as host `postgres`.
POSTGRES = "postgres"


@dataclass(frozen=True)
class Request:
    """One HTTP request and what its answer must be."""

    path: str = "/"
    method: str = "GET"
    body: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    expect_status: int | None = None  # None: any 2xx or 3xx
    expect_body: str | None = None  # a regular expression searched for in the body

    def as_probe(self) -> dict[str, Any]:
        """The request as the probe reads it (slimstage.compare.httpprobe)."""
        return {**dataclasses.asdict(self), "headers": dict(self.headers)}


@dataclass(frozen=True)
class Sidecar:
    """A service the app needs during its smoke test, started on the run's own network.

    The app reaches it by NAME. It is ready when READY, run inside it, exits 0 (or at once when
    READY is empty). BUILTIN names a sidecar slimstage knows how to make when its image is
    missing (only "postgres").
    """

    name: str
    image: str
    env: tuple[tuple[str, str], ...] = ()
    ready: tuple[str, ...] = ()
    ready_timeout: float = 60.0
    builtin: str | None = None


@dataclass(frozen=True)
class SmokeSpec:
    """A smoke test: the first request is repeated until it passes (the app is then ready, and
    its memory is read), the others run once, in order, and must all pass."""

    requests: tuple[Request, ...] = (Request(),)
    port: str | None = None  # '5000' or '5000/tcp'; None: chosen from the Dockerfile and image
    env: tuple[tuple[str, str], ...] = ()
    sidecars: tuple[Sidecar, ...] = ()
    timeout: float = 60.0
    probe_image: str | None = None  # None: the first Python image the engine has

    def describe(self) -> str:
        first = self.requests[0]
        more = f" +{len(self.requests) - 1} request(s)" if len(self.requests) > 1 else ""
        with_ = f" with {', '.join(s.name for s in self.sidecars)}" if self.sidecars else ""
        return f"{first.method} {first.path}{more}{with_}"
