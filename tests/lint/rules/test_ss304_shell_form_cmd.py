from tests.lint.helpers import lines, whole


def test_shell_form_in_final_stage() -> None:
    assert lines("FROM debian:12\nCMD python app.py\n", "SS304") == [2]
    assert lines("FROM debian:12\nENTRYPOINT /run.sh\n", "SS304") == [2]


def test_exec_form_and_builder_stages() -> None:
    assert lines('FROM debian:12\nCMD ["python", "app.py"]\n', "SS304") == []
    text = 'FROM debian:12 AS b\nCMD make\nFROM debian:12\nCMD ["x"]\n'
    assert lines(text, "SS304") == []


def test_shell_form_healthcheck() -> None:
    text = "FROM debian:12\nHEALTHCHECK --interval=5s CMD curl -f http://localhost/\n"
    assert lines(text, "SS304") == [2]
    assert lines('FROM debian:12\nHEALTHCHECK CMD ["curl", "-f", "x"]\n', "SS304") == []
    assert lines("FROM debian:12\nHEALTHCHECK NONE\n", "SS304") == []


def test_cmd_inherited_from_a_base_stage() -> None:
    text = "FROM debian:12 AS base\nCMD python app.py\nFROM base\nRUN true\n"
    assert lines(text, "SS304") == [2]


def test_the_whole_findings() -> None:
    text = (
        "FROM debian:12\nHEALTHCHECK CMD curl -f http://localhost/\nENTRYPOINT /run.sh\nCMD serve\n"
    )
    assert whole(text, "SS304") == [
        (2, "shell-form HEALTHCHECK CMD needs /bin/sh in the image; use the JSON form"),
        (3, "shell-form ENTRYPOINT: signals do not reach the app; use the JSON form"),
        (4, "shell-form CMD: signals do not reach the app; use the JSON form"),
    ]
