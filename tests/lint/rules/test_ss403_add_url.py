import pytest

from tests.lint.helpers import lines, whole


def test_add_url() -> None:
    assert lines("FROM debian:12\nADD https://example.com/x.tgz /x/\n", "SS403") == [2]


def test_add_url_with_checksum_or_local_file() -> None:
    text = "FROM debian:12\nADD --checksum=sha256:abc https://example.com/x /x\nADD app.tgz /app/\n"
    assert lines(text, "SS403") == []


def test_a_url_among_several_sources() -> None:
    text = "FROM debian:12\nADD app.tgz https://example.com/x.tgz /opt/\n"
    assert whole(text, "SS403") == [
        (2, "ADD https://example.com/x.tgz downloads without a checksum")
    ]


# Whole findings, message included, for Dockerfiles that each try one part of the rule.
SS403_CASES: list[tuple[str, list[tuple[int, str]]]] = [
    (
        "FROM debian:12\nADD http://e.x/a /a\n",
        [(2, "ADD http://e.x/a downloads without a checksum")],
    ),
    (
        "FROM debian:12\nADD https://e.x/b /b\n",
        [(2, "ADD https://e.x/b downloads without a checksum")],
    ),
    (
        "FROM debian:12\nADD /a https://e.x/c\n",
        [],
    ),
]


@pytest.mark.parametrize(("text", "expected"), SS403_CASES)
def test_the_whole_findings(text: str, expected: list[tuple[int, str]]) -> None:
    assert whole(text, "SS403", dockerignore=True) == expected
