from tests.lint.helpers import lines


def test_untagged_and_latest() -> None:
    assert lines("FROM python\nFROM python:latest\nFROM registry:5000/img\n", "SS404") == [1, 2, 3]


def test_tagged_digest_stage_scratch_and_args() -> None:
    text = (
        "ARG B=debian:12\nFROM python:3.13-slim AS b\nFROM b\nFROM scratch\nFROM ${B}\n"
        "FROM debian@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
    )
    assert lines(text, "SS404") == []
