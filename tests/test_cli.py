"""The command line as a user meets it: one line per error, documented exit codes."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from slimstage import __version__
from slimstage.cli import main
from tests.conftest import run_cli


def _slimstage(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, env=env)


def test_version() -> None:
    result = _slimstage("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"slimstage {__version__}"


@pytest.mark.parametrize(
    "args",
    [
        ["frobnicate"],
        [],
        ["compare", "--jobs", "many"],
        ["compare", "--build-arg", "NOEQUALS"],
        ["base", "build", "--release", "potato"],
    ],
)
def test_usage_errors_are_one_line_exit_2(args: list[str]) -> None:
    result = _slimstage(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("slimstage: error:")
    assert "Traceback" not in result.stderr


def test_compare_of_a_missing_path_is_exit_2(tmp_path: Path) -> None:
    result = _slimstage("compare", str(tmp_path / "nope"))
    assert result.returncode == 2
    assert result.stderr.strip() == f"slimstage: error: {tmp_path / 'nope'}: no such file or folder"


def test_no_engine_is_exit_4_with_a_fix(tmp_path: Path) -> None:
    env = {"PATH": str(tmp_path), "HOME": str(tmp_path)}
    result = _slimstage("compare", str(Path(__file__).parent.parent / "demo"), env=env)
    assert result.returncode == 4
    assert "no docker CLI found" in result.stderr
    assert "fix:" in result.stderr
    assert "Traceback" not in result.stderr


def test_unexpected_errors_say_they_are_bugs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from slimstage import cli

    def boom(_args: object) -> int:
        raise RuntimeError("kaput")

    monkeypatch.setattr(cli, "_dispatch", boom)
    assert main(["doctor"]) == 3
    err = capsys.readouterr().err
    assert "unexpected error: RuntimeError: kaput" in err
    assert "--debug" in err
    assert "Traceback" not in err
    assert main(["--debug", "doctor"]) == 3
    assert "Traceback" in capsys.readouterr().err


def test_ctrl_c_is_exit_130(monkeypatch: pytest.MonkeyPatch) -> None:
    from slimstage import cli

    def interrupted(_args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_dispatch", interrupted)
    assert main(["doctor"]) == 130
