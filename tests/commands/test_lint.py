"""`slimstage lint` as a user runs it: exit codes, formats, config."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import DEMO, run_cli

CORPUS = Path(__file__).parent.parent / "lint" / "corpus"


def _lint(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli("lint", *args, cwd=cwd)


def test_clean_file_exits_0_and_prints_nothing() -> None:
    result = _lint(str(CORPUS / "03-clean-venv.Dockerfile"))
    assert result.returncode == 0
    assert result.stdout == ""


def test_findings_exit_1() -> None:
    result = _lint(str(CORPUS / "01-seed-single-stage.Dockerfile"))
    assert result.returncode == 1
    assert "SS101 warning" in result.stdout


def test_failure_threshold_decides_the_exit_code() -> None:
    path = str(CORPUS / "17-relative-workdir.Dockerfile")  # one warning
    assert _lint(path, "--failure-threshold", "error").returncode == 0
    assert _lint(path, "--failure-threshold", "warning").returncode == 1


def test_unusable_input_exits_2_with_a_line_number() -> None:
    result = _lint(str(CORPUS / "32-broken-unknown.Dockerfile"))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().endswith(
        "32-broken-unknown.Dockerfile:2: unknown instruction 'COPPY'"
    )
    assert "Traceback" not in result.stderr
    missing = _lint(str(CORPUS / "nope.Dockerfile"))
    assert missing.returncode == 2
    assert "no such file" in missing.stderr


def test_json_and_sarif_parse() -> None:
    path = str(CORPUS / "07-alpine-single.Dockerfile")
    items = json.loads(_lint(path, "--format", "json").stdout)
    assert {item["code"] for item in items} >= {"SS101", "SS102", "SS304"}
    sarif = json.loads(_lint(path, "--format", "sarif").stdout)
    assert sarif["version"] == "2.1.0"
    assert len(sarif["runs"][0]["results"]) == len(items)


def test_ignore_flag_and_config_file(tmp_path: Path) -> None:
    path = str(CORPUS / "17-relative-workdir.Dockerfile")
    assert _lint(path, "--ignore", "DL3000").returncode == 0
    (tmp_path / ".slimstage.toml").write_text('ignore = ["SS303"]\n')
    assert _lint(path, cwd=tmp_path).returncode == 0


def test_the_demos_improved_dockerfiles_are_clean() -> None:
    for name in ("Dockerfile.multistage-venv", "Dockerfile.multistage-runtime"):
        result = _lint(str(DEMO / name))
        assert result.returncode == 0, result.stdout
    seed = _lint(str(DEMO / "Dockerfile"))
    assert "SS101" in seed.stdout


def _lint_stdin(text: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "slimstage", "lint", *args, "-"],
        input=text,
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )


def test_stdin_findings_are_named_dash(tmp_path: Path) -> None:
    result = _lint_stdin("FROM debian:12\nUSER 1000\nRUN cd /x\n", cwd=tmp_path)
    assert result.returncode == 1
    assert "-:3 SC2164 warning [stage 0]: Use 'cd ... || exit'" in result.stdout
    twice = run_cli("lint", "-", "-")
    assert twice.returncode == 2
    assert "standard input (-) can be linted once per run" in twice.stderr


def test_size_limit_and_flag_to_raise_it(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text('FROM debian:12\nUSER 1000\nHEALTHCHECK CMD ["true"]\n' + "# pad\n" * 50)
    refused = _lint(str(path), "--max-file-size", "100")
    assert refused.returncode == 2
    assert refused.stdout == ""
    assert refused.stderr.strip().splitlines() == [
        f"slimstage: error: {path}: 350B is over the 100B lint reads "
        "(fix: raise the limit with --max-file-size)"
    ]
    assert _lint(str(path), "--max-file-size", "1kB").returncode == 0
    assert _lint(str(path), "--max-file-size", "lots").returncode == 2


def test_build_arg_fills_an_arg_without_default(tmp_path: Path) -> None:
    text = 'ARG BASE\nFROM $BASE\nUSER 1000\nHEALTHCHECK CMD ["true"]\n'
    assert "SS306 error" in _lint_stdin(text, cwd=tmp_path).stdout
    assert _lint_stdin(text, "--build-arg", "BASE=debian:12", cwd=tmp_path).stdout == ""


def test_shellcheck_missing_or_off(tmp_path: Path) -> None:
    text = 'FROM debian:12\nUSER 1000\nHEALTHCHECK CMD ["true"]\nRUN echo $x\n'
    path = tmp_path / "Dockerfile"
    path.write_text(text)
    env = {**os.environ, "SLIMSTAGE_SHELLCHECK": str(tmp_path / "missing")}
    missing = run_cli("lint", str(path), env=env)
    assert missing.returncode == 2
    assert "SLIMSTAGE_SHELLCHECK" in missing.stderr
    assert "Traceback" not in missing.stderr
    off = run_cli("lint", "--no-shellcheck", str(path), env=env)
    assert (off.returncode, off.stdout) == (0, "")
    (tmp_path / ".slimstage.toml").write_text("shellcheck = false\n")
    assert run_cli("lint", str(path), env=env, cwd=tmp_path).returncode == 0


def test_control_characters_never_reach_the_terminal(tmp_path: Path) -> None:
    result = _lint_stdin("FROM \x1b]0;owned\x07debian\nCOPY --from=\x1b[2J a b\n", cwd=tmp_path)
    assert result.returncode == 1
    assert "\x1b" not in result.stdout
    assert "\x07" not in result.stdout
    assert "--from=\\x1b[2J: no stage" in result.stdout
