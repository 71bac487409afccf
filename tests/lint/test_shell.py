"""Just enough shell reading for the rules: commands, words, programs and their packages, the
settings a RUN passes to its commands, pip's names, pipes; one split per RUN, shared, with shlex's
words."""

from __future__ import annotations

import gc
import re
import shlex
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
        (["exec", "pip", "install"], ["install"]),
        (["env", "PIP_NO_CACHE_DIR=1", "pip", "install"], ["install"]),
        (["command", "pip3", "install"], ["install"]),
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
    cached = shell._split[id(ins)][1]
    assert shell.commands(ins) == first
    assert shell._split[id(ins)][1] is cached  # not split again
    first[0].append("mutated")  # callers get copies: one rule cannot change another's view
    assert shell.commands(ins)[0] == ["pip", "install", "flask"]


def test_the_cache_forgets_instructions_that_are_gone() -> None:
    ins = _run("RUN echo gone")
    shell.commands(ins)
    key = id(ins)
    assert key in shell._split
    del ins
    gc.collect()
    assert key not in shell._split


def _reference_invocations(
    ins: Instruction, program: str, sub: str | None = None
) -> Iterator[list[str]]:
    """What invocations answered before it indexed each RUN by program: the same, always."""
    for words in shell.commands(ins):
        words = shell.strip_sudo(words)
        if not words:
            continue
        name = words[0].rsplit("/", 1)[-1]
        if name != program and not (program == "pip" and re.fullmatch(r"pip3(\.\d+)?", name)):
            if (
                program == "pip"
                and re.fullmatch(r"python[\d.]*", name)
                and words[1:3]
                == [
                    "-m",
                    "pip",
                ]
            ):
                words = ["pip", *words[3:]]
            else:
                continue
        args = words[1:]
        if sub is not None:
            positional = [a for a in args if not a.startswith("-")]
            if not positional or positional[0] != sub:
                continue
        yield args


WORDS = [
    "sudo",
    "A=1",
    "env",
    "pip",
    "pip3",
    "pip3.12",
    "/usr/bin/pip",
    "python3",
    "python",
    "-m",
    "install",
    "apt-get",
    "update",
    "-y",
    "gcc",
    "&&",
    ";",
    "|",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=12))
def test_invocations_agree_with_the_reference(words: list[str]) -> None:
    ins = _run("RUN " + " ".join(words))
    for program in ("pip", "pip3", "python3", "apt-get", "gcc", "sudo"):
        for sub in (None, "install", "update"):
            assert list(shell.invocations(ins, program, sub)) == list(
                _reference_invocations(ins, program, sub)
            )


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


def test_a_value_may_hold_an_equals_sign() -> None:
    run = _run("RUN export PIP_OPTS=--index-url=x && FLAGS=-O2=3 pip install y")
    assert list(shell.with_environment(run)) == [
        (["pip", "install", "y"], {"PIP_OPTS": "--index-url=x", "FLAGS": "-O2=3"})
    ]


def test_each_heredoc_body_is_read_and_blank_lines_end_no_command() -> None:
    ins = _run("RUN <<one <<two\napt-get update\n\nrm -rf x\none\necho b\ntwo")
    assert shell.commands(ins) == [["apt-get", "update"], ["rm", "-rf", "x"], ["echo", "b"]]


@pytest.mark.parametrize(
    ("command", "program", "sub"),
    [
        ("apt-get -o Dpkg::Options::=--force-confold install -y gcc", "apt-get", "install"),
        ("apt -c /etc/apt/x.conf --target-release bookworm install gcc", "apt", "install"),
        ("apk -X https://mirror.example/main --root /sysroot add gcc", "apk", "add"),
        ("dnf --installroot /sysroot --setopt tsflags=nodocs install -y gcc", "dnf", "install"),
    ],
)
def test_the_subcommand_comes_after_the_values_of_options(
    command: str, program: str, sub: str
) -> None:
    [args] = shell.invocations(_run(f"RUN {command}"), program, sub)
    assert args == command.split()[1:]
