"""The shell script each RUN hands to its shell, and the Dockerfile line of every part of it.

A shell-form RUN is one line for the shell (BuildKit joins continuation lines and drops the
comments between them); a RUN that is only a heredoc runs the heredoc's body; a command with
heredocs runs the command and the heredocs as one script. `scripts` rebuilds each of them from
the Dockerfile's own lines, so a position in a script (line, column) maps back to the line of the
Dockerfile it came from; where the rebuilt text does not match BuildKit's, a finding falls back
to the instruction's first line.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass

from slimstage.dockerfile import Dockerfile, Instruction
from slimstage.dockerfile_text import split_at_blanks
from slimstage.lint.runscope import Scopes, referenced
from slimstage.onbuild import Trigger, trigger_lines, triggers

DEFAULT_SHELL = ("/bin/sh", "-c")
# Interpreters ShellCheck checks, by the name a SHELL or shebang gives them.
CHECKABLE = {"sh", "bash", "dash", "ash", "ksh", "ksh88", "ksh93", "oksh", "busybox"}
_HEREDOC_MARKER = re.compile(r"<<-?\s*([\"']?)[^\s\"'<>|&;]+\1")
_CONTINUATION = re.compile(r"[\\`][ \t]*$")


@dataclass(frozen=True)
class Shell:
    """The shell a RUN runs in, and the SHELL instruction that chose it (None: the default)."""

    argv: tuple[str, ...]
    set_by: Instruction | None

    @property
    def checkable(self) -> str | None:
        """The interpreter as ShellCheck names it ("bash", "busybox sh"), or None."""
        return interpreter(self.argv)


@dataclass(frozen=True)
class Script:
    instruction: Instruction
    interpreter: str  # "sh", "bash", "busybox sh", ... (a shebang's, when the script has one)
    variables: tuple[str, ...]  # declared ARG and ENV names (seen by this RUN) it mentions
    text: str
    # (script line, first column, Dockerfile line), sorted: where each stretch of text came from
    origins: tuple[tuple[int, int, int], ...]

    def line_of(self, line: int, column: int) -> int:
        """The Dockerfile line of a position (1-based) in `text`."""
        at = bisect.bisect_right(self.origins, (line, column, 1 << 62)) - 1
        return self.origins[at][2] if at >= 0 else self.instruction.line


def interpreter(argv: tuple[str, ...]) -> str | None:
    words = list(argv)
    if words and words[0].rsplit("/", 1)[-1] == "env":
        words = [w for w in words[1:] if not w.startswith("-")]
    if not words:
        return None
    name = words[0].rsplit("/", 1)[-1].rsplit("\\", 1)[-1].lower().removesuffix(".exe")
    if name not in CHECKABLE:
        return None
    return "busybox sh" if name == "busybox" else name


def is_run(ins: Instruction) -> bool:
    """A RUN in shell form (exec-form RUNs run no shell); an ONBUILD's RUN is one as its
    trigger (onbuild.triggers)."""
    return ins.cmd == "RUN" and not ins.json


def command_of(ins: Instruction) -> str:
    """What follows RUN and its flags, as BuildKit joined it (heredoc bodies not included)."""
    return " ".join(ins.value).strip()


def shells(df: Dockerfile) -> Iterator[tuple[Instruction, Shell, int]]:
    """Every shell-form RUN with the shell it runs in and its position in its stage; for an
    ONBUILD RUN, its trigger (flags off, heredoc bodies read), with the shell in effect where it
    stands. SHELL carries over to a stage built FROM an earlier one (it is in that image)."""
    held = {trigger.line: trigger for trigger in triggers(df) if trigger.cmd == "RUN"}
    ends: list[Shell] = []
    for stage in df.stages:
        parent = df.stage_named(stage.base)
        if parent is not None and parent.index < stage.index:
            shell = ends[parent.index]
        else:
            shell = Shell(DEFAULT_SHELL, None)
        for position, ins in enumerate(stage.instructions):
            # A SHELL names its program: `SHELL []` is no shell, and BuildKit gives the text of
            # one not in JSON form (which it refuses to build) with no blanks at its ends.
            if ins.cmd == "SHELL" and ins.value:
                shell = Shell(ins.value if ins.json else tuple(split_at_blanks(ins.value[0])), ins)
            elif is_run(run := held.get(ins.line, ins) if ins.cmd == "ONBUILD" else ins):
                yield run, shell, position
        ends.append(shell)


def size(df: Dockerfile) -> int:
    """Characters of shell script in the Dockerfile's RUNs, about what ShellCheck would read."""
    return sum(len(ins.original) for ins, _, _ in shells(df))


