"""The command line as a user meets it: one line per error, documented exit codes."""

from __future__ import annotations

import subprocess
import sys
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
        ["analyze", "x.tar", "--top", "0"],
        ["analyze", "x.tar", "--min-efficiency", "1.5"],
        ["analyze", "x.tar", "--max-size", "lots"],
        ["compare", "--smoke-timeout", "-1"],
        ["lint"],
    ],
)
def test_usage_errors_are_one_line_exit_2(args: list[str]) -> None:
    result = _slimstage(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("slimstage: error:")
    assert "Traceback" not in result.stderr


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

    monkeypatch.setattr(cli, "parse", lambda _argv: (boom, None))
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

    monkeypatch.setattr(cli, "parse", lambda _argv: (interrupted, None))
    assert main(["doctor"]) == 130


def test_options_not_given_keep_their_defaults_in_one_place() -> None:
    from slimstage import cli, options

    command, chosen = cli.parse(["compare"])
    assert chosen == options.CompareOptions()
    _, chosen = cli.parse(["compare", "a", "b", "--jobs", "2", "--build-arg", "X=1", "--no-warm"])
    assert chosen == options.CompareOptions(
        paths=(Path("a"), Path("b")), jobs=2, build_arg={"X": "1"}, edit=None
    )
    assert command.__module__ == "slimstage.commands.compare"


def test_analyze_flags_are_parsed_once_into_its_gate_options() -> None:
    from slimstage import cli, options

    _, chosen = cli.parse(
        [
            *("analyze", "img", "--max-size", "1.5MB", "--min-efficiency", "0.9", "--top", "3"),
            *("--forbid-leftover", "compilers", "--forbid-leftover", "headers"),
        ]
    )
    assert chosen == options.AnalyzeOptions(
        target="img",
        top=3,
        gate=options.GateOptions(
            max_size=1_500_000, min_efficiency=0.9, forbid_leftover=("compilers", "headers")
        ),
    )


def test_the_cli_and_lint_import_no_engine_bases_or_analyses() -> None:
    code = (
        "import sys; from slimstage import cli; cli.parse(['lint', 'Dockerfile']);"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('slimstage'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    loaded = set(result.stdout.split())
    assert "slimstage.commands.lint" in loaded
    assert not {m for m in loaded if m.startswith(("slimstage.engine", "slimstage.bases"))}
    assert not {m for m in loaded if m.startswith(("slimstage.analyze", "slimstage.image"))}
