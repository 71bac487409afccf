import pytest

from slimstage.lint.rules.ss204_venv_python_mismatch import python_of
from tests.lint.helpers import lines, whole


def _text(builder: str, final: str) -> str:
    return (
        f"FROM {builder} AS b\nRUN python3 -m venv /opt/venv\n"
        f"FROM {final}\nCOPY --from=b /opt/venv /opt/venv\n"
    )


@pytest.mark.parametrize(
    ("builder", "final"),
    [
        ("python:3.12-slim", "python:3.13-slim"),
        ("python:3.11-slim", "gcr.io/distroless/python3-debian12"),
        ("debian:bookworm-slim", "slimstage/python:3.13-runtime"),
    ],
)
def test_mismatched_pythons(builder: str, final: str) -> None:
    assert lines(_text(builder, final), "SS204") == [4]


@pytest.mark.parametrize(
    ("builder", "final"),
    [
        ("python:3.13-slim", "python:3.13-alpine"),
        ("debian:bookworm-slim", "gcr.io/distroless/python3-debian12"),
        ("debian:trixie-slim", "slimstage/python:3.13-runtime"),
        ("mycorp/base:1", "python:3.13-slim"),
    ],
)
def test_same_or_unknown_pythons(builder: str, final: str) -> None:
    assert lines(_text(builder, final), "SS204") == []


def test_python_of() -> None:
    assert python_of("python:3.13-slim") == ("/usr/local", "3.13")
    assert python_of("debian:trixie-slim") == ("/usr", "3.13")
    assert python_of("ubuntu:24.04") is None


def test_python_of_a_pinned_or_mirrored_base() -> None:
    # the tag is read before a digest, and after a registry's port
    digest = "sha256:" + "0123456789abcdef" * 4
    assert python_of(f"python:3.12-slim@{digest}") == ("/usr/local", "3.12")
    assert python_of("registry.example:5000/library/debian:bookworm-slim") == ("/usr", "3.11")
    assert python_of("registry.example:5000/debian:trixie") == ("/usr", "3.13")


def test_the_venv_as_one_of_several_sources_after_other_instructions() -> None:
    text = (
        "FROM python:3.12-slim AS b\nRUN python3 -m venv /opt/venv\n"
        "FROM python:3.13-slim\nWORKDIR /srv\nCOPY app.py .\n"
        "COPY --from=b /srv/app /opt/venv /srv/\n"
    )
    assert lines(text, "SS204") == [6]


def test_a_copy_from_the_build_context_is_no_copy_between_stages() -> None:
    # whatever the stages are called, a COPY without --from takes the venv from the context
    text = (
        "FROM python:3.12-slim AS xxxx\nRUN python3 -m venv /opt/venv\n"
        "FROM python:3.13-slim\nCOPY venv /opt/venv\n"
    )
    assert lines(text, "SS204") == []


# Whole findings, message included, for Dockerfiles that each try one part of the rule.
SS204_CASES: list[tuple[str, list[tuple[int, str]]]] = [
    (
        (
            "FROM python:3.11 AS b\nRUN python -m venv /venv\nFROM "
            "python:3.13\nCOPY --from=b /venv /venv\n"
        ),
        [
            (
                4,
                (
                    "virtualenv built with Python 3.11 in /usr/local "
                    "(python:3.11) runs on Python 3.13 in /usr/local "
                    "(python:3.13)"
                ),
            )
        ],
    ),
    (
        (
            "FROM docker.io/library/python:3.11 AS b\nRUN python -m venv "
            "/venv\nFROM library/python:3.13-slim\nCOPY --from=b /venv "
            "/venv\n"
        ),
        [
            (
                4,
                (
                    "virtualenv built with Python 3.11 in /usr/local "
                    "(docker.io/library/python:3.11) runs on Python 3.13 in "
                    "/usr/local (library/python:3.13-slim)"
                ),
            )
        ],
    ),
    (
        ("FROM python:3.11 AS b\nFROM python:3.11\nCOPY --from=b /venv /venv\n"),
        [],
    ),
]


@pytest.mark.parametrize(("text", "expected"), SS204_CASES)
def test_the_whole_findings(text: str, expected: list[tuple[int, str]]) -> None:
    assert whole(text, "SS204") == expected
