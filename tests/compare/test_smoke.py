"""Smoke tests run on the engine: the logic on the engine double, the proof on the real one."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from slimstage.compare.smoke import engine_clock, find_probe_image, probe_candidates, smoke_test
from slimstage.compare.smokespec import Request, Sidecar, SmokeSpec
from slimstage.engine import Engine
from slimstage.errors import UsageError
from tests.conftest import Sweeper
from tests.fakeengine import Behaviour, FakeEngine

SERVES = 'FROM python:3.13-slim\nEXPOSE 8000\nCMD ["python", "-m", "http.server", "8000"]\n'


class _Decoy(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def decoy() -> Iterator[ThreadingHTTPServer]:
    """An HTTP server on this machine's loopback that answers 200 to anything."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("Decoy", (_Decoy,), {"hits": []}))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _built(engine: FakeEngine, tmp_path: Path, name: str) -> str:
    (tmp_path / name).write_text(SERVES)
    tag = f"t/{name.lower()}:1"
    engine.build(dockerfile=tmp_path / name, context=tmp_path, tag=tag)
    return tag


def test_engine_clock_reads_dockers_timestamps() -> None:
    assert engine_clock("1970-01-01T00:00:01.5Z") == 1.5
    assert engine_clock("2026-11-29T15:14:39.800360176Z") == pytest.approx(1795965279.800360176)
    assert engine_clock("1970-01-01T01:00:02+01:00") == 2.0
    assert engine_clock("0001-01-01") is None
    assert engine_clock("") is None


def test_the_probe_image_is_the_first_python_image_the_engine_has(tmp_path: Path) -> None:
    candidates = probe_candidates()
    assert candidates[0] == "slimstage/python:3.13-runtime"
    assert "python:3.13-slim" in candidates
    assert find_probe_image(FakeEngine(tmp_path)) == "python:3.13-slim"
    both = FakeEngine(tmp_path, present={"python:3.13-slim", "slimstage/python:3.13-runtime"})
    assert find_probe_image(both) == "slimstage/python:3.13-runtime"
    assert find_probe_image(both, "python:3.13-slim") == "python:3.13-slim"
    with pytest.raises(UsageError, match="probe image my/python:1 is not on the engine"):
        find_probe_image(both, "my/python:1")
    with pytest.raises(UsageError, match="needs an image with python3") as info:
        find_probe_image(FakeEngine(tmp_path, present=set()))
    assert info.value.fix is not None
    assert "--probe-image" in info.value.fix


def test_nothing_is_published_and_the_app_joins_the_probes_namespace(tmp_path: Path) -> None:
    engine = FakeEngine(tmp_path)
    image = _built(engine, tmp_path, "Dockerfile")
    smoke = smoke_test(engine, image, SmokeSpec(timeout=5), {"run": "1"})
    assert smoke.ok, smoke.detail
    holder, app = engine.started
    assert (holder.image, holder.entrypoint, holder.command[0]) == (
        "python:3.13-slim",
        "python3",
        "-c",
    )
    assert app.network == f"container:{engine.containers[0].id}"
    assert (holder.publish, app.publish) == ((), ())
    assert all(box.removed for box in engine.containers)


def test_a_decoy_on_this_machine_cannot_answer_for_a_silent_app(
    tmp_path: Path, decoy: ThreadingHTTPServer
) -> None:
    port = decoy.server_address[1]
    engine = FakeEngine(
        tmp_path, behaviours={"Dockerfile": Behaviour(exposed=f"{port}/tcp", listens=False)}
    )
    image = _built(engine, tmp_path, "Dockerfile")
    smoke = smoke_test(engine, image, SmokeSpec(timeout=0.5), {})
    assert not smoke.ok
    assert smoke.detail.startswith("not ready within 0.5s: GET /: no answer")
    assert decoy.RequestHandlerClass.hits == []  # type: ignore[attr-defined]


def test_sidecars_of_a_single_test_get_their_own_network(tmp_path: Path) -> None:
    engine = FakeEngine(tmp_path, present={"python:3.13-slim", "db:1"})
    image = _built(engine, tmp_path, "Dockerfile")
    spec = SmokeSpec(sidecars=(Sidecar("db", "db:1", ready=("true",)),), timeout=2)
    smoke = smoke_test(engine, image, spec, {})
    assert smoke.ok, smoke.detail
    sidecar, holder, _app = engine.started
    assert sidecar.network == holder.network == "net0"
    assert engine.containers[0].execs == [["true"]]
    assert engine.networks == []


def test_a_missing_sidecar_image_fails_the_smoke_test(tmp_path: Path) -> None:
    engine = FakeEngine(tmp_path)
    image = _built(engine, tmp_path, "Dockerfile")
    spec = SmokeSpec(requests=(Request("/"),), sidecars=(Sidecar("db", "db:1"),))
    smoke = smoke_test(engine, image, spec, {})
    assert not smoke.ok
    assert smoke.detail.startswith("sidecar db: image db:1 is not on the engine")


# --- the real engine ----------------------------------------------------------------------------


@pytest.mark.engine
def test_on_the_real_engine_a_decoy_on_loopback_cannot_pass_a_silent_image(
    engine: Engine, sweeper: Sweeper, tmp_path: Path, decoy: ThreadingHTTPServer
) -> None:
    port = decoy.server_address[1]
    (tmp_path / "Dockerfile").write_text(
        f'FROM python:3.13-slim\nEXPOSE {port}\nCMD ["sleep", "600"]\n'
    )
    tag = sweeper.tag("silent")
    engine.build(
        dockerfile=tmp_path / "Dockerfile", context=tmp_path, tag=tag, labels=sweeper.labels
    )
    smoke = smoke_test(engine, tag, SmokeSpec(timeout=3), sweeper.labels)
    assert not smoke.ok
    assert smoke.detail.startswith("not ready within 3s: GET /: no answer")
    assert decoy.RequestHandlerClass.hits == []  # type: ignore[attr-defined]
    assert engine.containers_with_label(f"org.slimstage.test={sweeper.run}") == []
