from tests.lint.helpers import lines


def test_relative() -> None:
    assert lines("FROM debian:12\nWORKDIR app\n", "SS303") == [2]


def test_absolute_or_variable() -> None:
    assert lines("FROM debian:12\nWORKDIR /app\nARG D=/x\nWORKDIR $D\n", "SS303") == []
