"""`slimstage compare` as a user runs it, on small Dockerfiles and the real engine."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from slimstage import proc
from slimstage.engine import LABEL, Engine
from tests.conftest import run_cli

SERVES = 'FROM python:3.13-slim\nEXPOSE 8000\nCMD ["python", "-m", "http.server", "8000"]\n'


def _write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


@pytest.mark.engine
def test_cli_reports_every_failure_and_exits_1(engine: Engine, tmp_path: Path) -> None:
    folder = _write(
        tmp_path / "variants",
        {
            "Dockerfile": SERVES,
            "Dockerfile.nobase": 'FROM slimstage-test/no-such-base:1\nCMD ["true"]\n',
            "Dockerfile.crashes": (
                'FROM python:3.13-slim\nEXPOSE 8000\nCMD ["python", "-c", "raise SystemExit(3)"]\n'
            ),
            "Dockerfile.badrun": "FROM python:3.13-slim\nRUN exit 7\n",
        },
    )
    prefix = f"slimstage-test-{uuid.uuid4().hex[:8]}"
    result = run_cli(
        "compare",
        str(folder),
        "--format",
        "json",
        "--tag-prefix",
        prefix,
        "--no-warm",
        "--smoke-timeout",
        "30",
    )
    assert result.returncode == 1, result.stderr[-2000:]
    document = json.loads(result.stdout)
    by_name = {v["name"]: v for v in document["variants"]}
    assert by_name["Dockerfile"]["error"] is None
    assert by_name["Dockerfile"]["smoke"]["ok"]
    assert "slimstage-test/no-such-base:1 is not present" in by_name["nobase"]["error"]
    assert by_name["crashes"]["smoke"]["ok"] is False
    assert "container exited (3)" in by_name["crashes"]["error"]
    assert "build failed (exit 1)" in by_name["badrun"]["error"]
    assert "exit 7" in by_name["badrun"]["error"]
    assert "3 of 4 variants failed" in result.stderr
    left = proc.run([engine.cli, "image", "ls", "-q", "--filter", f"reference={prefix}/*"])
    assert left.stdout.strip() == ""


@pytest.mark.engine
def test_ctrl_c_during_a_smoke_test_leaves_nothing_behind(engine: Engine, tmp_path: Path) -> None:
    folder = _write(
        tmp_path / "hangs",
        {"Dockerfile": 'FROM python:3.13-slim\nEXPOSE 8000\nCMD ["sleep", "600"]\n'},
    )
    prefix = f"slimstage-test-{uuid.uuid4().hex[:8]}"
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "slimstage",
            "compare",
            str(folder),
            "--tag-prefix",
            prefix,
            "--no-warm",
            "--smoke-timeout",
            "120",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 240
        running: list[str] = []
        while time.monotonic() < deadline and not running:
            time.sleep(0.5)
            listed = proc.run(
                [
                    engine.cli,
                    "ps",
                    "--filter",
                    f"label={LABEL}=true",
                    "--format",
                    "{{.ID}} {{.Image}}",
                ],
                check=False,
            ).stdout.splitlines()
            running = [line.split()[0] for line in listed if line.split()[1].startswith(prefix)]
            if child.poll() is not None:
                break
        assert running, "the smoke-test container never started"
        os.kill(child.pid, signal.SIGINT)
        _, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 130, err[-1000:]
    assert "interrupted" in err
    assert proc.run([engine.cli, "ps", "-aq", "--filter", f"id={running[0]}"]).stdout.strip() == ""
    left = proc.run([engine.cli, "image", "ls", "-q", "--filter", f"reference={prefix}/*"])
    assert left.stdout.strip() == ""


@pytest.mark.engine
def test_build_args_and_target_reach_the_build(engine: Engine, tmp_path: Path) -> None:
    folder = _write(
        tmp_path / "args",
        {
            "Dockerfile": (
                "FROM python:3.13-slim AS serve\nARG MSG=unset\nWORKDIR /srv\n"
                'RUN echo "$MSG" > "/srv/$MSG.txt"\nEXPOSE 8000\n'
                'CMD ["python", "-m", "http.server", "8000"]\n'
                "FROM serve AS broken\n"
                'CMD ["python", "-c", "raise SystemExit(9)"]\n'
            )
        },
    )
    base = [
        "compare",
        str(folder),
        "--format",
        "json",
        "--no-warm",
        "--smoke-path",
        "/hello.txt",
        "--smoke-timeout",
        "30",
    ]
    with_both = run_cli(*base, "--build-arg", "MSG=hello", "--target", "serve")
    assert with_both.returncode == 0, with_both.stderr[-1500:]
    assert json.loads(with_both.stdout)["variants"][0]["smoke"]["ok"] is True
    # Without the target, the last stage is built and its container exits.
    without_target = run_cli(*base, "--build-arg", "MSG=hello")
    assert without_target.returncode == 1
    assert "container exited (9)" in json.loads(without_target.stdout)["variants"][0]["error"]
    # Without the build argument, /hello.txt does not exist: 404 is no good answer.
    without_arg = run_cli(*base, "--target", "serve", "--smoke-timeout", "5")
    assert without_arg.returncode == 1
    assert "last status: 404" in json.loads(without_arg.stdout)["variants"][0]["error"]


def test_compare_of_a_missing_path_is_exit_2_before_any_engine_is_asked(tmp_path: Path) -> None:
    env = {"PATH": str(tmp_path), "HOME": str(tmp_path)}  # no docker CLI at all
    result = run_cli("compare", str(tmp_path / "nope"), env=env)
    assert result.returncode == 2
    assert result.stderr.strip() == f"slimstage: error: {tmp_path / 'nope'}: no such file or folder"
