import pytest

from tests.lint.helpers import findings, lines, whole


def test_copy_everything_then_install() -> None:
    text = "FROM python:3.13-slim\nCOPY . .\nRUN pip install -r requirements.txt\n"
    [finding] = findings(text, "SS106")
    assert finding.line == 2
    assert "line 3" in finding.message


def test_poetry_and_uv() -> None:
    assert lines("FROM python:3.13-slim\nCOPY . /app\nRUN poetry install\n", "SS106") == [2]
    assert lines("FROM python:3.13-slim\nCOPY . /app\nRUN uv sync --frozen\n", "SS106") == [2]


def test_manifest_first_is_fine() -> None:
    text = (
        "FROM python:3.13-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
        "COPY . .\n"
    )
    assert lines(text, "SS106") == []


def test_second_install_after_the_dependencies_is_fine() -> None:
    text = (
        "FROM python:3.13-slim\nCOPY pyproject.toml uv.lock ./\nRUN uv sync --no-install-project\n"
        "COPY . .\nRUN uv sync\n"
    )
    assert lines(text, "SS106") == []


def test_the_context_as_one_of_several_sources() -> None:
    text = "FROM python:3.13-slim\nCOPY setup.py . /app/\nRUN pip install -r requirements.txt\n"
    assert lines(text, "SS106") == [2]


def test_every_stage_is_judged() -> None:
    # the first stage installs before copying (the right order); the second one does not
    right_then_wrong = (
        "FROM python:3.13-slim AS deps\nCOPY requirements.txt .\n"
        "RUN pip install -r requirements.txt\nCOPY . .\n"
        "FROM python:3.13-slim\nCOPY . /app\nRUN poetry install\n"
    )
    assert lines(right_then_wrong, "SS106") == [6]
    both_wrong = (
        "FROM python:3.13-slim AS test\nCOPY . .\nRUN uv sync\n"
        "FROM python:3.13-slim\nCOPY . /app\nRUN uv sync\n"
    )
    assert lines(both_wrong, "SS106") == [2, 5]


# Whole findings, message included, for Dockerfiles that each try one part of the rule.
SS106_CASES: list[tuple[str, list[tuple[int, str]]]] = [
    (
        ("FROM python:3.13\nCOPY . /app\nRUN pip install -r /app/requirements.txt\n"),
        [
            (
                2,
                (
                    "the whole context is copied before dependencies are "
                    "installed (line 3): copy the dependency manifest first so "
                    "code edits reuse the cache"
                ),
            )
        ],
    ),
    (
        ("FROM python:3.13\nADD . /app\nRUN pip install -r /app/requirements.txt\n"),
        [
            (
                2,
                (
                    "the whole context is copied before dependencies are "
                    "installed (line 3): copy the dependency manifest first so "
                    "code edits reuse the cache"
                ),
            )
        ],
    ),
    (
        ("FROM python:3.13\nCOPY ./ /app\nRUN pip install -r /app/requirements.txt\n"),
        [
            (
                2,
                (
                    "the whole context is copied before dependencies are "
                    "installed (line 3): copy the dependency manifest first so "
                    "code edits reuse the cache"
                ),
            )
        ],
    ),
    (
        ("FROM python:3.13\nCOPY * /app/\nRUN pip install -r /app/requirements.txt\n"),
        [
            (
                2,
                (
                    "the whole context is copied before dependencies are "
                    "installed (line 3): copy the dependency manifest first so "
                    "code edits reuse the cache"
                ),
            )
        ],
    ),
    (
        (
            "FROM python:3.13 AS b\nFROM python:3.13\nCOPY --from=b . "
            "/app\nRUN pip install -r /app/requirements.txt\n"
        ),
        [],
    ),
    (
        ("FROM python:3.13\nCOPY . /app/\nCOPY x y\nRUN pip install -r /app/requirements.txt\n"),
        [
            (
                2,
                (
                    "the whole context is copied before dependencies are "
                    "installed (line 4): copy the dependency manifest first so "
                    "code edits reuse the cache"
                ),
            )
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), SS106_CASES)
def test_the_whole_findings(text: str, expected: list[tuple[int, str]]) -> None:
    assert whole(text, "SS106", dockerignore=True) == expected
