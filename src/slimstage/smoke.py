"""Smoke tests: run an image, publish its port on 127.0.0.1 only, wait for a good HTTP answer."""

from __future__ import annotations

import http.client
import time
from collections.abc import Mapping
from dataclasses import dataclass

from slimstage.engine import Engine
from slimstage.errors import SlimstageError

_POLL_SECONDS = 0.1


@dataclass(frozen=True)
class Smoke:
    ok: bool
    seconds_to_ready: float | None
    memory_bytes: int | None
    status: int | None
    detail: str


def exposed_port(image_config: Mapping[str, object]) -> str | None:
    """The first port an image EXPOSEs, as '5000/tcp', or None."""
    ports = image_config.get("ExposedPorts")
    if isinstance(ports, dict) and ports:
        return sorted(str(p) for p in ports)[0]
    return None


def http_status(port: int, path: str, *, timeout: float = 2.0) -> int | None:
    """GET http://127.0.0.1:PORT/PATH; the status code, or None when nothing answers yet."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        conn.close()


def _exited(engine: Engine, container: str) -> str | None:
    """Why the container stopped, with the end of its log; None while it runs."""
    state = engine.container_state(container)
    if not state or state.get("Running", False):
        return None
    logs = engine.logs(container)
    return f"container exited ({state.get('ExitCode')}): {logs[-500:]}"


def smoke_test(
    engine: Engine,
    image: str,
    *,
    port: str,
    path: str,
    timeout: float,
    labels: Mapping[str, str],
) -> Smoke:
    """Start the image, wait for 2xx/3xx at PATH, measure memory; always remove the container."""
    container_port = port if "/" in port else f"{port}/tcp"
    started = time.monotonic()
    container = ""
    try:
        container = engine.run_detached(
            image, labels=labels, publish=[f"127.0.0.1::{container_port.split('/')[0]}"]
        )
        try:
            host_port = engine.host_port(container, container_port)
        except SlimstageError:
            # A container that already exited has no published port left to ask about.
            exited = _exited(engine, container)
            if exited:
                return Smoke(False, None, None, None, exited)
            raise
        last: int | None = None
        while time.monotonic() - started < timeout:
            last = http_status(host_port, path)
            if last is not None and 200 <= last < 400:
                ready = time.monotonic() - started
                return Smoke(True, round(ready, 3), engine.memory_bytes(container), last, "")
            exited = _exited(engine, container)
            if exited:
                return Smoke(False, None, None, last, exited)
            time.sleep(_POLL_SECONDS)
        detail = f"no good answer at {path} within {timeout:.0f}s (last status: {last})"
        return Smoke(False, None, None, last, detail + ": " + engine.logs(container)[-500:])
    except SlimstageError as exc:
        return Smoke(False, None, None, None, str(exc))
    finally:
        if container:
            engine.remove_containers([container])
