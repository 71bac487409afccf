import pytest

from tests.lint.helpers import findings, lines, whole

PIPE = "RUN curl -sSL https://example.invalid/install.py | python3 -\n"


def test_pipe_with_the_default_shell() -> None:
    [finding] = findings("FROM python:3.13-slim\n" + PIPE, "SS309")
    assert finding.line == 2
    assert "pipefail" in finding.message


def test_pipefail_shells() -> None:
    for shell in (
        '["/bin/bash", "-o", "pipefail", "-c"]',
        '["bash", "-euxo", "pipefail", "-c"]',
        '["/bin/zsh", "-o", "pipefail", "-c"]',
        '["/bin/ash", "-eo", "pipefail", "-c"]',
        '["pwsh", "-c"]',
        '["cmd.exe", "/S", "/C"]',
    ):
        assert lines(f"FROM python:3.13-slim\nSHELL {shell}\n{PIPE}", "SS309") == [], shell


def test_shells_that_do_not_set_pipefail() -> None:
    for shell in ('["/bin/sh", "-o", "pipefail", "-c"]', '["/bin/bash", "-c"]'):
        assert lines(f"FROM python:3.13-slim\nSHELL {shell}\n{PIPE}", "SS309") == [3], shell


def test_the_last_shell_and_the_stage_chain_decide() -> None:
    later = (
        'FROM python:3.13-slim\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'
        'SHELL ["/bin/sh", "-c"]\n'
    )
    assert lines(later + PIPE, "SS309") == [4]
    inherited = 'FROM python:3.13-slim AS b\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nFROM b\n'
    assert lines(inherited + PIPE, "SS309") == []
    unrelated = (
        'FROM python:3.13-slim AS b\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'
        "FROM python:3.13-slim\n"
    )
    assert lines(unrelated + PIPE, "SS309") == [4]


def test_or_quoted_bars_and_exec_form_are_not_pipes() -> None:
    for run in ("RUN a || b\n", 'RUN echo "a|b"\n', 'RUN ["sh", "-c", "a | b"]\n'):
        assert lines("FROM python:3.13-slim\n" + run, "SS309") == [], run


def test_set_e_is_not_pipefail_and_only_short_option_clusters_hold_o() -> None:
    for shell in ('["/bin/bash", "-e", "pipefail", "-c"]', '["/bin/bash", "--login", "pipefail"]'):
        assert lines(f"FROM python:3.13-slim\nSHELL {shell}\n{PIPE}", "SS309") == [3], shell


def test_instructions_between_shell_and_run_do_not_change_the_shell() -> None:
    text = 'FROM python:3.13-slim\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nENV X=1\n'
    assert lines(text + PIPE, "SS309") == []


def test_a_windows_path_to_the_shell() -> None:
    shell = '["C:\\\\Windows\\\\System32\\\\cmd.exe", "/S", "/C"]'
    assert lines(f"FROM python:3.13-slim\nSHELL {shell}\n{PIPE}", "SS309") == []


# Whole findings, message included, for Dockerfiles that each try one part of the rule.
SS309_CASES: list[tuple[str, list[tuple[int, str]]]] = [
    (
        "FROM debian:12\nRUN curl x | sh\n",
        [
            (
                2,
                (
                    "a failure before the pipe's last command goes unnoticed: "
                    'set SHELL ["/bin/bash", "-o", "pipefail", "-c"] first'
                ),
            )
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), SS309_CASES)
def test_the_whole_findings(text: str, expected: list[tuple[int, str]]) -> None:
    assert whole(text, "SS309", dockerignore=True) == expected
