import pytest

from tests.lint.helpers import lines, whole

BASE = "FROM python:3.13-slim AS b\nRUN pip install --user flask\nFROM python:3.13-slim\n"


def test_root_local_for_a_non_root_user() -> None:
    text = BASE + "COPY --from=b /root/.local /root/.local\nUSER app\n"
    assert lines(text, "SS203") == [4]


def test_root_local_while_running_as_root() -> None:
    assert lines(BASE + "COPY --from=b /root/.local /root/.local\n", "SS203") == []
    assert lines(BASE + "COPY --from=b /root/.local /root/.local\nUSER root\n", "SS203") == []


def test_user_and_copy_inherited_from_a_base_stage() -> None:
    text = (
        "FROM python:3.13-slim AS b\nRUN pip install --user flask\n"
        "FROM python:3.13-slim AS base\nCOPY --from=b /root/.local /root/.local\n"
        "FROM base\nUSER app:app\n"
    )
    assert lines(text, "SS203") == [4]


def test_root_local_as_one_of_several_sources() -> None:
    text = (
        "FROM python:3.13-slim AS b\nRUN pip install --user x\nFROM python:3.13-slim\n"
        "COPY --from=b /opt/app /root/.local /srv/\nUSER app\n"
    )
    assert lines(text, "SS203") == [4]


# Whole findings, message included, for Dockerfiles that each try one part of the rule.
SS203_CASES: list[tuple[str, list[tuple[int, str]]]] = [
    (
        (
            "FROM python:3.13 AS b\nRUN pip install --user x\nFROM "
            "python:3.13\nCOPY --from=b /root/.local /root/.local\nUSER "
            "app\n"
        ),
        [
            (
                4,
                (
                    "/root/.local is unreadable for USER app (line 5; /root is "
                    "0700): install into a virtualenv and copy that"
                ),
            )
        ],
    ),
    (
        "FROM python:3.13\nCOPY /root/.local /root/.local\nUSER app\n",
        [],
    ),
    (
        (
            "FROM python:3.13 AS b\nFROM python:3.13\nCOPY --from=b "
            "/root/.local/ /home/app/.local\nUSER app\n"
        ),
        [
            (
                3,
                (
                    "/root/.local is unreadable for USER app (line 4; /root is "
                    "0700): install into a virtualenv and copy that"
                ),
            )
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), SS203_CASES)
def test_the_whole_findings(text: str, expected: list[tuple[int, str]]) -> None:
    assert whole(text, "SS203") == expected
