import pytest

from tests.lint.helpers import lines, whole

TEXT = "FROM python:3.13-slim\nCOPY . /app\n"


def test_copy_dot_without_dockerignore() -> None:
    assert lines(TEXT, "SS107", dockerignore=False) == [2]


def test_copy_dot_with_dockerignore() -> None:
    assert lines(TEXT, "SS107", dockerignore=True) == []


def test_copying_named_files_needs_no_dockerignore() -> None:
    assert lines("FROM python:3.13-slim\nCOPY app.py /app/\n", "SS107", dockerignore=False) == []


def test_the_context_as_one_of_several_sources() -> None:
    text = "FROM python:3.13-slim\nCOPY pyproject.toml . /app/\n"
    assert lines(text, "SS107", dockerignore=False) == [2]


# Whole findings, message included, for Dockerfiles that each try one part of the rule.
SS107_CASES: list[tuple[str, list[tuple[int, str]]]] = [
    (
        "FROM debian:12\nCOPY . /app\n",
        [(2, "the whole context is copied and there is no .dockerignore")],
    ),
    (
        "FROM debian:12\nADD ./ /app\n",
        [(2, "the whole context is copied and there is no .dockerignore")],
    ),
    (
        "FROM debian:12 AS b\nFROM debian:12\nCOPY --from=b . /app\n",
        [],
    ),
    (
        "FROM debian:12\nCOPY app.py . \n",
        [],
    ),
]


@pytest.mark.parametrize(("text", "expected"), SS107_CASES)
def test_the_whole_findings(text: str, expected: list[tuple[int, str]]) -> None:
    assert whole(text, "SS107", dockerignore=False) == expected
