from tests.lint.helpers import lines


def test_no_user_in_final() -> None:
    assert lines("FROM debian:12 AS b\nUSER app\nFROM debian:12\n", "SS401") == [3]


def test_root_last() -> None:
    assert lines("FROM debian:12\nUSER app\nUSER root\n", "SS401") == [3]


def test_only_the_final_stage_counts() -> None:
    text = "FROM debian:12 AS builder\nRUN make\nFROM debian:12\nUSER 65532:65532\n"
    assert lines(text, "SS401") == []
