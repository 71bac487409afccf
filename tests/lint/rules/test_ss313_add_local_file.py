import pytest

from tests.lint.helpers import findings, lines, whole


def test_local_file() -> None:
    [finding] = findings("FROM python:3.13-slim\nADD app.py /app/\n", "SS313")
    assert finding.line == 2
    assert "COPY" in finding.message


@pytest.mark.parametrize(
    "source",
    ["vendor.tar", "data.gz", "x.bz2", "x.xz", "x.tgz", '"x.tgz"', "deps.tar.gz",
     "https://example.invalid/get-pip.py", '"http://example.invalid/x"',
     "git@github.com:example/repo.git"],
)  # fmt: skip
def test_archives_and_remote_sources(source: str) -> None:
    assert lines(f"FROM python:3.13-slim\nADD {source} /opt/\n", "SS313") == []


@pytest.mark.parametrize(
    "source", ["static.zip", '"static.zip"', "app-1.0.whl", ".", "vendor.tgz app.py"]
)
def test_files_add_does_not_unpack(source: str) -> None:
    assert lines(f"FROM python:3.13-slim\nADD {source} /opt/\n", "SS313") == [2]


def test_copy_is_fine() -> None:
    assert lines("FROM python:3.13-slim\nCOPY app.py /app/\n", "SS313") == []


def test_the_local_sources_are_named() -> None:
    text = "FROM python:3.13-slim\nADD app.py vendor.tgz config/ /app/\n"
    assert whole(text, "SS313") == [(2, "ADD app.py config/: use COPY for files and folders")]
