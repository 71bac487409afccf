"""The build phase on the engine double: cold and warm builds, images measured meanwhile."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import pytest

from slimstage.compare.buildlog import BuildLogs
from slimstage.compare.builds import RunContext, Work, build_all
from slimstage.compare.layercache import SizeCache
from slimstage.compare.progress import Silent
from slimstage.compare.timeline import Timeline
from slimstage.compare.variants import discover
from slimstage.engineapi import BuildResult
from slimstage.errors import CommandFailed
from slimstage.options import CompareOptions
from tests.fakeengine import FakeEngine

SERVES = 'FROM python:3.13-slim\nEXPOSE 8000\nCMD ["python", "-m", "http.server", "8000"]\n'


def _setup(tmp_path: Path, engine: FakeEngine, **kw: object) -> tuple[RunContext, list[Work]]:
    for name in ("Dockerfile", "Dockerfile.b", "Dockerfile.c"):
        (tmp_path / name).write_text(SERVES)
    (tmp_path / "app.py").write_text("print('app')\n")
    options = CompareOptions(log_dir=tmp_path / "logs", **kw)  # type: ignore[arg-type]
    run = RunContext(
        engine,
        options,
        {"run": "1"},
        BuildLogs(options.log_dir, "1"),
        Silent(),
        Timeline(),
        SizeCache(None),
    )
    works = [Work(v, f"t/{v.name.lower()}:1") for v in discover([tmp_path], None)]
    return run, works


def test_every_image_is_measured_once_by_a_second_thread(tmp_path: Path) -> None:
    engine = FakeEngine(tmp_path)
    run, works = _setup(tmp_path, engine)
    build_all(run, works)
    assert [b["no_cache"] for b in engine.builds] == [True] * 3 + [False] * 3
    for work in works:
        assert work.measured is not None
        measured = work.measured.result()
        assert measured is not None
        assert measured.compressed_bytes > 0
    spans = [(kind, what) for kind, what, *_ in run.timeline.spans]
    assert sorted(w for k, w in spans if k == "measure") == ["Dockerfile", "b", "c"]
    assert len([k for k, _ in spans if k == "build"]) == 6


def test_a_measurement_that_fails_is_a_note_not_a_failure(tmp_path: Path) -> None:
    class Broken(FakeEngine):
        @contextmanager
        def saved(self, ref: str) -> Iterator[IO[bytes]]:
            raise CommandFailed(("docker", "save", ref), 1, "", "no space left on device")
            yield io.BytesIO()

    engine = Broken(tmp_path)
    run, works = _setup(tmp_path, engine, edit=None)
    build_all(run, works)
    assert works[0].measured is not None
    assert works[0].measured.result() is None
    assert works[0].error is None
    assert works[0].notes[0].startswith("not measured: command failed (exit 1): docker save")


def test_ctrl_c_during_a_build_stops_the_phase(tmp_path: Path) -> None:
    class Interrupted(FakeEngine):
        def build(self, **kw: Any) -> BuildResult:
            if len(self.builds) == 2:  # the third variant's build
                raise KeyboardInterrupt
            return super().build(**kw)

    engine = Interrupted(tmp_path)
    run, works = _setup(tmp_path, engine, edit=None)
    with pytest.raises(KeyboardInterrupt):
        build_all(run, works)
    assert works[0].measured is not None
    assert works[2].measured is None
    assert works[2].image_id is None
