from tests.lint.helpers import findings, lines


def test_second_cmd_in_a_stage() -> None:
    text = 'FROM python:3.13-slim\nCMD ["a"]\nRUN true\nCMD ["b"]\nCMD ["c"]\n'
    found = findings(text, "SS314")
    assert [f.line for f in found] == [4, 5]
    assert "line 2" in found[0].message


def test_one_cmd_per_stage_and_entrypoint() -> None:
    assert lines('FROM python:3.13-slim AS a\nCMD ["a"]\nFROM a\nCMD ["b"]\n', "SS314") == []
    text = 'FROM python:3.13-slim\nENTRYPOINT ["gunicorn"]\nCMD ["app:app"]\n'
    assert lines(text, "SS314") == []
