from tests.lint.helpers import lines


def test_mismatch() -> None:
    assert lines("FROM debian:12 as b\n", "SS302") == [1]
    assert lines("from debian:12 AS b\n", "SS302") == [1]


def test_match() -> None:
    assert lines("FROM debian:12 AS b\nfrom debian:12 as c\n", "SS302") == []
