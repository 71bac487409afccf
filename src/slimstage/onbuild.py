"""ONBUILD triggers: the instruction inside each ONBUILD, parsed as an instruction of its own.

BuildKit's parser gives an ONBUILD only the words of the instruction it holds, without its flags
(`--mount`, `--from`) or heredoc body, so the ONBUILD's source lines are parsed again on their
own, with the file's escape directive. A trigger runs in whatever image is later built FROM this
one, not in this image. `ONBUILD ONBUILD`, `FROM` and `MAINTAINER` are refused, as BuildKit
refuses them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from slimstage.dockerfile import Dockerfile, Instruction, ParseError, parse
from slimstage.dockerfile_text import escape_character

_ONBUILD = re.compile(r"^\s*onbuild\b", re.IGNORECASE)
_LINE = re.compile(r"^.*?:\d+: ")
NOT_TRIGGERS = {"ONBUILD", "FROM", "MAINTAINER"}


@dataclass(frozen=True)
class Trigger(Instruction):
    """An instruction held by an ONBUILD; its lines and stage are those of the ONBUILD."""


def triggers(df: Dockerfile) -> list[Trigger]:
    """The trigger of every ONBUILD, in file order; an unusable one raises ParseError."""
    lines = df.text.split("\n")  # BuildKit's lines end at LF only (not at U+2028, VT, ...)
    escape = escape_character(lines)
    return [
        _trigger(df.path, lines, ins, escape) for ins in df.instructions if ins.cmd == "ONBUILD"
    ]


def trigger_lines(lines: list[str], ins: Instruction) -> list[str]:
    """The Dockerfile LINES of an ONBUILD instruction, its ONBUILD keyword taken off."""
    source = lines[ins.line - 1 : ins.end_line]
    source[0] = _ONBUILD.sub("", source[0], count=1)
    return source


def _trigger(path: str, lines: list[str], ins: Instruction, escape: str) -> Trigger:
    """The instruction ONBUILD INS holds; ESCAPE is the file's escape character."""
    where = f"{path}:{ins.line}"
    source = trigger_lines(lines, ins)
    words = "\n".join(source).split()
    while words and words[0] == escape:  # `ONBUILD \` continued on the next line
        words.pop(0)
    if not words:
        raise ParseError(f"{where}: ONBUILD needs an instruction")
    if words[0].upper() in NOT_TRIGGERS:
        raise ParseError(f"{where}: {words[0].upper()} is not allowed inside ONBUILD")
    directive = "" if escape == "\\" else f"# escape={escape}\n"  # the file's, for the trigger
    text = directive + "FROM scratch\n" + "\n".join(source) + "\n"
    try:
        # Under the default name: the message's `NAME:LINE: ` is cut off, and a path that
        # holds a `:N: ` of its own would be cut in the wrong place.
        inner = parse(text).stages[0].instructions
    except ParseError as exc:
        raise ParseError(f"{where}: in ONBUILD: {_LINE.sub('', str(exc))}") from None
    if len(inner) != 1:
        raise ParseError(f"{where}: ONBUILD takes one instruction")
    values = {f.name: getattr(inner[0], f.name) for f in fields(Instruction)}
    values.update(line=ins.line, end_line=ins.end_line, stage=ins.stage)
    return Trigger(**values)
