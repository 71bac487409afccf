import pytest

from tests.lint.helpers import lines, whole


def test_no_healthcheck() -> None:
    assert lines("FROM debian:12\n", "SS405") == [1]


def test_healthcheck_in_final_stage() -> None:
    assert lines('FROM debian:12\nHEALTHCHECK CMD ["true"]\n', "SS405") == []


def test_inherited_or_disabled_healthcheck() -> None:
    inherited = 'FROM debian:12 AS base\nHEALTHCHECK CMD ["true"]\nFROM base\n'
    assert lines(inherited, "SS405") == []
    assert lines("FROM debian:12\nHEALTHCHECK NONE\n", "SS405") == []
    unrelated = 'FROM debian:12 AS base\nHEALTHCHECK CMD ["true"]\nFROM debian:12\n'
    assert lines(unrelated, "SS405") == [3]


def test_one_finding_for_the_image_not_per_stage() -> None:
    text = "FROM debian:12 AS a\nFROM a AS b\nFROM b\n"
    assert lines(text, "SS405") == [3]


# Whole findings, message included, for Dockerfiles that each try one part of the rule.
SS405_CASES: list[tuple[str, list[tuple[int, str]]]] = [
    (
        "FROM debian:12\n",
        [(1, "the image has no HEALTHCHECK")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), SS405_CASES)
def test_the_whole_findings(text: str, expected: list[tuple[int, str]]) -> None:
    assert whole(text, "SS405", dockerignore=True) == expected
