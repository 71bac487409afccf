from tests.lint.helpers import lines


def test_arg_declared_inside_a_stage_is_not_visible_in_from() -> None:
    text = "FROM debian:12\nARG VERSION=3.13\nFROM python:${VERSION}-slim\n"
    assert lines(text, "SS306") == [3]


def test_global_arg() -> None:
    text = "ARG VERSION=3.13\nFROM python:${VERSION}-slim\n"
    assert lines(text, "SS306") == []
