from __future__ import annotations

import gc
import io
from pathlib import Path

import pytest

from slimstage.errors import UsageError
from slimstage.lint import shellcheck
from slimstage.lint.runner import has_dockerignore, lint_file, lint_files, lint_text

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


def test_every_global_ignore_comment_counts() -> None:
    plain = "FROM debian\n"
    assert {code for code, _ in _codes(plain)} == {"SS401", "SS404", "SS405"}
    text = "# hadolint global ignore=DL3002\n# slimstage global ignore=SS404\n" + plain
    assert _codes(text) == [("SS405", 3)]


def test_an_ignore_comment_after_the_last_instruction_ignores_nothing() -> None:
    text = "FROM debian:12\nRUN apt-get install -y curl\n"
    assert _codes(text + "# hadolint ignore=DL3008\n") == _codes(text)


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


SC_TEXT = (
    "FROM debian:12\n"
    "# hadolint ignore=SC2086\n"
    "RUN echo $a\n"
    "# slimstage ignore=SC2154,SC2086\n"
    "RUN echo \\\n"
    "    $b\n"
    "RUN echo $c\n"
)


def test_shellcheck_codes_are_ignored_like_any_other() -> None:
    codes = _codes(SC_TEXT)
    assert ("SC2086", 3) not in codes  # hadolint's directive
    assert ("SC2154", 3) in codes
    # slimstage's directive covers the whole instruction, also its continuation lines
    assert not any(line == 6 for _, line in codes)
    assert {("SC2086", 7), ("SC2154", 7)} <= set(codes)
    assert not any(code == "SC2154" for code, _ in _codes(SC_TEXT, ignore=("sc2154",)))
    global_ignore = "# hadolint global ignore=SC2086\n" + SC_TEXT
    assert not any(code == "SC2086" for code, _ in _codes(global_ignore))


def test_without_shellcheck() -> None:
    text = 'FROM debian:12\nSHELL ["pwsh", "-c"]\nRUN echo\nFROM debian:12\nRUN echo $x\n'
    codes = {code for code, _ in _codes(text)}
    assert {"SS501", "SC2086"} <= codes
    quiet = {f.code for f in lint_text(text, run_shellcheck=False)}
    assert not any(code.startswith("SC") or code in ("SS501", "SS502") for code in quiet)


def test_stdin_is_named_dash_and_uses_the_current_folders_dockerignore(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = b"FROM python:3.13-slim\nCOPY . /app\nRUN echo $x\n"
    found = lint_files(["-"], stdin=io.BytesIO(text))
    assert {f.file for f in found} == {"-"}
    assert {"SS107", "SC2086"} <= {f.code for f in found}
    (tmp_path / ".dockerignore").write_text(".git\n")
    assert "SS107" not in {f.code for f in lint_files(["-"], stdin=io.BytesIO(text))}


def test_files_over_the_size_limit_are_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("FROM debian:12\n" + "RUN true\n" * 100)
    with pytest.raises(UsageError, match=r"Dockerfile: 915B is over the 100B lint reads"):
        lint_files([path], max_bytes=100)
    with pytest.raises(UsageError, match=r"-: more is over the 100B lint reads"):
        lint_files(["-"], max_bytes=100, stdin=io.BytesIO(path.read_bytes()))
    assert lint_files([path], max_bytes=915, run_shellcheck=False) is not None


def test_unreadable_input_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "bad").write_bytes(b"FROM debian:12\nRUN echo \xff\n")
    with pytest.raises(UsageError, match="bad: cannot read"):
        lint_files([tmp_path / "bad"])
    with pytest.raises(UsageError, match="cannot read"):
        lint_files([tmp_path])  # a folder


def test_one_shellcheck_process_for_all_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "calls"
    wrapper = tmp_path / "shellcheck"
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> {log}\nexec {shellcheck.binary()} "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv(shellcheck.ENV_VAR, str(wrapper))
    paths = []
    for i in range(5):
        path = tmp_path / f"Dockerfile.{i}"
        path.write_text(f"FROM debian:12\nRUN echo $v{i}\nRUN cd /{i}\n")
        paths.append(path)
    found = lint_files(paths)
    assert len(log.read_text().splitlines()) == 1
    assert [(Path(f.file).name, f.code, f.line) for f in found if f.code == "SC2164"] == [
        (f"Dockerfile.{i}", "SC2164", 3) for i in range(5)
    ]