def _segments(lines: list[str], first: int, joined: str) -> list[tuple[int, int]] | None:
    """(offset in `joined`, Dockerfile line) for each physical line that makes up one logical
    line, or None when they cannot be found in it in order."""
    out: list[tuple[int, int]] = []
    at = 0
    for number, raw in enumerate(lines, first):
        piece = _CONTINUATION.sub("", raw).strip()
        if not piece or (out and piece.startswith("#")):
            continue  # BuildKit drops comments and blank lines inside a continued instruction
        found = joined.find(piece, at)
        if found < 0:
            return None
        out.append((found, number))
        at = found + len(piece)
    return out


def _command_origins(
    ins: Instruction, lines: list[str], command: str
) -> tuple[tuple[int, int, int], ...]:
    """Origins of script line 1, the command as BuildKit joined it from `lines`."""
    head = ins.original.split("\n", 1)[0]
    segments = _segments(lines, ins.line, head)
    start = head.rfind(command) if command else -1
    if segments is None or start < 0:
        return ((1, 1, ins.line),)
    return tuple((1, max(offset - start, 0) + 1, number) for offset, number in segments)


def _body_interpreter(command: str, heredocs: int) -> str | None:
    """For a RUN whose one heredoc is the script itself, the interpreter that runs it: '' for
    `RUN <<EOF` (the SHELL, or the body's shebang), "bash" for `RUN bash <<EOF` or
    `RUN <<EOF bash -e`. None when the heredoc is data for a command (`cat <<EOF > file`)."""
    words = _HEREDOC_MARKER.sub(" <<marker ", command).split()
    rest = [word for word in words if word != "<<marker"]
    if heredocs != 1 or len(rest) != len(words) - 1:
        return None
    if not rest:
        return ""
    if all(word.startswith("-") for word in rest[1:]):
        return interpreter(tuple(rest[:1]))
    return None


def build(ins: Instruction, lines: list[str], interp: str) -> Script | None:
    """The script of one RUN; `lines` are the Dockerfile's lines ins.line..ins.end_line.
    None when a heredoc names an interpreter that is not a shell (`#!/usr/bin/env python3`)."""
    lines = [line.removesuffix("\r") for line in lines]
    command = command_of(ins)
    if not ins.heredocs:
        return Script(ins, interp, (), command, _command_origins(ins, lines, command))
    body_lines = sum(content.count("\n") + 1 for content in ins.heredocs)
    head_count = max(len(lines) - body_lines, 1)
    body = lines[head_count:]
    runs_body = _body_interpreter(command, len(ins.heredocs))
    if runs_body is not None:
        text = lines[head_count : head_count + ins.heredocs[0].count("\n")]
        interp = runs_body or interp
        if not runs_body and text and text[0].startswith("#!"):
            interp_of = interpreter(tuple(text[0][2:].split()))
            if interp_of is None:
                return None
            interp, text = interp_of, ["", *text[1:]]
        first = ins.line + head_count
        origins = tuple((j, 1, first + j - 1) for j in range(1, len(text) + 1))
        return Script(ins, interp, (), "\n".join(text), origins or ((1, 1, ins.line),))
    first_body = ins.line + head_count
    origins = _command_origins(ins, lines[:head_count], command) + tuple(
        (j + 2, 1, first_body + j) for j in range(len(body))
    )
    return Script(ins, interp, (), "\n".join([command, *body]), origins)


def scripts(df: Dockerfile) -> list[Script]:
    """The script of every shell-form RUN whose shell ShellCheck can check, with the declared
    ARG and ENV names it mentions."""
    lines = df.text.split("\n")
    scopes = Scopes(df)
    out = []
    for ins, shell, position in shells(df):
        interp = shell.checkable
        if interp is None:
            continue
        source = (
            trigger_lines(lines, ins)
            if isinstance(ins, Trigger)
            else lines[ins.line - 1 : ins.end_line]
        )
        script = build(ins, source, interp)
        if script is not None:
            seen = referenced(script.text)
            names = sorted(n for n in seen if scopes.visible(n, ins.stage, position))
            out.append(dataclasses.replace(script, variables=tuple(names)))
    return out
