import pytest

from tests.lint.helpers import lines, whole


def test_a_run_that_only_deletes() -> None:
    text = "FROM debian:12\nRUN apt-get update\nRUN rm -rf /var/lib/apt/lists/* && rm -f /tmp/x\n"
    assert lines(text, "SS105") == [3]


def test_find_delete_counts_as_deleting() -> None:
    assert lines("FROM debian:12\nRUN find / -name '*.pyc' -delete\n", "SS105") == [2]


def test_deleting_what_the_same_run_made_is_fine() -> None:
    text = "FROM debian:12\nRUN curl -o /tmp/x https://e.x && tar xf /tmp/x && rm /tmp/x\n"
    assert lines(text, "SS105") == []


def test_stages_the_final_one_is_built_from_count_builders_do_not() -> None:
    chain = "FROM debian:12 AS base\nRUN rm -rf /usr/share/doc\nFROM base\n"
    assert lines(chain, "SS105") == [2]
    builder = "FROM debian:12 AS b\nRUN rm -rf /usr/share/doc\nFROM debian:12\n"
    assert lines(builder, "SS105") == []


def test_shell_builtins_that_do_nothing_do_not_make_a_run_more_than_a_delete() -> None:
    for noop in ("true", ":", "set -eux"):
        text = f"FROM debian:12\nRUN {noop} && rm -rf /usr/share/doc\n"
        assert lines(text, "SS105") == [2], noop
    # A RUN of nothing but them deletes nothing.
    assert lines("FROM debian:12\nRUN true && :\n", "SS105") == []


def test_a_deleter_named_by_its_path_is_still_a_deleter() -> None:
    text = "FROM debian:12\nRUN /bin/rm -rf /usr/share/doc && /usr/bin/find /x -delete\n"
    assert lines(text, "SS105") == [2]
    # a program whose path merely ends in a deleter's name is not one
    assert lines("FROM debian:12\nRUN /opt/rm/tool /x\n", "SS105") == []
    assert lines("FROM debian:12\nRUN /opt/x/frm /x\n", "SS105") == []


def test_find_without_delete_only_looks() -> None:
    assert lines("FROM debian:12\nRUN find / -name '*.pyc'\n", "SS105") == []
    assert lines("FROM debian:12\nRUN rm -f /a && find / -name x\n", "SS105") == []


# Whole findings, message included, for Dockerfiles that each try one part of the rule.
SS105_CASES: list[tuple[str, list[tuple[int, str]]]] = [
    (
        "FROM debian:12\nRUN rm -rf /usr/share/doc\n",
        [
            (
                2,
                (
                    "this RUN only deletes files: the bytes stay in the earlier "
                    "layer; delete them in the RUN that created them"
                ),
            )
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), SS105_CASES)
def test_the_whole_findings(text: str, expected: list[tuple[int, str]]) -> None:
    assert whole(text, "SS105", dockerignore=True) == expected
