import pytest

from tests.lint.helpers import lines, whole


def test_legacy_env_and_label() -> None:
    assert lines("FROM debian:12\nENV PYTHONUNBUFFERED 1\nLABEL a b\n", "SS301") == [2, 3]


def test_key_value_form() -> None:
    assert lines('FROM debian:12\nENV A=1 B="two words"\n', "SS301") == []


# Whole findings, message included, for Dockerfiles that each try one part of the rule.
SS301_CASES: list[tuple[str, list[tuple[int, str]]]] = [
    (
        "FROM a\nENV A 1\n",
        [(2, "legacy `ENV A value` form: write `ENV A=value`")],
    ),
    (
        "FROM a\nENV A=1\n",
        [],
    ),
]


@pytest.mark.parametrize(("text", "expected"), SS301_CASES)
def test_the_whole_findings(text: str, expected: list[tuple[int, str]]) -> None:
    assert whole(text, "SS301") == expected


# Whole findings, message included, for Dockerfiles that each try one part of the rule.
SS301_MORE_CASES: list[tuple[str, list[tuple[int, str]]]] = [
    (
        "FROM a\nENV A one two\n",
        [(2, "legacy `ENV A value` form: write `ENV A=value`")],
    ),
    # Words end at BuildKit's blanks only: U+001C is part of a word there, not a separator.
    (
        "FROM a\nENV \x1c \x1c\n",
        [(2, "legacy `ENV \x1c value` form: write `ENV \x1c=value`")],
    ),
    (
        "FROM a\nENV a\x1cb c\n",
        [(2, "legacy `ENV a\x1cb value` form: write `ENV a\x1cb=value`")],
    ),
    (
        "FROM a\nLABEL\tx\ty\n",
        [(2, "legacy `LABEL x value` form: write `LABEL x=value`")],
    ),
    # A key with quotes or an escaped blank is one key, as BuildKit reads it: key=value forms.
    ('FROM a\nLABEL "my key"=c\n', []),
    ("FROM a\nENV A\\ B=1\n", []),
    ('FROM a\nENV "A B" c\n', [(2, 'legacy `ENV "A value` form: write `ENV "A=value`')]),
    ("  FROM a\n  env   A=1\n", []),
    ("FROM a\nENV \x1cA=1\n", []),  # U+001C starts the key: no blank to BuildKit
]


@pytest.mark.parametrize(("text", "expected"), SS301_MORE_CASES)
def test_more_whole_findings(text: str, expected: list[tuple[int, str]]) -> None:
    assert whole(text, "SS301") == expected
