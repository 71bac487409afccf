from tests.lint.helpers import lines


def test_no_user_in_final() -> None:
    assert lines("FROM debian:12 AS b\nUSER app\nFROM debian:12\n", "SS401") == [3]


def test_root_last() -> None:
    assert lines("FROM debian:12\nUSER app\nUSER root\n", "SS401") == [3]


def test_only_the_final_stage_counts() -> None:
    text = "FROM debian:12 AS builder\nRUN make\nFROM debian:12\nUSER 65532:65532\n"
    assert lines(text, "SS401") == []


def test_nonroot_tagged_base_counts_as_a_user() -> None:
    assert lines("FROM gcr.io/distroless/python3-debian12:nonroot\n", "SS401") == []
    assert lines("FROM gcr.io/distroless/python3-debian12:latest\n", "SS401") == [1]
