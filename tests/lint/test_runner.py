from __future__ import annotations

from pathlib import Path

from slimstage.lint.runner import has_dockerignore, lint_file, lint_text

TEXT = (
    "FROM debian:12\n"
    "# slimstage ignore=SS103\n"
    "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n"
    "# hadolint ignore=DL3025\n"
    "CMD python app.py\n"
    "CMD python again.py\n"
)


def _codes(
    text: str, ignore: tuple[str, ...] = (), target: str | None = None
) -> list[tuple[str, int]]:
    return [(f.code, f.line) for f in lint_text(text, ignore=ignore, target=target)]


def test_inline_ignores_apply_to_the_next_instruction_only() -> None:
    codes = _codes(TEXT)
    assert ("SS103", 3) not in codes
    assert ("SS304", 5) not in codes  # DL3025 maps to SS304
    assert ("SS304", 6) in codes


def test_ignore_option_accepts_both_code_families() -> None:
    codes = _codes(TEXT, ignore=("ss405", "DL3002"))
    assert not any(code in ("SS405", "SS401") for code, _ in codes)


def test_global_ignore_comment() -> None:
    text = "# hadolint global ignore=DL3002\nFROM debian:12\n"
    assert "SS401" not in [code for code, _ in _codes(text)]


def test_findings_are_sorted_by_line() -> None:
    lines = [line for _, line in _codes(TEXT)]
    assert lines == sorted(lines)


def test_dockerignore_next_to_the_file(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile.prod"
    dockerfile.write_text("FROM python:3.13-slim\nCOPY . /app\n")
    assert not has_dockerignore(dockerfile)
    assert "SS107" in [f.code for f in lint_file(dockerfile)]
    (tmp_path / "Dockerfile.prod.dockerignore").write_text("*\n")
    assert has_dockerignore(dockerfile)
    assert "SS107" not in [f.code for f in lint_file(dockerfile)]


def test_target_changes_the_final_stage() -> None:
    text = "FROM debian:12 AS dev\nRUN apt-get install -y gcc\nFROM debian:12\nUSER app\n"
    assert "SS101" not in [c for c, _ in _codes(text)]
    assert ("SS101", 2) in _codes(text, target="dev")
