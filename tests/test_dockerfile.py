"""The Dockerfile model on top of BuildKit's parser; fuzzing finds no crash."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slimstage.dockerfile import ParseError, parse
from slimstage.errors import UsageError
from slimstage.lint.runner import lint_text

MULTI = """\
# syntax comment
ARG PY=3.13
FROM python:${PY}-slim AS base
FROM base AS builder
RUN apt-get update && \\
    apt-get install -y gcc
RUN <<EOF
echo heredoc
EOF
FROM debian:12 AS unused
FROM base
COPY --from=builder /opt/venv /opt/venv
"""


def test_stages_lines_and_continuations() -> None:
    df = parse(MULTI)
    assert [s.label for s in df.stages] == ["base", "builder", "unused", "3"]
    run = df.stages[1].instructions[0]
    assert (run.line, run.end_line) == (5, 6)
    heredoc = df.stages[1].instructions[1]
    assert heredoc.heredocs == ("echo heredoc\n",)
    assert [a.value for a in df.global_args] == [("PY=3.13",)]
    assert df.comments == {1: "# syntax comment"}


def test_reachability_and_external_base() -> None:
    df = parse(MULTI)
    assert df.reachable() == {0, 1, 3}
    assert df.reachable("unused") == {2}
    assert df.external_base(df.stages[3]) == "python:3.13-slim"
    assert df.external_base(df.stages[3], {"PY": "3.11"}) == "python:3.11-slim"


def test_base_of_a_final_stage_from_scratch_is_scratch() -> None:
    df = parse("FROM python:3.13-slim AS build\nRUN true\nFROM scratch\nCOPY --from=build / /\n")
    assert df.external_base(df.final()) == "scratch"
    assert df.external_images() == ["python:3.13-slim"]


def test_base_of_a_final_stage_from_an_earlier_stage_is_that_stages_base() -> None:
    df = parse(
        "FROM debian:trixie-slim AS os\n"
        "FROM os AS builder\nRUN true\n"
        "FROM python:3.13-slim AS other\n"
        "FROM Builder\nRUN true\n"
    )
    assert [s.index for s in df.lineage(df.final())] == [3, 1, 0]
    assert df.external_base(df.final()) == "debian:trixie-slim"
    # The unused stage's image is not needed to build the final stage.
    assert df.external_images() == ["debian:trixie-slim"]
    assert df.external_images("other") == ["python:3.13-slim"]


def test_base_named_by_an_arg_is_expanded_like_buildkit_does() -> None:
    text = (
        "ARG BASE=python:3.13-slim\nARG TAG\nFROM $BASE AS one\nFROM debian:${TAG:-trixie}-slim\n"
    )
    df = parse(text)
    assert df.external_base(df.stages[0]) == "python:3.13-slim"
    assert df.external_base(df.stages[0], {"BASE": "python:3.11-slim"}) == "python:3.11-slim"
    assert df.external_base(df.final()) == "debian:trixie-slim"
    assert df.external_base(df.final(), {"TAG": "bookworm"}) == "debian:bookworm-slim"
    # A build argument that no ARG declares does not reach FROM lines.
    assert df.base_name(df.final(), {"UNDECLARED": "x"}) == "debian:trixie-slim"


def test_an_arg_naming_an_earlier_stage_makes_it_the_parent() -> None:
    df = parse("ARG FROM_STAGE=build\nFROM python:3.13-slim AS build\nFROM ${FROM_STAGE}\n")
    assert df.parent(df.final()) is df.stages[0]
    assert df.reachable() == {0, 1}


def test_unknown_target_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="no stage named 'nope'"):
        parse(MULTI).final("nope")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("", 1, "no FROM"),
        ("RUN echo hi\n", 1, "RUN before the first FROM"),
        ("FROM\n", 1, "FROM needs an image"),
        ("FROM a b c d\n", 1, "FROM takes IMAGE [AS NAME]"),
        ("FROM a\nFROOM b\n", 2, "unknown instruction 'FROOM'"),
        ("FROM a\nENV\n", 2, "ENV needs arguments"),
        ("FROM a\nCOPY <<EOF /x\nunterminated\n", 2, "cannot parse"),
        # a lone surrogate (text decoded with surrogateescape) would crash BuildKit's parser
        ("FROM a\nRUN echo \udce9\n", 2, "cannot parse: U+DCE9 is not a character"),
        ("\ud800", 1, "U+D800 is not a character"),
    ],
)
def test_unusable_files_get_a_line_numbered_error(text: str, line: int, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(text, "F")
    assert str(info.value).startswith(f"F:{line}: ")
    assert message in str(info.value)


LINES = st.sampled_from(
    [
        "FROM python:3.13-slim AS b",
        "FROM b",
        "FROM scratch",
        "ARG X=1",
        "ENV A 1",
        "ENV B=2",
        "RUN apt-get update && apt-get install -y gcc",
        "RUN pip install --user x \\",
        "COPY --from=b /a /a",
        "COPY . .",
        "USER app",
        "USER root",
        "WORKDIR app",
        "CMD x",
        'CMD ["x"]',
        "RUN <<EOF",
        "EOF",
        "HEALTHCHECK NONE",
        "# slimstage ignore=SS101",
        "# hadolint ignore=DL3008",
        "ADD http://x/y /z",
        "RUN rm -rf /x",
        "",
        "\\",
        "FROM",
        "COPY --from= /a /b",
        "RUN --mount=type=cache,from=b,target=/c ls",
        "FROM ${UNSET}",
        "ENV ${X}=1",
        "ONBUILD RUN pip install x \\",
        "ONBUILD RUN <<EOF",
        "onbuild ENV PIP_NO_CACHE_DIR=1",
        "ONBUILD",
        'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
        "RUN curl x | sh",
    ]
)


@settings(max_examples=300, deadline=None)
# Noise from any category, lone surrogates included (Hypothesis leaves them out by default).
@given(st.lists(LINES, max_size=12), st.text(st.characters(exclude_categories=()), max_size=40))
def test_fuzzed_files_lint_or_fail_cleanly(lines: list[str], noise: str) -> None:
    text = "\n".join([*lines, noise])
    # Any outcome but a clean finding list or a UsageError (exit 2) is a crash.
    try:
        findings = lint_text(text)
    except UsageError as exc:
        message = str(exc)
    else:
        message = ""
        assert all(f.line >= 1 for f in findings)
    assert message == "" or message.startswith("Dockerfile:")


def test_stage_lookup_and_long_from_chains() -> None:
    # Names are looked up case-insensitively, the first of two same-named stages wins, and a
    # chain of stages each built on the one before rests on the first stage's image.
    chain = "FROM python:3.13-slim AS s0\n" + "".join(
        f"FROM s{i - 1} AS s{i}\n" for i in range(1, 2000)
    )
    df = parse(chain + "FROM debian:12 AS S5\n")
    assert df.stage_named("S1999") is df.stages[1999]
    assert df.stage_named("s5") is df.stages[5]
    assert df.stage_named("2000") is df.stages[2000]
    assert df.stage_named("nope") is None
    assert df.external_base(df.stages[1999]) == "python:3.13-slim"
    assert df.external_base(df.stages[2000]) == "debian:12"
    assert df.reachable() == {2000}


def test_comment_lines_are_numbered_as_buildkit_numbers_lines() -> None:
    # Only "\n" ends a line for BuildKit; form feeds and NEL inside a line do not.
    text = "FROM debian:trixie-slim\nRUN echo a\x0cb\x85c\n# slimstage ignore=SS105\nRUN rm -f x\n"
    df = parse(text)
    assert df.comments == {3: "# slimstage ignore=SS105"}
    assert df.stages[0].instructions[1].line == 4


def test_build_args_reach_the_global_arg_values_and_the_images_needed() -> None:
    text = (
        "ARG BASE=python:3.13-slim\nARG BUILDER=build\n"
        "FROM debian:12 AS build\nFROM ${BASE} AS app\nFROM ${BUILDER}\n"
    )
    df = parse(text)
    assert df.arg_values({"BASE": "python:3.11-slim"})["BASE"] == "python:3.11-slim"
    assert df.arg_values()["BASE"] == "python:3.13-slim"
    # by default the final stage is built FROM the stage `build`: only debian:12 is needed
    assert df.external_images() == ["debian:12"]
    # a build argument can make it an outside image instead, and then `build` is not built
    assert df.reachable(None, {"BUILDER": "alpine:3.20"}) == {2}
    assert df.external_images(None, {"BUILDER": "alpine:3.20"}) == ["alpine:3.20"]
    assert df.external_images(None, {"BUILDER": "app"}) == ["python:3.13-slim"]
    assert df.external_images("app", {"BASE": "python:3.11-slim"}) == ["python:3.11-slim"]


def test_a_parser_error_on_no_heredoc_is_placed_on_the_first_line() -> None:
    with pytest.raises(ParseError, match=r"^F:1: cannot parse: invalid escape token"):
        parse("# escape=x\nFROM a\n", "F")
