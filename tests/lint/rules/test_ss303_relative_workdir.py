import pytest

from tests.lint.helpers import lines, whole


def test_relative() -> None:
    assert lines("FROM debian:12\nWORKDIR app\n", "SS303") == [2]


def test_absolute_or_variable() -> None:
    assert lines("FROM debian:12\nWORKDIR /app\nARG D=/x\nWORKDIR $D\n", "SS303") == []


# Whole findings, message included, for Dockerfiles that each try one part of the rule.
SS303_CASES: list[tuple[str, list[tuple[int, str]]]] = [
    (
        "FROM debian:12\nWORKDIR app\n",
        [(2, "WORKDIR app is relative: use an absolute path")],
    ),
    (
        'FROM debian:12\nWORKDIR "app"\n',
        [(2, "WORKDIR app is relative: use an absolute path")],
    ),
    (
        "FROM debian:12\nWORKDIR C:\\\\app\n",
        [],
    ),
    (
        "FROM debian:12\nWORKDIR $HOME/app\n",
        [],
    ),
    (
        "FROM debian:12\nWORKDIR a\n",
        [(2, "WORKDIR a is relative: use an absolute path")],
    ),
    (
        "FROM debian:12\nWORKDIR ab:\n",
        [(2, "WORKDIR ab: is relative: use an absolute path")],
    ),
    (
        "FROM debian:12\nWORKDIR C:\n",
        [],
    ),
    (
        "FROM debian:12\nWORKDIR X/app\n",
        [(2, "WORKDIR X/app is relative: use an absolute path")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), SS303_CASES)
def test_the_whole_findings(text: str, expected: list[tuple[int, str]]) -> None:
    assert whole(text, "SS303", dockerignore=True) == expected
