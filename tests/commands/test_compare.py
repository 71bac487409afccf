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
            "Dockerfile.badrun": "FROM python:3.13-slim\nRUN echo step one && exit 7\n",
        },
    )
    prefix = f"slimstage-test-{uuid.uuid4().hex[:8]}"
    report = tmp_path / "report.html"
    result = run_cli(
        *("compare", str(folder), "--format", "json", "--tag-prefix", prefix, "--no-warm"),
        *("--smoke-timeout", "30", "--log-dir", str(tmp_path / "logs"), "--html", str(report)),
    )
    assert result.returncode == 1, result.stderr[-2000:]
    document = json.loads(result.stdout)  # stdout is the result only
    by_name = {v["name"]: v for v in document["variants"]}
    assert (by_name["Dockerfile"]["status"], by_name["Dockerfile"]["error"]) == ("ok", None)
    assert by_name["Dockerfile"]["smoke"]["ok"]
    nobase = by_name["nobase"]
    assert nobase["status"] == "skipped"
    assert nobase["error"].startswith("base image slimstage-test/no-such-base:1 is not present")
    assert "\n" not in nobase["error"]
    assert by_name["crashes"]["status"] == "failed"
    assert "container exited (3)" in by_name["crashes"]["error"]
    badrun = by_name["badrun"]
    assert badrun["status"] == "failed"
    assert badrun["error"].startswith("build failed (exit 1)")
    # Off a terminal: one plain line per state change, no escape codes; the failing build's
    # last lines and its log file; the skipped variant's log file.
    err = result.stderr
    assert "\x1b" not in err
    assert "compare: badrun: building" in err
    assert "compare: badrun failed: build failed (exit 1); last" in err
    assert f"{tmp_path / 'logs' / 'badrun.log'}:" in err
    assert "step one" in (tmp_path / "logs" / "badrun.log").read_text()
    assert f"(full log: {tmp_path / 'logs' / 'nobase.log'})" in err
    assert "2 of 4 variants failed: badrun, crashes" in err
    assert "1 variant(s) skipped here (not a failure without --strict): nobase" in err
    assert report.read_text().count('<g class="bar"') >= 4
    left = proc.run([engine.cli, "image", "ls", "-q", "--filter", f"reference={prefix}/*"])
    assert left.stdout.strip() == ""


@pytest.mark.engine
def test_a_skipped_variant_fails_the_run_only_with_strict(tmp_path: Path) -> None:
    folder = _write(
        tmp_path / "skips", {"Dockerfile": 'FROM slimstage-test/no-such-base:1\nCMD ["true"]\n'}
    )
    relaxed = run_cli("compare", str(folder), "--no-warm", "--log-dir", str(tmp_path / "l1"))
    assert relaxed.returncode == 0, relaxed.stderr[-1500:]
    assert "Dockerfile skipped: base image slimstage-test/no-such-base:1" in relaxed.stdout
    strict = run_cli(
        "compare", str(folder), "--no-warm", "--strict", "--log-dir", str(tmp_path / "l2")
    )
    assert strict.returncode == 1
    assert "skipped here (they fail the run (--strict))" in strict.stderr


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
            "--log-dir",
            str(tmp_path / "logs"),
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
        "--log-dir",
        str(tmp_path / "logs"),
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
    error = json.loads(without_arg.stdout)["variants"][0]["error"]
    assert "GET /hello.txt: status 404, expected 2xx or 3xx" in error


def test_compare_of_a_missing_path_is_exit_2_before_any_engine_is_asked(tmp_path: Path) -> None:
    env = {"PATH": str(tmp_path), "HOME": str(tmp_path)}  # no docker CLI at all
    result = run_cli("compare", str(tmp_path / "nope"), env=env)
    assert result.returncode == 2
    assert result.stderr.strip() == f"slimstage: error: {tmp_path / 'nope'}: no such file or folder"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--config", "nope.toml"), "--config nope.toml: no such file"),
        (("--expect-body", "("), "not a regular expression"),
        (("--port", "http"), "--port: expected a TCP port"),
        (("--with", "redis"), "--with redis: no such sidecar"),
        (("--env", "NOEQUALS"), "expected KEY=VALUE"),
    ],
)
def test_bad_smoke_settings_are_exit_2_before_any_engine_is_asked(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    folder = _write(tmp_path / "v", {"Dockerfile": SERVES})
    env = {"PATH": str(tmp_path), "HOME": str(tmp_path)}  # no docker CLI at all
    result = run_cli("compare", str(folder), *args, env=env, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert result.stdout == ""
