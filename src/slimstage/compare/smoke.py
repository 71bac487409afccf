"""Smoke tests that run where the container runs.

Nothing is published on any host interface. A probe container (slimstage.compare.httpprobe, run with
the Python of an image the engine already has) starts first and holds a network namespace; the
app's container joins it (`--network container:<probe>`), so the probe reaches the app on
127.0.0.1 and starts asking before the app exists. Readiness is timed on the engine's clock:
the probe's first good answer minus the container's StartedAt. Memory is read from the engine
(`docker stats`) right after that answer. Over unix, tcp or ssh, or through a context, the same
happens on the engine's host, and nothing on this machine can answer in the app's place.
"""

from __future__ import annotations

import json
import queue
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from slimstage.bases.catalog import RELEASES, base_images
from slimstage.compare import httpprobe, sidecar
from slimstage.compare.ports import lowest_exposed, port_number
from slimstage.compare.smokespec import SmokeSpec
from slimstage.engineapi import ContainerEngine, RunningContainer, RunSpec
from slimstage.errors import SlimstageError, UsageError

#: How long past the smoke timeout the probe may take to report before it is given up on.
_GRACE_SECONDS = 30.0
_TICK_SECONDS = 0.5
_MEMORY_TRIES = 4
#: How long the probe stays up after its report if nobody removes it (a killed client).
_HOLD_SECONDS = 600.0


@dataclass(frozen=True)
class Smoke:
    ok: bool
    seconds_to_ready: float | None
    memory_bytes: int | None
    status: int | None
    detail: str


def probe_candidates() -> list[str]:
    """Images slimstage knows have python3: its runtime stand-ins first (the smallest)."""
    kinds = ("python-runtime", "python-slim")
    return [
        i.tag for kind in kinds for r in RELEASES.values() for i in base_images(r) if i.kind == kind
    ]


def find_probe_image(engine: ContainerEngine, wanted: str | None = None) -> str:
    """The image the probe runs in: WANTED, or the first candidate the engine has."""
    for image in [wanted] if wanted else probe_candidates():
        if engine.inspect_image(image) is not None:
            return image
    if wanted:
        raise UsageError(f"probe image {wanted} is not on the engine")
    raise UsageError(
        "the smoke test's probe needs an image with python3 on the engine "
        f"(one of {', '.join(probe_candidates())})",
        fix="run `slimstage base build` against that engine, or pass --probe-image IMAGE",
    )


def engine_clock(stamp: str) -> float | None:
    """An RFC 3339 time as docker prints it (nanoseconds, Z) as seconds since the epoch."""
    match = re.fullmatch(r"(\S+T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)", stamp.strip())
    if match is None:
        return None
    zone = "+00:00" if match.group(3) == "Z" else match.group(3)
    whole = datetime.fromisoformat(match.group(1) + zone).timestamp()
    return whole + float("0." + (match.group(2) or "0"))


def _exited(container: RunningContainer) -> str | None:
    """Why the container stopped, with the end of its log; None while it runs."""
    state = container.state()
    if not state or state.get("Running", False):
        return None
    return f"container exited ({state.get('ExitCode')}): {container.logs()[-500:]}"


def _memory(app: RunningContainer) -> int | None:
    """The app's memory from the engine; a container this young may report 0 at first."""
    for _ in range(_MEMORY_TRIES):
        memory = app.memory_bytes()
        if memory:
            return memory
        time.sleep(_TICK_SECONDS)
    return None


def _result(app: RunningContainer, event: Mapping[str, Any], started: float | None) -> Smoke:
    ready_at = event.get("ready_at")
    ready = None
    if isinstance(ready_at, float) and started is not None:
        ready = round(max(0.0, ready_at - started), 3)
    detail = str(event.get("detail") or "")
    log = "" if event.get("ok") else app.logs()[-500:]
    if log:
        detail += f"; app log: {log}"
    status = event.get("status")
    return Smoke(
        bool(event.get("ok")),
        ready,
        event.get("memory"),
        status if isinstance(status, int) else None,
        detail,
    )


def _watch(holder: RunningContainer, app: RunningContainer, timeout: float) -> Smoke:
    """Follow the probe's report, read memory once it says ready, and stop early if the app
    exits before that."""
    events: queue.Queue[dict[str, Any]] = queue.Queue()

    def on_line(text: str) -> None:
        if (event := httpprobe.parse(text)) is not None:
            events.put(event)

    follower = threading.Thread(target=holder.follow, args=(on_line,), daemon=True)
    follower.start()
    started = engine_clock(str(app.state().get("StartedAt", "")))
    seen: dict[str, Any] = {}
    limit = time.monotonic() + timeout + _GRACE_SECONDS
    while time.monotonic() < limit:
        try:
            event = events.get(timeout=_TICK_SECONDS)
        except queue.Empty:
            exited = None if seen else _exited(app)
            if exited:
                return Smoke(False, None, None, None, exited)
            if not follower.is_alive() and events.empty():
                return Smoke(False, None, None, None, f"the probe stopped: {holder.logs()[-500:]}")
            continue
        if event.get("event") == "ready":
            seen = {"ready_at": float(event.get("at", 0)), "memory": _memory(app)}
        elif event.get("event") == "result":
            return _result(app, {**event, **seen}, started)
    return Smoke(False, None, None, None, f"the probe gave no result within {timeout:.0f}s")


def _probe_and_app(
    engine: ContainerEngine,
    image: str,
    spec: SmokeSpec,
    labels: Mapping[str, str],
    network: str | None,
) -> Smoke:
    assert spec.port is not None
    assert spec.probe_image is not None
    payload = {
        "port": port_number(spec.port),
        "timeout": spec.timeout,
        "hold": spec.timeout + _HOLD_SECONDS,
        "requests": [request.as_probe() for request in spec.requests],
    }
    holder_spec = RunSpec(
        spec.probe_image,
        labels=labels,
        entrypoint="python3",
        command=["-c", httpprobe.source(), json.dumps(payload)],
        network=network,
    )
    with engine.container(holder_spec) as holder:
        app_spec = RunSpec(
            image, labels=labels, env=dict(spec.env), network=f"container:{holder.id}"
        )
        with engine.container(app_spec) as app:
            return _watch(holder, app, spec.timeout)


def smoke_test(
    engine: ContainerEngine,
    image: str,
    spec: SmokeSpec,
    labels: Mapping[str, str],
    *,
    network: str | None = None,
) -> Smoke:
    """Run IMAGE and check it as SPEC says; everything started is removed, whatever happens.

    NETWORK: the network on which SPEC's sidecars already run (compare starts them once per
    run); without it, the sidecars are started for this test alone.
    """
    try:
        if spec.port is None:
            config = (engine.inspect_image(image) or {}).get("Config") or {}
            spec = replace(spec, port=lowest_exposed(config))
        if spec.port is None:
            return Smoke(False, None, None, None, "the image exposes no port; pass --port")
        spec = replace(spec, probe_image=find_probe_image(engine, spec.probe_image))
        if spec.sidecars and network is None:
            with sidecar.running(engine, spec.sidecars, labels) as own:
                return _probe_and_app(engine, image, spec, labels, own)
        return _probe_and_app(engine, image, spec, labels, network)
    except SlimstageError as exc:
        return Smoke(False, None, None, None, str(exc))
