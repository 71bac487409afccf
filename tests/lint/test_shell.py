"""Just enough shell reading for the rules: commands, words, programs and their packages."""

from __future__ import annotations

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
