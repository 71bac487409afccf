"""Smoke tests: run an image, publish its port on 127.0.0.1 only, wait for a good HTTP answer."""

from __future__ import annotations

import http.client
import time
from collections.abc import Mapping
from dataclasses import dataclass

from slimstage.engine import ContainerEngine, RunningContainer, RunSpec
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
    """The lowest port number an image EXPOSEs, as '5000/tcp', or None.

    The image config keeps exposed ports in a map, so the order of the EXPOSE lines is lost;
    the lowest number is a stable choice.
    """
    ports = image_config.get("ExposedPorts")
    if not isinstance(ports, dict) or not ports:
        return None

    def number(port: str) -> tuple[int, str]:
        head = port.split("/")[0]
        return (int(head), port) if head.isdigit() else (1 << 16, port)

    return min((str(p) for p in ports), key=number)


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


def _exited(container: RunningContainer) -> str | None:
    """Why the container stopped, with the end of its log; None while it runs."""
    state = container.state()
    if not state or state.get("Running", False):
        return None
    return f"container exited ({state.get('ExitCode')}): {container.logs()[-500:]}"


def _wait_ready(
    container: RunningContainer, host_port: int, path: str, started: float, timeout: float
) -> Smoke:
    last: int | None = None
    while time.monotonic() - started < timeout:
        last = http_status(host_port, path)
        if last is not None and 200 <= last < 400:
            ready = time.monotonic() - started
            return Smoke(True, round(ready, 3), container.memory_bytes(), last, "")
        exited = _exited(container)
        if exited:
            return Smoke(False, None, None, last, exited)
        time.sleep(_POLL_SECONDS)
    detail = f"no good answer at {path} within {timeout:.0f}s (last status: {last})"
    return Smoke(False, None, None, last, detail + ": " + container.logs()[-500:])


def smoke_test(
    engine: ContainerEngine,
    image: str,
    *,
    port: str,
    path: str,
    timeout: float,
    labels: Mapping[str, str],
) -> Smoke:
    """Start the image, wait for 2xx/3xx at PATH, measure memory; the container is removed."""
    container_port = port if "/" in port else f"{port}/tcp"
    published = f"127.0.0.1::{container_port.split('/')[0]}"
    started = time.monotonic()
    try:
        with engine.container(RunSpec(image, labels=labels, publish=[published])) as container:
            try:
                host_port = container.host_port(container_port)
            except SlimstageError:
                # A container that already exited has no published port left to ask about.
                exited = _exited(container)
                if exited:
                    return Smoke(False, None, None, None, exited)
                raise
            return _wait_ready(container, host_port, path, started, timeout)
    except SlimstageError as exc:
        return Smoke(False, None, None, None, str(exc))
