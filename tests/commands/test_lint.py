"""`slimstage lint` as a user runs it: exit codes, formats, config."""

from __future__ import annotations

import json
import subprocess
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
