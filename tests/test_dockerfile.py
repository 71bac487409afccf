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


def test_flags_keep_every_equals_sign_of_their_value_and_bare_flags_are_empty() -> None:
    df = parse(
        "FROM a\nRUN --mount=type=cache,target=/root/.cache ls\nCOPY --link --chmod=755 a b\n"
    )
    run, copy = df.stages[0].instructions
    assert run.flag("mount") == "type=cache,target=/root/.cache"
    assert copy.flag("link") == ""
    assert copy.flag("chmod") == "755"
    assert copy.flag("from") is None


def test_a_stage_number_past_the_last_stage_names_none() -> None:
    df = parse("FROM a\nFROM b\nFROM c\n")
    assert df.stage_named("2") is df.stages[2]
    assert df.stage_named("3") is None


LINEAGE = (
    "ARG BUILDER=build\nFROM debian:12 AS build\nFROM python:3.13-slim AS app\nFROM ${BUILDER}\n"
)


@pytest.mark.parametrize(
    ("build_args", "chain", "base"),
    [
        ({}, [2, 0], "debian:12"),
        ({"BUILDER": "app"}, [2, 1], "python:3.13-slim"),
        ({"BUILDER": "alpine:3.20"}, [2], "alpine:3.20"),
    ],
)
def test_build_args_choose_the_lineage_whatever_was_asked_before(
    build_args: dict[str, str], chain: list[int], base: str
) -> None:
    df = parse(LINEAGE)
    final = df.final()
    # with these build arguments first, then with none, then with these again
    default: tuple[dict[str, str], list[int], str] = ({}, [2, 0], "debian:12")
    for args, expected_chain, expected_base in [(build_args, chain, base), default] * 2:
        assert [s.index for s in df.lineage(final, args)] == expected_chain
        assert df.external_base(final, args) == expected_base


def test_only_an_earlier_stage_can_be_a_parent() -> None:
    # BuildKit looks a FROM up among the stages before it: a later stage's name, or the
    # stage's own, is an image's
    df = parse("FROM later AS first\nFROM debian:12 AS later\nFROM app AS app\n")
    first, _, app = df.stages
    assert df.parent(first) is None
    assert df.parent(app) is None
    assert df.external_base(first) == "later"
    assert df.external_base(app) == "app"
    assert [s.index for s in df.lineage(app)] == [2]


def test_dependencies_are_earlier_stages_from_every_mount() -> None:
    df = parse(
        "FROM debian:12 AS a\nFROM debian:12 AS b\n"
        "FROM debian:12 AS c\n"
        "RUN --mount=type=bind,from=a,target=/a --mount=type=cache,target=/c ls\n"
        "RUN --mount=type=cache,target=/d --mount=from=b,target=/b ls\n"
        "COPY --from=c /x /x\n"
        "COPY --from=d /y /y\n"
        "FROM debian:12 AS d\n"
    )
    assert df.dependencies(df.stages[2]) == {0, 1}


def test_every_stage_reached_through_shared_dependencies_is_built() -> None:
    # s4 uses s0 and s3; s3 uses s1 and s2; s2 uses s1: s1 is reached twice before s0
    df = parse(
        "FROM debian:12 AS s0\nFROM debian:12 AS s1\nFROM s1 AS s2\n"
        "FROM s2 AS s3\nCOPY --from=s1 / /\n"
        "FROM s3 AS s4\nCOPY --from=s0 / /\n"
    )
    assert df.reachable() == {0, 1, 2, 3, 4}


def test_a_from_with_too_many_words_shows_them() -> None:
    with pytest.raises(ParseError) as info:
        parse("FROM a b c d\n", "F")
    assert str(info.value) == "F:1: FROM takes IMAGE [AS NAME], got 'a b c d'"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("FROM a\udce9\nRUN x\nRUN y\n", 1),
        ("\nFROM a\udce9\n", 2),
        ("FROM a\n\nRUN \udce9\n\n\n", 3),
    ],
)
def test_a_lone_surrogate_is_placed_on_its_line(text: str, line: int) -> None:
    with pytest.raises(ParseError) as info:
        parse(text, "F")
    assert str(info.value).startswith(f"F:{line}: cannot parse: U+")


def test_indented_comment_lines_are_comments() -> None:
    df = parse("FROM a\n    # slimstage ignore=SS105\nRUN rm -f x\n")
    assert df.comments == {2: "# slimstage ignore=SS105"}
    assert df.stages[0].instructions[0].line == 3


def test_a_from_instruction_is_in_the_stage_it_starts() -> None:
    df = parse("ARG V=1\nFROM a\nRUN x\nfrom b\nRUN y\n")
    assert [(ins.cmd, ins.stage) for ins in df.instructions] == [
        ("ARG", -1),
        ("FROM", 0),
        ("RUN", 0),
        ("FROM", 1),
        ("RUN", 1),
    ]
    assert df.stages[1].from_instruction.stage == 1


@pytest.mark.parametrize("keyword", ["ENV", "LABEL", "ARG", "USER", "WORKDIR", "EXPOSE", "label"])
def test_instructions_that_need_arguments(keyword: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(f"FROM a\n{keyword}\n", "F")
    assert str(info.value) == f"F:2: {keyword.upper()} needs arguments"
