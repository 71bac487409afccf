"""Just enough shell reading for the rules: split RUN lines into commands and words."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator

from slimstage.dockerfile import Instruction

_SEPARATORS = re.compile(r"&&|\|\||;|\||\n")


def commands(ins: Instruction) -> list[list[str]]:
    """The simple commands of a RUN, each as its words (quotes removed where they parse)."""
    if ins.json:
        return [list(ins.value)]
    text = " ".join(ins.value)
    if ins.heredocs:
        text = "\n".join(ins.heredocs)
    out = []
    for part in _SEPARATORS.split(text):
        part = part.strip()
        if not part:
            continue
        try:
            words = shlex.split(part, comments=True)
        except ValueError:
            words = part.split()
        if words:
            out.append(words)
    return out


def strip_sudo(words: list[str]) -> list[str]:
    while words and (words[0] in ("sudo", "exec", "env", "command") or "=" in words[0]):
        words = words[1:]
    return words


def invocations(ins: Instruction, program: str, sub: str | None = None) -> Iterator[list[str]]:
    """The commands of a RUN that run PROGRAM (and SUB as its first argument, when given)."""
    for words in commands(ins):
        words = strip_sudo(words)
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


def packages(args: list[str], sub: str) -> list[str]:
    """Package names after SUB (install/add) in an apt/apk argument list."""
    out = []
    seen_sub = False
    for arg in args:
        if not seen_sub:
            seen_sub = arg == sub
            continue
        if not arg.startswith("-"):
            out.append(arg.split("=")[0])
    return out


_ENV_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_PIP_NAME = re.compile(r"pip(\d+(\.\d+)?)?")
_PYTHON_NAME = re.compile(r"python[\d.]*")
# What cannot hold a pipe: quoted strings, escaped characters, comments.
_NOT_SHELL = re.compile(r"""'[^']*'|"(?:[^"\\]|\\[\s\S])*"|\\[\s\S]|(?:^|(?<=\s))#[^\n]*""")
_PIPE = re.compile(r"(?<!\|)\|(?!\|)")


def with_environment(ins: Instruction) -> Iterator[tuple[list[str], dict[str, str]]]:
    """Each simple command of a RUN, with the variables the RUN itself passes to it:
    `export NAME=value` earlier in the RUN, and `NAME=value` (or `env NAME=value`) before the
    command word. A bare `NAME=value;` only sets a shell variable, which programs do not see."""
    exported: dict[str, str] = {}
    for words in commands(ins):
        if words[0] == "export":
            exported.update(_assignments(words[1:]))
            continue
        env = dict(exported)
        while words and (words[0] == "env" or _ENV_ASSIGNMENT.match(words[0])):
            env.update(_assignments(words[:1]))
            words = words[1:]
        if words:
            yield words, env


def _assignments(words: list[str]) -> dict[str, str]:
    return dict(w.split("=", 1) for w in words if _ENV_ASSIGNMENT.match(w))


def pip_args(words: list[str]) -> list[str] | None:
    """pip's arguments when WORDS run pip (pip, pip2, pip3.13, a venv's bin/pip, python -m
    pip), else None."""
    words = strip_sudo(words)
    if not words:
        return None
    name = words[0].rsplit("/", 1)[-1]
    if _PIP_NAME.fullmatch(name):
        return words[1:]
    if _PYTHON_NAME.fullmatch(name) and words[1:3] == ["-m", "pip"]:
        return words[3:]
    return None


def has_pipe(ins: Instruction) -> bool:
    """Whether a shell-form RUN pipes one command into another (`a | b`, `a |& b`; `||` is no
    pipe). Linear in the length of the RUN."""
    if ins.json:
        return False
    return any(
        _PIPE.search(_NOT_SHELL.sub(" ", text)) for text in ins.heredocs or (" ".join(ins.value),)
    )
