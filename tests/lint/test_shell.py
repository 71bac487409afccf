"""Just enough shell reading for the rules: commands, words, programs and their packages, the
settings a RUN passes to its commands, pip's names, pipes."""

from __future__ import annotations

import pytest

from slimstage.dockerfile import Instruction, parse
from slimstage.lint import shell


def _run(line: str) -> Instruction:
    return parse(f"FROM debian:trixie-slim\n{line}\n").stages[0].instructions[0]


def test_commands_split_on_operators_and_unquote_words() -> None:
    ins = _run("RUN apt-get update && apt-get install -y 'gcc' ; echo \"a b\" | cat")
    assert shell.commands(ins) == [
        ["apt-get", "update"],
        ["apt-get", "install", "-y", "gcc"],
        ["echo", "a b"],
        ["cat"],
    ]


def test_exec_form_is_one_command_and_heredocs_are_read() -> None:
    assert shell.commands(_run('RUN ["pip", "install", "flask"]')) == [["pip", "install", "flask"]]
    heredoc = parse("FROM debian:trixie-slim\nRUN <<EOF\napt-get update\nrm -rf x\nEOF\n")
    assert shell.commands(heredoc.stages[0].instructions[0]) == [
        ["apt-get", "update"],
        ["rm", "-rf", "x"],
    ]


def test_invocations_find_pip_however_it_is_called() -> None:
    ins = _run(
        "RUN pip3 install a && python3.13 -m pip install b && sudo /usr/bin/pip install c"
        " && pip download d"
    )
    assert list(shell.invocations(ins, "pip", "install")) == [
        ["install", "a"],
        ["install", "b"],
        ["install", "c"],
    ]


def test_packages_after_the_subcommand_without_options_or_versions() -> None:
    args = ["-y", "install", "--no-install-recommends", "gcc", "libpq-dev=15.1", "-q"]
    assert shell.packages(args, "install") == ["gcc", "libpq-dev"]


def test_environment_from_prefixes_and_exports() -> None:
    run = _run("RUN export A=1 B=2 && C=3 env D=4 pip install x; E=5; pip list && A=9 true")
    assert list(shell.with_environment(run)) == [
        (["pip", "install", "x"], {"A": "1", "B": "2", "C": "3", "D": "4"}),
        (["pip", "list"], {"A": "1", "B": "2"}),
        (["true"], {"A": "9", "B": "2"}),
    ]


@pytest.mark.parametrize(
    ("words", "args"),
    [
        (["pip", "install", "x"], ["install", "x"]),
        (["pip2", "install"], ["install"]),
        (["pip3.13", "list"], ["list"]),
        (["/opt/venv/bin/pip", "install"], ["install"]),
        (["python3", "-m", "pip", "install"], ["install"]),
        (["sudo", "python", "-m", "pip", "install"], ["install"]),
        (["pipx", "install", "x"], None),
        (["pipenv", "install"], None),
        (["python", "-m", "venv", "x"], None),
        (["uv", "pip", "install"], None),
    ],
)
def test_pip_args(words: list[str], args: list[str] | None) -> None:
    assert shell.pip_args(words) == args


@pytest.mark.parametrize(
    ("command", "piped"),
    [
        ("curl x | sh", True),
        ("a && b|c", True),
        ("x=$(a | b)", True),
        ("a |& b", True),
        ("a || b", False),
        ('echo "a|b"', False),
        ("echo 'unbalanced | x", True),
        ("echo hi # a | b", False),
        ("echo a\\|b", False),
        ('echo "it says \\"|\\"" | wc', True),
        ('["sh", "-c", "a | b"]', False),
    ],
)
def test_has_pipe(command: str, piped: bool) -> None:
    assert shell.has_pipe(_run(f"RUN {command}")) is piped


def test_pipes_in_heredoc_bodies() -> None:
    ins = _run("RUN <<EOF\ncurl x | sh\nEOF")
    assert shell.has_pipe(ins)
