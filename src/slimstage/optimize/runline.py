"""Reading a RUN's shell text as a list of simple commands, well enough to rewrite one of them.

A RUN is split at the top-level operators (&&, ||, ;, |, newlines) outside quotes; each part keeps
its text, so a rewrite can replace one command (a `pip install`) and keep the others as written.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

_OPERATOR = re.compile(r"&&|\|\||;|\||\n")
_PYTHON = re.compile(r"python[\d.]*")
_PIP = re.compile(r"pip[\d.]*")
# Shell syntax a command line needs a shell for: expansions, redirections, globs, operators.
_SHELL_SYNTAX = re.compile(r"[$`|&;<>*?(){}\[\]~\\\n]")


@dataclass(frozen=True)
class Part:
    text: str  # as written, trimmed
    words: tuple[str, ...]  # shell words, quotes removed (empty when they do not parse)
    operator: str  # the operator that follows ('' after the last part)


def split(text: str) -> list[Part]:
    """The commands of a shell line, each with the operator after it."""
    parts: list[Part] = []
    start, quote, i = 0, "", 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\" and quote == '"':
                i += 2
                continue
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "\\":
            i += 2
            continue
        else:
            match = _OPERATOR.match(text, i)
            if match:
                parts.append(_part(text[start:i], match.group()))
                start = i = match.end()
                continue
        i += 1
    parts.append(_part(text[start:], ""))
    return [p for p in parts if p.text or p.operator]


def _part(text: str, operator: str) -> Part:
    text = text.strip()
    try:
        words = tuple(shlex.split(text, comments=True))
    except ValueError:
        words = ()
    return Part(text, words, ";" if operator == "\n" else operator)


def join(parts: list[Part]) -> str:
    """Shell text from parts, one command per continuation line after each operator."""
    out = ""
    for part in parts:
        if not part.text:
            continue
        out += part.text
        if part.operator:
            out += f" \\\n {part.operator} "
    return out.rstrip(" \\\n&;|")


def program(words: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """The program a command runs and its arguments, past sudo/env/VAR=value prefixes, with
    `python -m pip` read as `pip`."""
    rest = list(words)
    while rest and (rest[0] in ("sudo", "env", "exec", "command") or "=" in rest[0]):
        rest = rest[1:]
    if not rest:
        return "", ()
    name = rest[0].rsplit("/", 1)[-1]
    if _PYTHON.fullmatch(name) and rest[1:3] == ["-m", "pip"]:
        return "pip", tuple(rest[3:])
    if _PIP.fullmatch(name):
        return "pip", tuple(rest[1:])
    return name, tuple(rest[1:])


def needs_shell(text: str) -> bool:
    """Whether a shell-form command line uses shell syntax (so it cannot become exec form)."""
    return bool(_SHELL_SYNTAX.search(text)) or "'" in text or '"' in text
