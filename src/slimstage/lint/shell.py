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

_split: weakref.WeakKeyDictionary[Instruction, tuple[tuple[str, ...], ...]] = (
    weakref.WeakKeyDictionary()
)


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


def _split_run(ins: Instruction) -> tuple[tuple[str, ...], ...]:
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


def commands(ins: Instruction) -> list[list[str]]:
    """The simple commands of a RUN, each as its words (quotes removed where they parse)."""
    cached = _split.get(ins)
    if cached is None:
        cached = _split[ins] = _split_run(ins)
    return [list(command) for command in cached]


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
