"""What a rule is: severities by name, findings placed on the right line and stage."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from slimstage.dockerfile import Instruction, Stage, parse
from slimstage.lint.rule import Context, Finding, Rule, Severity


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