def test_a_shellcheck_that_hangs_becomes_a_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sleeper = tmp_path / "shellcheck"
    sleeper.write_text("#!/bin/sh\nexec sleep 30\n")
    sleeper.chmod(0o755)
    monkeypatch.setenv(shellcheck.ENV_VAR, str(sleeper))
    monkeypatch.setattr(shellcheck, "TIMEOUT", 0.5)
    [skipped] = [f for f in lint_text("FROM debian:12\nRUN echo $x\n") if f.code == "SS502"]
    assert skipped.line == 2
    assert skipped.message == "ShellCheck stopped: no result within 0.5 s"


OPTIONS_TEXT = (
    "ARG TAG\nARG DB_PASSWORD=hunter2\n"
    "FROM debian:${TAG} AS dev\nRUN apt-get install -y gcc\n"
    "FROM debian:12\nRUN echo $x\n"
)


def test_lint_file_passes_every_option_on(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(OPTIONS_TEXT)
    found = lint_file(
        path, target="dev", ignore=["SS311"], build_args={"TAG": "12"}, run_shellcheck=False
    )
    assert [(f.code, f.line, f.stage) for f in found] == [
        ("SS402", 2, None),  # a global ARG belongs to no stage
        ("SS401", 3, "dev"),
        ("SS405", 3, "dev"),
        ("SS101", 4, "dev"),  # the target is the image
        ("SS103", 4, "dev"),
        ("SS205", 5, "1"),  # the last stage, unnamed, is known by its index
    ]
    # without the build argument, FROM debian:${TAG} has no tag (SS306), and ShellCheck runs
    codes = {(f.code, f.line) for f in lint_file(path)}
    assert {("SS306", 3), ("SC2154", 6), ("SS311", 4)} <= codes


def test_a_plain_dockerignore_in_the_folder_counts(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM python:3.13-slim\nCOPY . /app\n")
    (tmp_path / ".dockerignore").write_text("*\n")
    assert has_dockerignore(dockerfile)


def test_shellcheck_findings_name_their_stage() -> None:
    text = "FROM debian:12 AS build\nRUN echo $x\nFROM debian:12\nRUN echo $y\n"
    found = {(f.code, f.line, f.stage) for f in lint_text(text) if f.code == "SC2154"}
    assert found == {("SC2154", 2, "build"), ("SC2154", 4, "1")}


def _run_of(chars: int, fill: str = "x") -> str:
    """A RUN line of exactly CHARS characters, on which ShellCheck says SC2164 (cd unchecked)."""
    start = "RUN cd /a; echo "
    return start + fill * (chars - len(start))


def _counting_shellcheck(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    log = tmp_path / "calls"
    wrapper = tmp_path / "shellcheck"
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> {log}\nexec {shellcheck.binary()} "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv(shellcheck.ENV_VAR, str(wrapper))
    monkeypatch.setattr(shellcheck, "MAX_SCRIPT_CHARS", 100)
    return log


def test_files_are_shellchecked_in_runs_of_at_most_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = _counting_shellcheck(tmp_path, monkeypatch)
    paths = []
    for i in range(4):  # 50 characters each: two files a run
        path = tmp_path / f"Dockerfile.{i}"
        path.write_text(f"FROM debian:12\n{_run_of(50, str(i))}\n")  # distinct scripts
        paths.append(path)
    found = lint_files(paths)
    assert [line.split()[-2:] for line in log.read_text().splitlines()] == [
        ["1.sh", "2.sh"],
        ["1.sh", "2.sh"],
    ]
    assert sorted(Path(f.file).name for f in found if f.code == "SC2164") == [p.name for p in paths]


def test_a_file_over_the_limit_is_left_out_and_the_rest_still_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _counting_shellcheck(tmp_path, monkeypatch)
    sizes = {"over": 101, "exact": 100, "after": 30}
    paths = []
    for name, chars in sizes.items():
        path = tmp_path / name
        path.write_text(f"FROM debian:12\n{_run_of(chars)}\n")
        paths.append(path)
    found = lint_files(paths)
    checked = sorted(Path(f.file).name for f in found if f.code == "SC2164")
    assert checked == ["after", "exact"]


def test_text_is_linted_as_if_a_dockerignore_were_there_unless_told() -> None:
    text = "FROM debian:12\nCOPY . /app\n"
    assert "SS107" not in {f.code for f in lint_text(text, run_shellcheck=False)}
    found = lint_text(text, run_shellcheck=False, dockerignore=False)
    assert "SS107" in {f.code for f in found}


def test_linting_leaves_the_garbage_collector_as_it_found_it() -> None:
    assert gc.isenabled()
    lint_text(TEXT, run_shellcheck=False)
    assert gc.isenabled()
    gc.disable()
    try:
        lint_text(TEXT, run_shellcheck=False)
        assert not gc.isenabled()
    finally:
        gc.enable()
