"""The rules' shell reading: one split per RUN, shared, with shlex's words."""

from __future__ import annotations

import shlex

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slimstage.dockerfile import Instruction, parse
from slimstage.lint import shell


def _run(text: str) -> Instruction:
    return parse(f"FROM debian:12\n{text}\n").stages[0].instructions[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("apt-get install -y gcc", ["apt-get", "install", "-y", "gcc"]),
        ("echo 'a b' \"c d\" e\\ f", ["echo", "a b", "c d", "e f"]),
        ('echo "a\\"b" "x\\y"', ["echo", 'a"b', "x\\y"]),
        ("echo ''", ["echo", ""]),
        ("echo a # comment", ["echo", "a"]),
        ("pip install x#egg", ["pip", "install", "x#egg"]),  # as sh: `#` inside a word is a `#`
        ("a'b'\"c\"d", ["abcd"]),
        ("\techo\t x ", ["echo", "x"]),
    ],
)
def test_words(text: str, expected: list[str]) -> None:
    assert shell.split_words(text) == expected


@pytest.mark.parametrize("text", ["echo 'open", 'echo "open', "echo trailing\\"])
def test_unclosed_quotes_are_not_words(text: str) -> None:
    assert shell.split_words(text) is None


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=" \t\nab=-/'\"\\$", max_size=40))
def test_words_agree_with_shlex(text: str) -> None:
    try:
        expected: list[str] | None = shlex.split(text, comments=True)
    except ValueError:
        expected = None
    assert shell.split_words(text) == expected


def test_commands_fall_back_to_blanks_on_a_broken_quote() -> None:
    ins = _run('RUN apt-get install -y gcc && echo "unterminated')
    assert shell.commands(ins) == [["apt-get", "install", "-y", "gcc"], ["echo", '"unterminated']]


def test_each_run_is_split_once_and_shared() -> None:
    ins = _run("RUN pip install flask && apt-get install -y gcc")
    first = shell.commands(ins)
    cached = shell._split[ins]
    assert shell.commands(ins) == first
    assert shell._split[ins] is cached  # not split again
    first[0].append("mutated")  # callers get copies: one rule cannot change another's view
    assert shell.commands(ins)[0] == ["pip", "install", "flask"]


def test_invocations_and_packages() -> None:
    ins = _run("RUN sudo DEBIAN_FRONTEND=noninteractive apt-get install -y gcc=4:12 make")
    [args] = list(shell.invocations(ins, "apt-get", "install"))
    assert shell.packages(args, "install") == ["gcc", "make"]
    pip = _run("RUN python3.13 -m pip install --no-cache-dir flask")
    [pip_args] = list(shell.invocations(pip, "pip", "install"))
    assert pip_args == ["install", "--no-cache-dir", "flask"]


def test_heredoc_and_exec_form() -> None:
    heredoc = _run("RUN <<EOF\napt-get update\napt-get install -y curl\nEOF")
    assert shell.commands(heredoc) == [["apt-get", "update"], ["apt-get", "install", "-y", "curl"]]
    assert shell.commands(_run('RUN ["pip", "install", "x y"]')) == [["pip", "install", "x y"]]
