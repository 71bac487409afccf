"""Prefix questions (first/last before, a variable, a declaration) answer what walking
`Context.before` answers, on any arrangement of stages, FROM chains and ONBUILD triggers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slimstage.dockerfile import Instruction, parse
from slimstage.lint.prior import Lineages
from slimstage.lint.rule import Context
from slimstage.onbuild import Trigger

LINES = [
    "ENV A=1",
    "ENV B=2 A=3",
    'ENV A="q"',
    "ARG A",
    "ARG A=4",
    "ARG B=5 A=6",
    "RUN echo",
    'SHELL ["/bin/bash", "-c"]',
    "WORKDIR /x",
    "ONBUILD RUN echo",
    "ONBUILD ENV A=9",
    "ONBUILD ARG B=8",
    "ONBUILD WORKDIR /y",
]


def is_run(ins: Instruction) -> bool:
    return ins.cmd == "RUN"


def is_shell(ins: Instruction) -> bool:
    return ins.cmd == "SHELL"


def is_workdir(ins: Instruction) -> bool:
    return ins.cmd == "WORKDIR"


def _naive_declared(ctx: Context, ins: Instruction, name: str) -> bool:
    for e in ctx.before(ins):
        if e.cmd == "ENV" and name in e.value[0::2]:
            return True
        if e.cmd == "ARG" and e.stage == ins.stage:
            if any(w.partition("=")[0] == name for w in e.value):
                return True
    return False


@st.composite
def dockerfiles(draw: st.DrawFn) -> str:
    stages = draw(st.integers(min_value=1, max_value=5))
    text = []
    for index in range(stages):
        parent = draw(st.one_of(st.none(), st.integers(0, index - 1))) if index else None
        base = f"s{parent}" if parent is not None else "debian:12"
        text.append(f"FROM {base} AS s{index}")
        text += draw(st.lists(st.sampled_from(LINES), max_size=6))
    return "\n".join(text) + "\n"


@settings(max_examples=300, deadline=None)
@given(dockerfiles())
def test_prefix_questions_agree_with_walking_before(text: str) -> None:
    df = parse(text)
    ctx = Context(df, df.final(), frozenset(df.reachable()), True)
    for ins in (*df.instructions, *ctx.triggers):
        for test in (is_run, is_shell, is_workdir):
            passing = [e for e in ctx.before(ins) if test(e)]
            assert ctx.first_before(ins, test) == (passing[0] if passing else None)
            assert ctx.last_before(ins, test) == (passing[-1] if passing else None)
        for name in ("A", "B", "C"):
            assert ctx.variable(ins, name) == ctx.environment(ins).get(name)
            assert ctx.declared_before(ins, name) == _naive_declared(ctx, ins, name)


def test_lineages_are_worked_out_for_the_stages_asked() -> None:
    chain = "FROM debian:12 AS s0\n" + "".join(f"FROM s{i - 1} AS s{i}\n" for i in range(1, 3000))
    lineages = Lineages(parse(chain))
    assert len(lineages) == 3000
    assert [s.index for s in lineages[2]] == [0, 1, 2]
    assert len(lineages[2999]) == 3000
    assert lineages.get(-1) is None
    assert list(lineages)[:2] == [0, 1]


def test_answers_in_a_long_stage_and_a_long_chain() -> None:
    # Each question is answered from the stage's own list and a remembered lineage answer.
    count = 5000
    long_stage = "FROM debian:12\n" + "WORKDIR /w\nENV A=1\nRUN echo\n" * count
    df = parse(long_stage)
    ctx = Context(df, df.final(), frozenset(df.reachable()), True)
    runs = [ins for ins in df.instructions if ins.cmd == "RUN"]
    assert all(ctx.last_before(ins, is_workdir) is not None for ins in runs)
    assert ctx.variable(runs[-1], "A") == "1"
    chain = "FROM debian:12 AS s0\nENV A=0\n" + "".join(
        f"FROM s{i - 1} AS s{i}\nRUN echo\n" for i in range(1, count)
    )
    df = parse(chain)
    ctx = Context(df, df.final(), frozenset(df.reachable()), True)
    last_run = df.stages[-1].instructions[-1]
    assert ctx.variable(last_run, "A") == "0"
    first_run = ctx.first_before(last_run, is_run)
    assert first_run is not None
    assert first_run.line == 4


def _context(text: str) -> Context:
    df = parse(text)
    return Context(df, df.final(), frozenset(df.reachable()), True)


def test_lineages_have_no_stage_past_the_last() -> None:
    lineages = Lineages(parse("FROM debian:12 AS s0\nFROM s0 AS s1\n"))
    assert [s.index for s in lineages[1]] == [0, 1]
    assert lineages.get(2) is None
    assert 2 not in lineages
    with pytest.raises(KeyError) as caught:
        lineages[2]
    assert caught.value.args == (2,)


CHAIN = (
    "FROM debian:12 AS s0\nWORKDIR /a\nRUN echo 0\n"
    "FROM s0 AS s1\nWORKDIR /b\nRUN echo 1\n"
    "FROM s1 AS s2\nENV X=1\n"
    "FROM s2 AS s3\nCMD x\n"
)


def test_first_and_last_across_a_chain_with_a_stage_that_has_none() -> None:
    ctx = _context(CHAIN)
    # asked in file order, so later questions start from what earlier ones worked out
    for ins in ctx.dockerfile.instructions:
        for test in (is_run, is_workdir):
            passing = [e for e in ctx.before(ins) if test(e)]
            assert ctx.first_before(ins, test) == (passing[0] if passing else None)
            assert ctx.last_before(ins, test) == (passing[-1] if passing else None)
    cmd = ctx.dockerfile.stages[3].instructions[0]
    found = [ctx.first_before(cmd, is_workdir), ctx.last_before(cmd, is_workdir)]
    assert [(e.line, e.value) if e else None for e in found] == [(2, ("/a",)), (5, ("/b",))]


def test_the_last_before_a_trigger_is_an_earlier_trigger() -> None:
    # A trigger runs after the whole stage, and after the triggers written before it.
    text = (
        "FROM debian:12 AS s0\nONBUILD WORKDIR /b\nONBUILD RUN echo\nONBUILD WORKDIR /c\n"
        "WORKDIR /a\nFROM s0\n"
    )
    ctx = _context(text)
    run = next(t for t in ctx.triggers if t.cmd == "RUN")
    last = ctx.last_before(run, is_workdir)
    assert isinstance(last, Trigger)
    assert (last.line, last.value) == (2, ("/b",))
    first = ctx.first_before(run, is_workdir)
    assert first is not None
    assert (isinstance(first, Trigger), first.line) == (False, 5)


def test_declared_means_an_arg_or_env_that_names_the_variable() -> None:
    ctx = _context("FROM debian:12\nUSER builder\nARG VERSION=1 OTHER\nRUN echo\n")
    run = ctx.dockerfile.stages[0].instructions[-1]
    assert ctx.declared_before(run, "VERSION")
    assert ctx.declared_before(run, "OTHER")
    assert not ctx.declared_before(run, "builder")  # USER names a user, not a variable
