from tests.lint.helpers import findings, lines, whole


def test_one_finding_on_the_shell_line_for_all_its_runs() -> None:
    text = 'FROM debian:12\nSHELL ["pwsh", "-Command"]\nRUN Write-Host a\nRUN Write-Host b\n'
    [finding] = findings(text, "SS501")
    assert finding.line == 2
    assert "pwsh" in finding.message


def test_inherited_by_a_child_stage_and_reported_once() -> None:
    text = (
        'FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS base\nSHELL ["cmd", "/S", "/C"]\n'
        "FROM base\nRUN dir\n"
    )
    assert lines(text, "SS501") == [2]


def test_posix_shells_and_a_shell_without_runs_are_fine() -> None:
    assert lines('FROM debian:12\nSHELL ["/bin/bash", "-c"]\nRUN echo\n', "SS501") == []
    assert lines('FROM debian:12\nSHELL ["/bin/zsh", "-c"]\nCMD ["x"]\n', "SS501") == []
    assert lines('FROM debian:12\nSHELL ["/bin/zsh", "-c"]\nRUN ["x"]\n', "SS501") == []
    assert lines('FROM debian:12\nSHELL ["/bin/zsh", "-c"]\nRUN x\n', "SS501") == [2]


def test_the_message_names_the_shell_and_what_shellcheck_reads() -> None:
    [finding] = findings('FROM debian:12\nSHELL ["/bin/zsh", "-c"]\nRUN x\n', "SS501")
    assert finding.message == (
        "RUN commands in /bin/zsh are not checked: ShellCheck reads sh, bash, dash, ash, "
        "ksh and busybox sh"
    )


def test_every_shell_that_cannot_be_checked_is_reported_after_one_that_can() -> None:
    text = (
        'FROM debian:12\nRUN echo\nSHELL ["pwsh", "-c"]\nRUN a\nSHELL ["/bin/sh", "-c"]\nRUN b\n'
        'SHELL ["/bin/zsh", "-c"]\nRUN c\n'
    )
    assert lines(text, "SS501") == [3, 7]


def test_a_shell_named_by_a_character_python_takes_for_a_blank_is_named() -> None:
    assert whole("FROM a\nSHELL \x1c\nRUN x\n", "SS501") == [
        (
            2,
            "RUN commands in \x1c are not checked: "
            "ShellCheck reads sh, bash, dash, ash, ksh and busybox sh",
        )
    ]
