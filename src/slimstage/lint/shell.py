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
