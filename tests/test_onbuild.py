"""The instruction inside ONBUILD, parsed as one of its own."""

from __future__ import annotations

import pytest

from slimstage.dockerfile import ParseError, parse
from slimstage.onbuild import Trigger, triggers


def test_triggers_keep_flags_heredocs_and_the_onbuild_lines() -> None:
    text = (
        "FROM python:3.13-slim\n"
        "onbuild RUN --mount=type=cache,target=/root/.cache/pip \\\n"
        "    pip install -r requirements.txt\n"
        "ONBUILD COPY --from=build /opt/venv /opt/venv\n"
        "ONBUILD RUN <<EOF\napt-get update\nEOF\n"
        "FROM python:3.13-slim AS second\n"
        "ONBUILD ENV PIP_NO_CACHE_DIR=1\n"
    )
    run, copy, heredoc, env = triggers(parse(text))
    assert all(isinstance(t, Trigger) for t in (run, copy, heredoc, env))
    assert (run.cmd, run.line, run.end_line, run.stage) == ("RUN", 2, 3, 0)
    assert run.flags == ("--mount=type=cache,target=/root/.cache/pip",)
    assert copy.flag("from") == "build"
    assert copy.value == ("/opt/venv", "/opt/venv")
    assert heredoc.heredocs == ("apt-get update\n",)
    assert (heredoc.line, heredoc.end_line) == (5, 7)
    assert (env.cmd, env.value, env.line, env.stage) == ("ENV", ("PIP_NO_CACHE_DIR", "1"), 9, 1)


def test_a_file_without_onbuild_has_no_triggers() -> None:
    assert triggers(parse("FROM python:3.13-slim\nRUN true\n")) == []


def test_the_escape_directive_applies_inside_the_trigger() -> None:
    text = "# escape=`\nFROM python:3.13-slim\nONBUILD RUN pip install `\n    flask\n"
    [trigger] = triggers(parse(text))
    assert trigger.value[0].split() == ["pip", "install", "flask"]
    assert (trigger.line, trigger.end_line) == (3, 4)


def test_an_indented_escape_directive_applies_inside_the_trigger() -> None:
    # BuildKit reads a directive after leading blanks as well
    text = "  # escape=`\nFROM python:3.13-slim\nONBUILD RUN pip install `\n    flask\n"
    df = parse(text)
    [trigger] = triggers(df)
    assert trigger.value == df.instructions[1].value
    assert trigger.value[0].split() == ["pip", "install", "flask"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("ONBUILD", "ONBUILD needs an instruction"),
        ("ONBUILD ONBUILD RUN x", "ONBUILD is not allowed inside ONBUILD"),
        ("ONBUILD FROM b", "FROM is not allowed inside ONBUILD"),
        ("ONBUILD maintainer me", "MAINTAINER is not allowed inside ONBUILD"),
        ("ONBUILD COPPY x y", "in ONBUILD: unknown instruction 'COPPY'"),
        ("ONBUILD ENV", "in ONBUILD: ENV needs arguments"),
    ],
)
def test_unusable_triggers_name_the_onbuild_line(line: str, message: str) -> None:
    with pytest.raises(ParseError) as info:
        triggers(parse(f"FROM a\n{line}\n", "F"))
    assert str(info.value) == f"F:2: {message}"


def test_the_file_s_path_never_garbles_a_trigger_s_message() -> None:
    with pytest.raises(ParseError) as info:
        triggers(parse("FROM a\nONBUILD COPPY x y\n", "ci:1: Dockerfile"))
    assert str(info.value) == "ci:1: Dockerfile:2: in ONBUILD: unknown instruction 'COPPY'"


@pytest.mark.parametrize(
    "text",
    ["FROM a\nONBUILD \\\n  FROM x\n", "# escape=`\nFROM a\nONBUILD `\n  FROM x\n"],
)
def test_a_trigger_continued_on_the_next_line_is_judged_by_its_instruction(text: str) -> None:
    with pytest.raises(ParseError) as info:
        triggers(parse(text, "F"))
    assert str(info.value).endswith(": FROM is not allowed inside ONBUILD")


def test_lines_end_where_buildkit_ends_them() -> None:
    """U+2028 is a line break to str.splitlines, not to BuildKit: the trigger is on line 3."""
    [trigger] = triggers(parse("FROM a\n# note\u2028more\nONBUILD RUN echo hi\n"))
    assert (trigger.cmd, trigger.value, trigger.line) == ("RUN", ("echo hi",), 3)
