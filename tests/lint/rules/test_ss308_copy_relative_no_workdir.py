from tests.lint.helpers import findings, lines


def test_relative_destination_without_workdir() -> None:
    [finding] = findings("FROM python:3.13-slim\nCOPY requirements.txt .\n", "SS308")
    assert finding.line == 2
    assert "relative to /" in finding.message
    assert lines('FROM python:3.13-slim\nCOPY a "b"\n', "SS308") == [2]


def test_absolute_variable_or_windows_destinations() -> None:
    for dest in ("/app/", '"/app"', "$APP", '"${APP}"', "c:/app", "C:\\app"):
        assert lines(f"FROM python:3.13-slim\nCOPY a {dest}\n", "SS308") == [], dest


def test_workdir_before_in_the_stage_or_inherited() -> None:
    assert lines("FROM python:3.13-slim\nWORKDIR /app\nCOPY a .\n", "SS308") == []
    inherited = "FROM python:3.13-slim AS base\nWORKDIR /app\nFROM base\nCOPY a .\n"
    assert lines(inherited, "SS308") == []
    unrelated = "FROM python:3.13-slim AS base\nWORKDIR /app\nFROM python:3.13-slim\nCOPY a .\n"
    assert lines(unrelated, "SS308") == [4]
    after = "FROM python:3.13-slim\nCOPY a .\nWORKDIR /app\n"
    assert lines(after, "SS308") == [2]


def test_onbuild_copy_is_not_judged() -> None:
    assert lines("FROM python:3.13-slim\nONBUILD COPY a .\n", "SS308") == []


def test_the_destination_is_the_last_word() -> None:
    assert lines("FROM python:3.13-slim\nCOPY a b /app/\n", "SS308") == []
    assert lines("FROM python:3.13-slim\nCOPY /a /b app/\n", "SS308") == [2]
