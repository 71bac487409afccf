from tests.lint.helpers import lines

TEXT = "FROM python:3.13-slim\nCOPY . /app\n"


def test_copy_dot_without_dockerignore() -> None:
    assert lines(TEXT, "SS107", dockerignore=False) == [2]


def test_copy_dot_with_dockerignore() -> None:
    assert lines(TEXT, "SS107", dockerignore=True) == []


def test_copying_named_files_needs_no_dockerignore() -> None:
    assert lines("FROM python:3.13-slim\nCOPY app.py /app/\n", "SS107", dockerignore=False) == []
