from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from slimstage.engine import Engine
from tests.conftest import run_cli


def _doctor(env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli("doctor", env=env)


@pytest.mark.engine
def test_doctor_passes_with_an_engine_and_the_bases(engine: Engine) -> None:
    result = _doctor()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok   engine: Docker" in result.stdout
    assert "storage driver" in result.stdout
    assert "ok   buildkit:" in result.stdout
    assert "ok   base python:3.13-slim: stand-in" in result.stdout


@pytest.mark.engine
def test_doctor_without_an_engine_fails_with_one_line_fix(engine: Engine, tmp_path: Path) -> None:
    import os

    env = dict(os.environ, DOCKER_HOST=f"unix://{tmp_path}/stopped.sock")
    result = _doctor(env)
    assert result.returncode == 4
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAIL")]
    assert len(failed) == 1
    assert "engine" in failed[0]
    assert "fix: start it with scripts/ensure-docker" in failed[0]
