"""A Dockerfile as stages and instructions, parsed with BuildKit's own parser.

The `dockerfile` package wraps BuildKit's Go parser, so line numbers, continuation lines and
heredocs are read exactly as `docker build` reads them. This module adds what a linter needs on
top: stages, their names and bases, which stage is the final image, which stages it depends on,
and the comment lines (BuildKit drops them) that carry inline `ignore=` directives.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import dockerfile as buildkit

from slimstage.errors import UsageError

KNOWN = {
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
}


class ParseError(UsageError):
    """A Dockerfile that cannot be used; the message starts with FILE:LINE."""


@dataclass(frozen=True)
class Instruction:
    cmd: str  # upper-case keyword
    keyword: str  # as written
    flags: tuple[str, ...]
    value: tuple[str, ...]
    original: str
    line: int
    end_line: int
    json: bool
    heredocs: tuple[str, ...]
    stage: int  # -1 for ARGs before the first FROM

    def flag(self, name: str) -> str | None:
        """The value of --name=value, or '' for a bare --name, or None."""
        for item in self.flags:
            key, sep, val = item.partition("=")
            if key == f"--{name}":
                return val if sep else ""
        return None

    @property
    def text(self) -> str:
        """The instruction's arguments as one string, heredoc bodies included."""
        return " ".join(self.value + self.heredocs)


@dataclass
class Stage:
    index: int
    base: str
    name: str | None
    line: int
    from_instruction: Instruction
    instructions: list[Instruction] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.name or str(self.index)


@dataclass
class Dockerfile:
    path: str
    text: str
    instructions: list[Instruction]
    stages: list[Stage]
    global_args: list[Instruction]
    comments: dict[int, str]

    @functools.cached_property
    def _by_name(self) -> dict[str, Stage]:
        # Looked up for every FROM and --from: a scan of the stages each time is quadratic.
        index: dict[str, Stage] = {}
        for stage in self.stages:
            if stage.name:
                index.setdefault(stage.name.lower(), stage)
        return index

    def stage_named(self, ref: str) -> Stage | None:
        if ref.isdigit():
            index = int(ref)
            return self.stages[index] if index < len(self.stages) else None
        return self._by_name.get(ref.lower())

    def final(self, target: str | None = None) -> Stage:
        if target:
            stage = self.stage_named(target)
            if stage is None:
                raise UsageError(f"{self.path}: no stage named {target!r}")
            return stage
        return self.stages[-1]

    def dependencies(self, stage: Stage) -> set[int]:
        """Earlier stages this one uses: FROM <stage>, COPY --from, RUN --mount from=."""
        deps: set[int] = set()
        parent = self.stage_named(stage.base) if stage.base else None
        if parent is not None and parent.index < stage.index:
            deps.add(parent.index)
        for ins in stage.instructions:
            refs = [ins.flag("from")] if ins.cmd in ("COPY", "ADD") else []
            for flag in ins.flags:
                if flag.startswith("--mount="):
                    refs += re.findall(r"(?:^|,)from=([^,]+)", flag[len("--mount=") :])
            for ref in refs:
                used = self.stage_named(ref) if ref else None
                if used is not None and used.index < stage.index:
                    deps.add(used.index)
        return deps

    def reachable(self, target: str | None = None) -> set[int]:
        """The stages BuildKit builds for the target: the final stage and all it depends on."""
        todo = [self.final(target).index]
        seen: set[int] = set()
        while todo:
            index = todo.pop()
            if index in seen:
                continue
            seen.add(index)
            todo.extend(self.dependencies(self.stages[index]))
        return seen

    @functools.cached_property
    def _external_bases(self) -> list[str]:
        # One pass in order: a stage built on an earlier one rests on that one's image, so long
        # FROM <stage> chains cost no more than short ones.
        bases: list[str] = []
        for stage in self.stages:
            parent = self.stage_named(stage.base)
            if parent is None or parent.index >= stage.index:
                bases.append(stage.base)
            else:
                bases.append(bases[parent.index])
        return bases

    def external_base(self, stage: Stage) -> str | None:
        """The image a stage finally rests on, following FROM <stage> chains."""
        return self._external_bases[stage.index]


_AS = re.compile(r"^as$", re.IGNORECASE)


def _heredoc_line(text: str) -> int:
    lines = [i for i, line in enumerate(text.splitlines(), 1) if "<<" in line]
    return lines[-1] if lines else 1


def parse(text: str, path: str = "Dockerfile") -> Dockerfile:
    """Parse a Dockerfile; unusable input raises ParseError naming the file and line."""
    try:
        commands = buildkit.parse_string(text)
    except buildkit.GoParseError as exc:
        if "no instructions" in str(exc):
            raise ParseError(
                f"{path}:1: no FROM instruction (the file has no instructions)"
            ) from None
        raise ParseError(f"{path}:{_heredoc_line(text)}: cannot parse: {exc}") from None
    except (UnicodeError, ValueError) as exc:
        raise ParseError(f"{path}:1: cannot parse: {exc}") from None
    comments = {
        number: line.strip()
        for number, line in enumerate(text.splitlines(), 1)
        if line.lstrip().startswith("#")
    }
    instructions: list[Instruction] = []
    stages: list[Stage] = []
    global_args: list[Instruction] = []
    for command in commands:
        where = f"{path}:{command.start_line}"
        if not command.cmd:  # e.g. a lone line continuation
            raise ParseError(f"{where}: cannot parse: no instruction on this line")
        cmd = command.cmd.upper()
        if cmd not in KNOWN:
            raise ParseError(f"{where}: unknown instruction {command.cmd!r}")
        ins = Instruction(
            cmd=cmd,
            keyword=command.cmd,
            flags=tuple(command.flags),
            value=tuple(command.value),
            original=command.original,
            line=command.start_line,
            end_line=command.end_line,
            json=command.json,
            heredocs=tuple(h.content for h in command.heredocs),
            stage=len(stages) - 1 if cmd != "FROM" else len(stages),
        )
        if cmd == "FROM":
            words = list(command.value)
            if not words or not words[0]:
                raise ParseError(f"{where}: FROM needs an image")
            name = None
            if len(words) == 3 and _AS.match(words[1]):
                name = words[2]
            elif len(words) != 1:
                raise ParseError(f"{where}: FROM takes IMAGE [AS NAME], got {' '.join(words)!r}")
            stages.append(Stage(len(stages), words[0], name, ins.line, ins))
        elif not stages:
            if cmd != "ARG":
                raise ParseError(f"{where}: {cmd} before the first FROM (only ARG may come first)")
            global_args.append(ins)
        else:
            stages[-1].instructions.append(ins)
        if cmd in ("ENV", "LABEL", "ARG", "USER", "WORKDIR", "EXPOSE") and not command.value:
            raise ParseError(f"{where}: {cmd} needs arguments")
        instructions.append(ins)
    if not stages:
        raise ParseError(f"{path}:1: no FROM instruction")
    return Dockerfile(path, text, instructions, stages, global_args, comments)
