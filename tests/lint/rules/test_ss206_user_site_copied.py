import pytest

from tests.lint.helpers import lines, whole


def test_root_local_copied() -> None:
    text = (
        "FROM python:3.13-slim AS b\nRUN pip install --user x\nFROM python:3.13-slim\n"
        "COPY --from=b /root/.local /root/.local\n"
    )
    assert lines(text, "SS206") == [4]


def test_venv_copied() -> None:
    text = "FROM python:3.13-slim AS b\nFROM python:3.13-slim\nCOPY --from=b /opt/venv /opt/venv\n"
    assert lines(text, "SS206") == []


def test_copy_in_a_stage_the_final_one_is_built_from() -> None:
    text = (
        "FROM python:3.13-slim AS b\nRUN pip install --user x\n"
        "FROM python:3.13-slim AS base\nCOPY --from=b /root/.local /root/.local\nFROM base\n"
    )
    assert lines(text, "SS206") == [4]


def test_root_local_as_one_of_several_sources() -> None:
    text = (
        "FROM python:3.13-slim AS b\nRUN pip install --user x\nFROM python:3.13-slim\n"
        "COPY --from=b /opt/app /root/.local /srv/\n"
    )
    assert lines(text, "SS206") == [4]


# Whole findings, message included, for Dockerfiles that each try one part of the rule.
SS206_CASES: list[tuple[str, list[tuple[int, str]]]] = [
    (
        (
            "FROM python:3.13 AS b\nRUN pip install --user x\nFROM "
            "python:3.13\nCOPY --from=b /root/.local/ /root/.local\n"
        ),
        [
            (
                4,
                (
                    "user site-packages copied from /root/.local: a virtualenv "
                    "copied whole is self-contained and works for non-root users"
                ),
            )
        ],
    ),
    (
        "FROM python:3.13\nCOPY /root/.local /x\n",
        [],
    ),
]


@pytest.mark.parametrize(("text", "expected"), SS206_CASES)
def test_the_whole_findings(text: str, expected: list[tuple[int, str]]) -> None:
    assert whole(text, "SS206", dockerignore=True) == expected
