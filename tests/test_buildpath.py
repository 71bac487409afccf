"""Picking a docker CLI that builds with BuildKit, with stand-in CLIs written to tmp_path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from slimstage.buildpath import find_build_path
from slimstage.errors import EngineUnavailable


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


def test_slimstage_docker_forces_one_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    forced = _fake_cli(tmp_path / "forced", "20.10.24", buildx=False)
    _fake_cli(tmp_path / "other", "28.2.2", buildx=True)
    monkeypatch.setenv("SLIMSTAGE_DOCKER", str(forced))
    path = find_build_path(str(tmp_path / "other"))
    assert (path.cli, path.mode, path.client_version) == (str(forced), "builtin", "20.10.24")


def test_the_same_cli_reached_twice_is_tried_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SLIMSTAGE_DOCKER", raising=False)
    _fake_cli(tmp_path / "new", "28.2.2", buildx=False)
    (tmp_path / "link").mkdir()
    (tmp_path / "link" / "docker").symlink_to(tmp_path / "new" / "docker")
    with pytest.raises(EngineUnavailable) as info:
        find_build_path(os.pathsep.join([str(tmp_path / "new"), str(tmp_path / "link")]))
    assert info.value.message.count("has no buildx plugin") == 1
