from tests.lint.helpers import findings, lines


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
