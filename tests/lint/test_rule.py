"""What a rule is: severities by name, findings placed on the right line and stage; and the
context rules are given: the image's stage chain, triggers, what comes before what."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from slimstage.dockerfile import Instruction, Stage, parse
from slimstage.errors import UsageError
from slimstage.lint.rule import Context, Finding, Rule, Severity, unquote


def test_severities_order_and_names() -> None:
    assert Severity.STYLE < Severity.INFO < Severity.WARNING < Severity.ERROR
    assert Severity.named("Warning") is Severity.WARNING
    assert str(Severity.ERROR) == "error"
    with pytest.raises(ValueError, match="known: style, info, warning, error"):
        Severity.named("fatal")


def test_a_rule_places_findings_on_instruction_or_stage_lines() -> None:
    df = parse("ARG V=1\nFROM debian:trixie-slim AS base\nRUN true\nFROM base\nUSER app\n")

    def check(ctx: Context) -> Iterator[tuple[Instruction | Stage, str]]:
        yield ctx.dockerfile.global_args[0], "before any stage"
        yield ctx.dockerfile.stages[0].instructions[0], "in a named stage"
        yield ctx.final, "about the final stage"

    rule = Rule("SS999", Severity.INFO, "Test", check)
    ctx = Context(df, df.final(), frozenset(df.reachable()), True)
    assert list(rule.run(ctx)) == [
        Finding("SS999", Severity.INFO, "Dockerfile", 1, None, "before any stage"),
        Finding("SS999", Severity.INFO, "Dockerfile", 3, "base", "in a named stage"),
        Finding("SS999", Severity.INFO, "Dockerfile", 4, "1", "about the final stage"),
    ]


TEXT = """\
ARG BASE=python:3.13-slim
FROM ${BASE} AS os
ENV A=1 B="two words"
ONBUILD RUN echo from-os
FROM os AS deps
ARG C=3 D
RUN pip install six
ONBUILD ENV E=5
ONBUILD RUN echo from-deps
FROM debian:12 AS tools
ENV F=6
FROM deps
ENV A=7
RUN echo final
"""


def _context(text: str = TEXT, target: str | None = None) -> Context:
    df = parse(text)
    return Context(df, df.final(target), frozenset(df.reachable(target)), True)


def _at(ctx: Context, line: int) -> Instruction:
    return next(i for i in ctx.dockerfile.instructions if i.line == line)


def test_the_image_is_the_final_stage_and_the_stages_it_is_built_from() -> None:
    ctx = _context()
    assert [s.label for s in ctx.image_stages] == ["os", "deps", "3"]
    assert [s.label for s in ctx.lineages[2]] == ["tools"]
    assert [i.line for i in ctx.image_instructions] == [3, 4, 6, 7, 8, 9, 13, 14]


def test_target_changes_the_image() -> None:
    assert [s.label for s in _context(target="deps").image_stages] == ["os", "deps"]


def test_triggers_are_the_instructions_inside_onbuild() -> None:
    ctx = _context()
    assert [(t.cmd, t.line) for t in ctx.triggers] == [("RUN", 4), ("ENV", 8), ("RUN", 9)]
    assert [i.line for i in ctx.shipped("RUN")] == [7, 14, 4, 9]


def test_before_follows_the_lineage_and_stops_at_the_instruction() -> None:
    ctx = _context()
    assert [i.line for i in ctx.before(_at(ctx, 7))] == [3, 4, 6]
    assert [i.line for i in ctx.before(_at(ctx, 14))] == [3, 4, 6, 7, 8, 9, 13]


def test_a_trigger_sees_its_whole_stage_and_the_triggers_before_it() -> None:
    ctx = _context()
    trigger = ctx.triggers[2]
    assert [i.line for i in ctx.before(trigger)] == [3, 4, 6, 7, 8, 9, 8]


def test_environment_has_lineage_env_and_the_stages_own_arg_defaults() -> None:
    ctx = _context()
    assert ctx.environment(_at(ctx, 7)) == {"A": "1", "B": "two words", "C": "3"}
    assert ctx.environment(_at(ctx, 14)) == {"A": "7", "B": "two words"}


def test_unquote_removes_one_matching_pair() -> None:
    assert unquote('"a b"') == "a b"
    assert unquote("'x'") == "x"
    assert unquote("\"x'") == "\"x'"
    assert unquote('"') == '"'
    assert unquote("XabX") == "XabX"  # only quotes are quotes


def _check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    yield from ((t, "found") for t in ctx.triggers)


def test_findings_in_triggers_say_where_they_run() -> None:
    rule = Rule("SS999", Severity.INFO, "test", _check)
    found = list(rule.run(_context()))
    assert [(f.line, f.stage) for f in found] == [(4, "os"), (8, "deps"), (9, "deps")]
    assert all(
        f.message.endswith("(ONBUILD trigger: runs in the image built FROM this one)")
        for f in found
    )


def test_an_unusable_onbuild_is_refused_before_any_rule_runs() -> None:
    df = parse("FROM debian:12\nONBUILD FROM python:3.13-slim\n", "F")
    with pytest.raises(UsageError, match="F:2: FROM is not allowed inside ONBUILD"):
        Context(df, df.final(), frozenset(df.reachable()), True)


def test_an_arg_default_may_hold_an_equals_sign() -> None:
    ctx = _context("FROM debian:12\nARG OPTS=--x=1 EMPTY=\nRUN true\n")
    assert ctx.environment(_at(ctx, 3)) == {"OPTS": "--x=1", "EMPTY": ""}


# Checked against BuildKit: in a stage built FROM another, the stage's own ARG default wins over
# the parent's ENV of the same name, a later ENV in the stage wins over both, and an ARG of an
# earlier stage is not seen at all.
SCOPES = """FROM debian:12 AS one
ENV X=env Y=why Z=zed
ARG ONLY_ONE=1
FROM one
ARG X=arg
RUN echo $X $Y $Z $ONLY_ONE
ENV X=later
RUN echo $X
ENV B=c A=B C=d
ARG OPTS=--x=1
RUN echo $B $OPTS
"""


@pytest.mark.parametrize(
    ("line", "name", "value"),
    [
        (6, "X", "arg"),
        (6, "Y", "why"),
        (6, "Z", "zed"),
        (6, "ONLY_ONE", None),
        (8, "X", "later"),
        (8, "NOWHERE", None),
        (11, "B", "c"),  # a value that is also a name is a value
        (11, "A", "B"),
        (11, "OPTS", "--x=1"),
    ],
)
def test_variable_answers_as_buildkit_sets_the_variable(
    line: int, name: str, value: str | None
) -> None:
    ctx = _context(SCOPES)
    assert ctx.variable(_at(ctx, line), name) == value
    expected = ctx.environment(_at(ctx, line)).get(name)
    assert value == expected  # the whole environment agrees
