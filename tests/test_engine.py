from __future__ import annotations

import os
from pathlib import Path

import pytest

from slimstage.engine import Engine, find_build_path, parse_mem_usage
from slimstage.errors import EngineUnavailable
from tests.conftest import Sweeper


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.5MiB / 23.4GiB", int(12.5 * 1024**2)),
        ("512KiB / 1GiB", 512 * 1024),
        ("1.2GB / 2GB", 1_200_000_000),
        ("0B / 0B", 0),
        ("--", None),
        ("12 parsecs / 1GiB", None),
    ],
)
def test_parse_mem_usage(text: str, expected: int | None) -> None:
    assert parse_mem_usage(text) == expected


def _fake_cli(folder: Path, version: str, *, buildx: bool) -> Path:
    """A stand-in docker CLI that answers only the two questions build-path detection asks."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "docker"
    script.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = version ]; then echo {version}; exit 0; fi\n'
        f'if [ "$1" = buildx ]; then exit {0 if buildx else 1}; fi\n'
        "exit 1\n"
    )
    script.chmod(0o755)
    return script


def test_a_cli_with_buildx_builds_with_buildx(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SLIMSTAGE_DOCKER", raising=False)
    _fake_cli(tmp_path / "a", "28.2.2", buildx=True)
    path = find_build_path(str(tmp_path / "a"))
    assert path.mode == "buildx"


def test_a_new_cli_without_buildx_is_passed_over_for_an_old_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SLIMSTAGE_DOCKER", raising=False)
    _fake_cli(tmp_path / "new", "28.2.2", buildx=False)
    old = _fake_cli(tmp_path / "old", "20.10.24+dfsg1", buildx=False)
    path = find_build_path(os.pathsep.join([str(tmp_path / "new"), str(tmp_path / "old")]))
    assert (path.cli, path.mode) == (str(old), "builtin")
    assert "DOCKER_BUILDKIT=1" in path.describe()


def test_no_buildkit_path_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SLIMSTAGE_DOCKER", raising=False)
    _fake_cli(tmp_path / "new", "28.2.2", buildx=False)
    with pytest.raises(EngineUnavailable) as info:
        find_build_path(str(tmp_path / "new"))
    assert "has no buildx plugin" in info.value.message
    assert info.value.fix
    assert "docker-buildx" in info.value.fix
    assert info.value.exit_code == 4


def test_no_docker_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SLIMSTAGE_DOCKER", raising=False)
    with pytest.raises(EngineUnavailable, match="no docker CLI"):
        find_build_path(str(tmp_path))


@pytest.mark.engine
def test_the_real_clis_on_this_machine_give_a_buildkit_path(engine: Engine) -> None:
    assert engine.build_path.mode in ("buildx", "builtin")
    info = engine.server_info()
    assert info.version
    assert info.storage_driver


@pytest.mark.engine
def test_a_dead_docker_host_is_reported_with_a_fix(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/nothing.sock")
    with pytest.raises(EngineUnavailable) as info:
        Engine(engine.build_path).server_info(timeout=10)
    assert str(tmp_path) in info.value.message
    assert info.value.fix
    assert "ensure-docker" in info.value.fix


@pytest.mark.engine
def test_build_labels_and_removes(engine: Engine, sweeper: Sweeper, tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM debian:trixie-slim\nRUN echo built > /built\n")
    tag = sweeper.tag("engine-build")
    lines: list[str] = []
    result = engine.build(
        dockerfile=tmp_path / "Dockerfile",
        context=tmp_path,
        tag=tag,
        labels=sweeper.labels,
        on_line=lines.append,
    )
    assert result.image_id.startswith("sha256:")
    assert any("RUN echo built" in line for line in lines)
    labels = engine.image_labels(tag)
    assert labels["org.slimstage.managed"] == "true"
    out = engine.run_once(tag, ["cat", "/built"], labels=sweeper.labels)
    assert out.stdout.strip() == "built"
    engine.remove_images([tag])
    assert engine.inspect_image(tag) is None
