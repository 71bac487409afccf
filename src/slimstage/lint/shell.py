"""Just enough shell reading for the rules: split RUN lines into commands and words.

Every rule asks about the same RUN instructions, so each is split once: `commands` keeps its
result for as long as the instruction lives, and all rules share it. The words come from a
regular-expression tokenizer with `shlex.split(..., comments=True)`'s results on ordinary input
but a fraction of its cost, and linear in the length of the line (large Dockerfiles stalled
on a dozen shlex passes per RUN).
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator
from dataclasses import dataclass

from slimstage import managers
from slimstage.dockerfile import Instruction

_SEPARATORS = re.compile(r"&&|\|\||;|\||\n")
# One token at a time: blanks, a comment (only where a word could start, as in sh), a word made
# of unquoted runs, quoted strings and escapes, or anything else (an unmatched quote or a
# trailing backslash), which makes the part unsplittable.
_TOKEN = re.compile(
    r"""(?P<space>[ \t\r\n]+)
      | (?P<comment>\#[^\n]*)
      | (?P<word>(?:[^ \t\r\n'"\\]+|'[^']*'|"(?:[^"\\]|\\[\s\S])*"|\\[\s\S])+)
      | (?P<bad>[\s\S])""",
    re.VERBOSE,
)
_PIECE = re.compile(r"""'([^']*)'|"((?:[^"\\]|\\[\s\S])*)"|\\([\s\S])|([^'"\\]+)""")
_QUOTED_ESCAPE = re.compile(r'\\(["\\])')
_PIP3 = re.compile(r"pip3(\.\d+)?")
_PYTHON = re.compile(r"python[\d.]*")

Commands = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class _Split:
    commands: Commands
    # program name -> the argument lists it runs with, in order; pip3, pip3.12 and
    # `python -m pip` are also filed under pip
    programs: dict[str, list[tuple[str, ...]]]


# id(instruction) -> (a weak reference to it, its split). Looked up by identity: hashing and
# comparing whole instructions, as a WeakKeyDictionary does, cost more than the split saves.
_split: dict[int, tuple[weakref.ref[Instruction], _Split]] = {}


def _unquote(word: str) -> str:
    if "'" not in word and '"' not in word and "\\" not in word:
        return word
    out = []
    for single, double, escaped, plain in _PIECE.findall(word):
        if plain:
            out.append(plain)
        elif escaped:
            out.append(escaped)
        elif double:
            out.append(_QUOTED_ESCAPE.sub(r"\1", double))
        else:
            out.append(single)
    return "".join(out)


def split_words(text: str) -> list[str] | None:
    """The words of one simple command, quotes removed; None when a quote is not closed."""
    out = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "word":
            out.append(_unquote(match.group()))
        elif kind == "bad":
            return None
    return out


def _split_run(ins: Instruction) -> Commands:
    if ins.json:
        return (tuple(ins.value),)
    text = "\n".join(ins.heredocs) if ins.heredocs else " ".join(ins.value)
    out = []
    for part in _SEPARATORS.split(text):
        part = part.strip()
        if not part:
            continue
        found = split_words(part)
        if found is None:
            found = part.split()
        if found:
            out.append(tuple(found))
    return tuple(out)


def strip_sudo(words: list[str]) -> list[str]:
    while words and (words[0] in ("sudo", "exec", "env", "command") or "=" in words[0]):
        words = words[1:]
    return words


def _programs(commands: Commands) -> dict[str, list[tuple[str, ...]]]:
    programs: dict[str, list[tuple[str, ...]]] = {}
    for command in commands:
        words = strip_sudo(list(command))
        if not words:
            continue
        name = words[0].rsplit("/", 1)[-1]
        programs.setdefault(name, []).append(tuple(words[1:]))
        if _PIP3.fullmatch(name):
            programs.setdefault("pip", []).append(tuple(words[1:]))
        elif _PYTHON.fullmatch(name) and words[1:3] == ["-m", "pip"]:
            programs.setdefault("pip", []).append(tuple(words[3:]))
    return programs


def _cached(ins: Instruction) -> _Split:
    key = id(ins)
    entry = _split.get(key)
    if entry is not None and entry[0]() is ins:
        return entry[1]
    commands = _split_run(ins)
    found = _Split(commands, _programs(commands))

    def forget(_: weakref.ref[Instruction]) -> None:
        _split.pop(key, None)

    _split[key] = (weakref.ref(ins, forget), found)
    return found


def commands(ins: Instruction) -> list[list[str]]:
    """The simple commands of a RUN, each as its words (quotes removed where they parse)."""
    return [list(command) for command in _cached(ins).commands]


def invocations(ins: Instruction, program: str, sub: str | None = None) -> Iterator[list[str]]:
    """The commands of a RUN that run PROGRAM (and SUB as its first argument, when given: the
    values of options before it, `apt-get -o Opt=1 install`, are passed over). For pip, also
    pip3, pip3.12 and `python -m pip`."""
    for args in _cached(ins).programs.get(program, ()):
        if sub is not None and managers.subcommand(program, args) != sub:
            continue
        yield list(args)


def packages(args: list[str], sub: str) -> list[str]:
    """Package names after SUB (install/add) in an apt/apk argument list, versions cut off."""
    if sub not in args:
        return []
    return [arg.split("=")[0] for arg in managers.operands(args, sub, ())]


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
