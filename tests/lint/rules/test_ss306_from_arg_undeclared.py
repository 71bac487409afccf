import pytest

from slimstage.lint.runner import lint_text
from tests.lint.helpers import findings, lines, whole


def test_arg_declared_inside_a_stage_is_not_visible_in_from() -> None:
    text = "FROM debian:12\nARG VERSION=3.13\nFROM python:${VERSION}-slim\n"
    assert lines(text, "SS306") == [3]


def test_global_arg() -> None:
    text = "ARG VERSION=3.13\nFROM python:${VERSION}-slim\n"
    assert lines(text, "SS306") == []


def test_arg_without_default_and_without_build_arg_is_empty() -> None:
    text = "ARG BASE\nARG PY=\nFROM $BASE\nFROM python:${PY}-slim\nFROM ${BASE:-debian:12}\n"
    found = findings(text, "SS306")
    assert [f.line for f in found] == [3, 4]
    assert found[0].message == (
        "ARG BASE (line 1) has no default and no --build-arg sets it: FROM $BASE names the image ''"
    )
    assert "names the image 'python:-slim'" in found[1].message


def test_build_args_fill_them() -> None:
    text = "ARG BASE\nFROM $BASE\n"
    assert _lines_with(text, {"BASE": "debian:12"}) == []
    [finding] = [f for f in lint_text(text, build_args={"BASE": ""}) if f.code == "SS306"]
    assert finding.message.startswith("--build-arg BASE= is empty")


def test_platform_args_are_filled_by_buildkit() -> None:
    text = "ARG TARGETARCH\nFROM example/app-${TARGETARCH}:1\n"
    assert lines(text, "SS306") == []


def _lines_with(text: str, build_args: dict[str, str]) -> list[int]:
    return [f.line for f in lint_text(text, build_args=build_args) if f.code == "SS306"]


def test_the_image_shown_has_the_other_args_expanded() -> None:
    text = "ARG REGISTRY=registry.example\nARG TAG\nFROM $REGISTRY/python:$TAG\n"
    [finding] = findings(text, "SS306")
    assert finding.message.endswith("names the image 'registry.example/python:'")


# Whole findings, message included, for Dockerfiles that each try one part of the rule.
SS306_CASES: list[tuple[str, list[tuple[int, str]]]] = [
    (
        "ARG V\nFROM python:${V}\n",
        [
            (
                2,
                (
                    "ARG V (line 1) has no default and no --build-arg sets it: "
                    "FROM python:${V} names the image 'python:'"
                ),
            )
        ],
    ),
    (
        'ARG V=""\nFROM python:${V}\n',
        [
            (
                2,
                (
                    "ARG V (line 1) is empty and no --build-arg sets it: "
                    "FROM python:${V} names the image 'python:'"
                ),
            )
        ],
    ),
    (
        "ARG V=3.13\nFROM python:${V}\n",
        [],
    ),
    (
        "FROM python:${NOPE}\n",
        [(1, "FROM uses $NOPE, which no ARG before the first FROM declares")],
    ),
    (
        "ARG V\nARG V=3.13\nFROM python:${V}\n",
        [],
    ),
]


@pytest.mark.parametrize(("text", "expected"), SS306_CASES)
def test_the_whole_findings(text: str, expected: list[tuple[int, str]]) -> None:
    assert whole(text, "SS306") == expected


def test_every_reference_in_a_from_line_is_judged() -> None:
    # after a platform ARG BuildKit fills, an undeclared name, and one with a default of its own
    assert whole("ARG V\nFROM ${TARGETOS}/python:${V}\n", "SS306") == [
        (
            2,
            "ARG V (line 1) has no default and no --build-arg sets it: "
            "FROM ${TARGETOS}/python:${V} names the image 'linux/python:'",
        )
    ]
    assert [line for line, _ in whole("FROM ${NOPE}/x:${NOPE2}\n", "SS306")] == [1, 1]
    assert [line for line, _ in whole("ARG A\nARG V\nFROM ${A:-x}:${V}\n", "SS306")] == [3]


def test_an_empty_build_arg_names_the_image_the_build_would_pull() -> None:
    found = lint_text("ARG V=3.13\nFROM python:${V}\n", run_shellcheck=False, build_args={"V": ""})
    assert [(f.line, f.message) for f in found if f.code == "SS306"] == [
        (2, "--build-arg V= is empty: FROM python:${V} names the image 'python:'")
    ]


def test_a_default_of_one_letter_is_a_value() -> None:
    assert whole("ARG TAG=X\nFROM example/app:${TAG}\n", "SS306") == []
    assert whole("ARG TAG='X'\nFROM example/app:${TAG}\n", "SS306") == []
    found = lint_text("ARG TAG\nFROM example/app:${TAG}\n", build_args={"TAG": "X"})
    assert [f for f in found if f.code == "SS306"] == []


def test_a_blank_default_is_as_empty_as_none() -> None:
    """BuildKit refuses `python: ` as it refuses `python:`: a default of blanks sets nothing."""
    assert whole('ARG V=" "\nFROM python:${V}\n', "SS306") == [
        (
            2,
            "ARG V (line 1) is blank and no --build-arg sets it: "
            "FROM python:${V} names the image 'python: '",
        )
    ]


def test_a_build_arg_is_taken_as_given_quotes_and_all() -> None:
    """--build-arg values reach the build unquoted by any shell: `""` is two characters."""
    text = "ARG TAG\nFROM python:${TAG}\n"
    assert [f for f in lint_text(text, build_args={"TAG": '""'}) if f.code == "SS306"] == []
    [blank] = [f for f in lint_text(text, build_args={"TAG": " "}) if f.code == "SS306"]
    assert blank.message == (
        "--build-arg TAG=  is blank: FROM python:${TAG} names the image 'python: '"
    )


def test_defaults_are_read_with_the_args_declared_before_them() -> None:
    assert whole("ARG A=3.13\nARG B=$A\nFROM python:${B}\n", "SS306") == []
    assert whole("ARG A\nARG B=$A\nFROM python:${B}\n", "SS306") == [
        (
            3,
            "ARG B (line 2) is empty and no --build-arg sets it: "
            "FROM python:${B} names the image 'python:'",
        )
    ]


def test_a_later_arg_without_default_keeps_the_earlier_value() -> None:
    assert whole("ARG V=3.13\nARG V\nFROM python:${V}\n", "SS306") == []
    assert whole('ARG V=""\nARG V\nFROM python:${V}\n', "SS306") == [
        (
            3,
            "ARG V (line 1) is empty and no --build-arg sets it: "
            "FROM python:${V} names the image 'python:'",
        )
    ]
