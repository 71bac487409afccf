"""Every user-facing error has its own documented exit code and reads as one line."""

from __future__ import annotations

import re
from pathlib import Path

from slimstage import errors
from slimstage.errors import CommandFailed, SlimstageError

DOC = Path(__file__).resolve().parent.parent / "docs" / "exit-codes.md"


def test_each_error_class_has_a_distinct_documented_code() -> None:
    classes = [
        c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, SlimstageError)
    ]
    codes = {c.exit_code for c in classes if c is not SlimstageError}
    documented = {int(n) for n in re.findall(r"^\| (\d+) \|", DOC.read_text(), re.MULTILINE)}
    assert codes <= documented
    assert {errors.EXIT_UNEXPECTED, errors.EXIT_INTERRUPTED} <= documented
    assert len({c.exit_code for c in classes if c not in (SlimstageError,)}) == len(classes) - 1


def test_a_fix_is_appended_to_the_message() -> None:
    assert str(SlimstageError("no engine", fix="start it")) == "no engine (fix: start it)"
    assert str(SlimstageError("plain")) == "plain"


def test_command_failed_reads_like_a_bug_report() -> None:
    failed = CommandFailed(("docker", "save", "x"), 1, "out\n", "warning\nError: no such image\n")
    assert str(failed) == "command failed (exit 1): docker save x: Error: no such image"
    assert failed.exit_code == 6
    details = failed.details()
    assert "return code: 1" in details
    assert "    Error: no such image" in details
    assert "stdout:\n    out" in details


def test_command_failed_without_output_says_so() -> None:
    assert str(CommandFailed(("true",), 2, "", "")).endswith(": (no output)")
