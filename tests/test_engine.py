"""The engine boundary against the real engine: builds, saved images, containers it owns."""

from __future__ import annotations

import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from slimstage.engine import LABEL, Engine, RunSpec
from slimstage.errors import CommandFailed, EngineUnavailable
from tests.conftest import Sweeper

pytestmark = pytest.mark.engine


def test_the_real_clis_on_this_machine_give_a_buildkit_path(engine: Engine) -> None:
    assert engine.build_path.mode in ("buildx", "builtin")
    info = engine.server_info()
    assert info.version
    assert info.storage_driver


def test_a_dead_docker_host_is_reported_with_a_fix(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/nothing.sock")
    with pytest.raises(EngineUnavailable) as info:
        Engine(engine.build_path).server_info(timeout=10)
    assert str(tmp_path) in info.value.message
    assert info.value.fix
    assert "ensure-docker" in info.value.fix


@pytest.fixture(scope="module")
def built(
    engine: Engine, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, list[str]]]:
    """One small image for the tests below (tag, build log lines); removed after them."""
    context = tmp_path_factory.mktemp("engine-build")
    (context / "Dockerfile").write_text("FROM debian:trixie-slim\nRUN echo built > /built\n")
    tag = "slimstage-test/engine-build:module"
    lines: list[str] = []
    engine.build(
        dockerfile=context / "Dockerfile",
        context=context,
        tag=tag,
        labels={"org.slimstage.test": "engine-module"},
        on_line=lines.append,
    )
    yield tag, lines
    engine.remove_images([tag])


def test_build_labels_the_image_and_streams_its_log(
    engine: Engine, built: tuple[str, list[str]], sweeper: Sweeper
) -> None:
    tag, lines = built
    assert any("RUN echo built" in line for line in lines)
    assert engine.image_labels(tag)[LABEL] == "true"
    out = engine.run_once(RunSpec(tag, labels=sweeper.labels, command=["cat", "/built"]))
    assert out.stdout.strip() == "built"


def test_tag_and_remove(engine: Engine, built: tuple[str, list[str]], sweeper: Sweeper) -> None:
    alias = sweeper.tag("alias")
    engine.tag(built[0], alias)
    assert engine.inspect_image(alias) is not None
    engine.remove_images([alias])
    assert engine.inspect_image(alias) is None
    assert engine.inspect_image(built[0]) is not None


def test_saved_streams_a_docker_archive(engine: Engine, built: tuple[str, list[str]]) -> None:
    with engine.saved(built[0]) as stream, tarfile.open(fileobj=stream, mode="r|") as tar:
        names = [member.name for member in tar]
    assert "manifest.json" in names
    assert any(name.endswith("layer.tar") or name.startswith("blobs/") for name in names)


def test_saved_of_a_missing_image_raises_the_engines_own_error(engine: Engine) -> None:
    with pytest.raises(CommandFailed) as info, engine.saved("slimstage-test/none:missing") as s:
        s.read()
    assert info.value.cmd[1:] == ("save", "slimstage-test/none:missing")
    assert "does not exist" in info.value.stderr


def test_saved_reports_the_engine_failing_over_a_reader_tripping_on_the_cut_stream(
    engine: Engine,
) -> None:
    class Truncated(Exception):
        pass

    def read_header() -> None:
        with engine.saved("slimstage-test/none:missing") as stream:
            if not stream.read(512):
                raise Truncated("the reader saw a cut-off archive")

    with pytest.raises(CommandFailed):
        read_header()


def test_container_is_removed_when_the_block_ends(
    engine: Engine, built: tuple[str, list[str]], sweeper: Sweeper
) -> None:
    spec = RunSpec(built[0], labels=sweeper.labels, command=["sleep", "600"])
    with engine.container(spec) as box:
        assert box.state()["Running"] is True
        assert engine.containers_with_label(f"org.slimstage.test={sweeper.run}") == [box.id]
    assert box.state() == {}
    assert engine.containers_with_label(f"org.slimstage.test={sweeper.run}") == []


def test_container_is_removed_on_an_error_in_the_block(
    engine: Engine, built: tuple[str, list[str]], sweeper: Sweeper
) -> None:
    spec = RunSpec(built[0], labels=sweeper.labels, command=["sleep", "600"])
    with pytest.raises(KeyboardInterrupt), engine.container(spec):
        raise KeyboardInterrupt
    assert engine.containers_with_label(f"org.slimstage.test={sweeper.run}") == []


def test_run_once_that_times_out_leaves_no_container(
    engine: Engine, built: tuple[str, list[str]], sweeper: Sweeper
) -> None:
    spec = RunSpec(built[0], labels=sweeper.labels, command=["sleep", "600"])
    with pytest.raises(CommandFailed, match="timed out"):
        engine.run_once(spec, timeout=3)
    assert engine.containers_with_label(f"org.slimstage.test={sweeper.run}") == []


def test_memory_and_logs_of_a_running_container(
    engine: Engine, built: tuple[str, list[str]], sweeper: Sweeper
) -> None:
    spec = RunSpec(built[0], labels=sweeper.labels, command=["sh", "-c", "echo hello; sleep 600"])
    with engine.container(spec) as box:
        done = threading.Event()
        for _ in range(50):
            if "hello" in box.logs():
                done.set()
                break
            done.wait(0.1)
        assert done.is_set()
        memory = box.memory_bytes()
        assert memory is not None
        assert memory > 0
