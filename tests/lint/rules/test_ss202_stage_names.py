from tests.lint.helpers import lines


def test_duplicate_name_case_insensitive() -> None:
    assert lines("FROM debian:12 AS b\nFROM debian:12 AS B\n", "SS202") == [2]


def test_reserved_name() -> None:
    assert lines("FROM debian:12 AS scratch\n", "SS202") == [1]


def test_distinct_names() -> None:
    assert lines("FROM debian:12 AS a\nFROM debian:12 AS b\n", "SS202") == []


def test_reserved_name_in_any_casing_and_context() -> None:
    assert lines("FROM debian:12 AS Scratch\n", "SS202") == [1]
    assert lines("FROM debian:12 AS context\n", "SS202") == [1]
    assert lines("FROM scratch AS empty\n", "SS202") == []


def test_unnamed_stages_in_between_are_skipped() -> None:
    text = "FROM debian:12\nFROM debian:12 AS b\nFROM debian:12\nFROM debian:12 AS B\n"
    assert lines(text, "SS202") == [4]
