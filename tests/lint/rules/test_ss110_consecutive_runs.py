from tests.lint.helpers import findings, lines


def test_two_single_command_runs() -> None:
    [finding] = findings("FROM debian:12\nRUN a\nRUN b\n", "SS110")
    assert finding.line == 3
    assert "line 2" in finding.message


def test_comments_between_do_not_separate_them() -> None:
    assert lines("FROM debian:12\nRUN a\n# why\nRUN b\n", "SS110") == [3 + 1]


def test_other_instructions_chained_commands_or_flags_separate_them() -> None:
    assert lines("FROM debian:12\nRUN a\nWORKDIR /x\nRUN b\n", "SS110") == []
    assert lines("FROM debian:12\nRUN a && b\nRUN c\n", "SS110") == []
    assert lines("FROM debian:12\nRUN a\nRUN b; c\n", "SS110") == []
    mounts = "FROM debian:12\nRUN --mount=type=secret,id=a a\nRUN --mount=type=secret,id=b b\n"
    assert lines(mounts, "SS110") == []
    same = "FROM debian:12\nRUN --mount=type=secret,id=a a\nRUN --mount=type=secret,id=a b\n"
    assert lines(same, "SS110") == [3]


def test_a_row_of_three() -> None:
    assert lines("FROM debian:12\nRUN a && b\nRUN c\nRUN d\nRUN e\n", "SS110") == [4, 5]


def test_only_the_image_counts() -> None:
    assert lines("FROM debian:12 AS b\nRUN a\nRUN b\nFROM debian:12\n", "SS110") == []
    assert lines("FROM debian:12 AS b\nRUN a\nRUN b\nFROM b\n", "SS110") == [3]
    assert lines("FROM debian:12 AS b\nRUN a\nFROM b\nRUN c\n", "SS110") == []
