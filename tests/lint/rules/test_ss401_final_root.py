import pytest

from tests.lint.helpers import lines, whole


def test_no_user_in_final() -> None:
    assert lines("FROM debian:12 AS b\nUSER app\nFROM debian:12\n", "SS401") == [3]


def test_root_last() -> None:
    assert lines("FROM debian:12\nUSER app\nUSER root\n", "SS401") == [3]


def test_only_the_final_stage_counts() -> None:
    text = "FROM debian:12 AS builder\nRUN make\nFROM debian:12\nUSER 65532:65532\n"
    assert lines(text, "SS401") == []


def test_nonroot_tagged_base_counts_as_a_user() -> None:
    assert lines("FROM gcr.io/distroless/python3-debian12:nonroot\n", "SS401") == []
    assert lines("FROM gcr.io/distroless/python3-debian12:latest\n", "SS401") == [1]


def test_root_with_any_group_is_root() -> None:
    assert lines("FROM debian:12\nUSER root:staff\n", "SS401") == [2]
    assert lines("FROM debian:12\nUSER 0:app\n", "SS401") == [2]
    assert lines('FROM debian:12\nUSER "0"\n', "SS401") == [2]
    assert lines("FROM debian:12\nUSER app:root\n", "SS401") == []


def test_user_inherited_from_a_base_stage() -> None:
    inherited = "FROM debian:12 AS base\nUSER app\nFROM base\nRUN true\n"
    assert lines(inherited, "SS401") == []
    root = "FROM debian:12 AS base\nUSER root\nFROM base\nRUN true\n"
    assert lines(root, "SS401") == [2]
    switched = "FROM debian:12 AS base\nUSER root\nFROM base\nUSER app\n"
    assert lines(switched, "SS401") == []


def test_nonroot_base_under_a_stage_chain() -> None:
    text = "FROM gcr.io/distroless/python3-debian12:nonroot AS base\nFROM base\n"
    assert lines(text, "SS401") == []


def test_the_user_is_the_part_before_the_first_colon() -> None:
    # USER takes user[:group]; the runtime reads the user up to the first colon
    assert lines("FROM debian:12\nUSER root:staff:x\n", "SS401") == [2]
    assert lines("FROM debian:12\nUSER app:root:x\n", "SS401") == []


def test_nonroot_is_read_in_the_tag_not_in_the_registry_or_path() -> None:
    assert lines("FROM localhost:5000/nonroot/app:1.0\n", "SS401") == [1]
    assert lines("FROM localhost:5000/distroless/python3:nonroot\n", "SS401") == []


# Whole findings, message included, for Dockerfiles that each try one part of the rule.
SS401_CASES: list[tuple[str, list[tuple[int, str]]]] = [
    (
        "FROM debian:12\nRUN true\n",
        [(1, "the image sets no USER: the container runs as root")],
    ),
    (
        "FROM debian:12\nUSER app\nUSER root\n",
        [(3, "the image switches to root last: the container runs as root")],
    ),
    (
        "FROM scratch\nCOPY x /x\n",
        [],
    ),
    (
        "FROM gcr.io/distroless/static:nonroot\n",
        [],
    ),
    (
        "FROM nonroot/thing:1\n",
        [(1, "the image sets no USER: the container runs as root")],
    ),
    # The tag stays the tag when a digest pins it, and a registry's port is no tag.
    (
        "FROM gcr.io/distroless/static:nonroot@sha256:" + "0123456789abcdef" * 4 + "\n",
        [],
    ),
    (
        "FROM localhost:5000/nonroot-tools\n",
        [(1, "the image sets no USER: the container runs as root")],
    ),
    (
        "FROM localhost:5000/tools:nonroot\n",
        [],
    ),
    (
        "FROM example:nonroot\n",
        [],
    ),
]


@pytest.mark.parametrize(("text", "expected"), SS401_CASES)
def test_the_whole_findings(text: str, expected: list[tuple[int, str]]) -> None:
    assert whole(text, "SS401", dockerignore=True) == expected
