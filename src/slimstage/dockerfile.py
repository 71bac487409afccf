"""A Dockerfile as stages and instructions, parsed with BuildKit's own parser.

The `dockerfile` package wraps BuildKit's Go parser, so line numbers, continuation lines and
heredocs are read exactly as `docker build` reads them. This module adds what lint, compare and
optimize need on top: stages, their names and bases (global ARGs expanded as BuildKit expands
FROM lines), which stage is the final image, which stages it inherits from or depends on, the
images a build needs from outside, and the comment lines (BuildKit drops them) that carry inline
`ignore=` directives.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import dockerfile as buildkit

from slimstage.buildargs import PLATFORM_ARGS, declare, expand
from slimstage.errors import UsageError

KNOWN = frozenset(
    {
        *("ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK"),
        *("LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME"),
        "WORKDIR",
    }
)


_SURROGATE = re.compile("[\ud800-\udfff]")


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


def _key(what: object, build_args: Mapping[str, str] | None) -> tuple[object, ...]:
    return (what, *sorted((build_args or {}).items()))


@dataclass
class Dockerfile:
    path: str
    text: str
    instructions: list[Instruction]
    stages: list[Stage]
    global_args: list[Instruction]
    comments: dict[int, str]
    # Answers kept per stage and build arguments: every FROM of a long chain asks them again.
    _memo: dict[tuple[object, ...], Any] = field(default_factory=dict, init=False, repr=False)

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

    def _values(self, build_args: Mapping[str, str] | None) -> dict[str, str]:
        key = _key("values", build_args)
        if key not in self._memo:
            given = build_args or {}
            values: dict[str, str] = dict(PLATFORM_ARGS)
            for ins in self.global_args:
                declare(ins.value, values, given)
            self._memo[key] = values
        return self._memo[key]  # type: ignore[no-any-return]

    def arg_values(self, build_args: Mapping[str, str] | None = None) -> dict[str, str]:
        """The global ARGs (those before the first FROM) as FROM lines see them: defaults,
        overridden by build arguments for declared names; an ARG with neither stays unset."""
        return dict(self._values(build_args))

    def base_name(self, stage: Stage, build_args: Mapping[str, str] | None = None) -> str:
        """The stage's FROM image with the global ARGs expanded."""
        key = _key(stage.index, build_args)
        if key not in self._memo:
            self._memo[key] = expand(stage.base, self._values(build_args))[0]
        return self._memo[key]  # type: ignore[no-any-return]

    def parent(self, stage: Stage, build_args: Mapping[str, str] | None = None) -> Stage | None:
        """The earlier stage this stage is built FROM, if it is built on one."""
        parent = self.stage_named(self.base_name(stage, build_args))
        return parent if parent is not None and parent.index < stage.index else None

    def _root(self, stage: Stage, build_args: Mapping[str, str] | None) -> Stage:
        """The first stage of STAGE's lineage; each stage is walked once, however many ask."""
        roots: dict[int, Stage] = self._memo.setdefault(_key("roots", build_args), {})
        path: list[Stage] = []
        current = stage
        while current.index not in roots:
            parent = self.parent(current, build_args)
            if parent is None:
                roots[current.index] = current
                break
            path.append(current)
            current = parent
        root = roots[current.index]
        for walked in path:
            roots[walked.index] = root
        return root

    def lineage(self, stage: Stage, build_args: Mapping[str, str] | None = None) -> list[Stage]:
        """The stage and every stage it inherits from through FROM, the stage itself first."""
        chain = [stage]
        while (parent := self.parent(chain[-1], build_args)) is not None:
            chain.append(parent)
        return chain

    def dependencies(self, stage: Stage, build_args: Mapping[str, str] | None = None) -> set[int]:
        """Earlier stages this one uses: FROM <stage>, COPY --from, RUN --mount from=."""
        deps: set[int] = set()
        parent = self.parent(stage, build_args)
        if parent is not None:
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

    def reachable(
        self, target: str | None = None, build_args: Mapping[str, str] | None = None
    ) -> set[int]:
        """The stages BuildKit builds for the target: the final stage and all it depends on
        (a build argument can change which stage a FROM line names)."""
        todo = [self.final(target).index]
        seen: set[int] = set()
        while todo:
            index = todo.pop()
            if index in seen:
                continue
            seen.add(index)
            todo.extend(self.dependencies(self.stages[index], build_args))
        return seen

    def external_base(self, stage: Stage, build_args: Mapping[str, str] | None = None) -> str:
        """The image a stage finally rests on, following FROM <stage> chains, ARGs expanded
        ("scratch" when it starts from nothing)."""
        return self.base_name(self._root(stage, build_args), build_args)

    def external_images(
        self, target: str | None = None, build_args: Mapping[str, str] | None = None
    ) -> list[str]:
        """The images a build of TARGET needs from outside the Dockerfile, in order of use:
        the bases of the stages it builds (not scratch, not earlier stages)."""
        images: list[str] = []
        for index in sorted(self.reachable(target, build_args)):
            stage = self.stages[index]
            if self.parent(stage, build_args) is None:
                image = self.base_name(stage, build_args)
                if image != "scratch" and image and image not in images:
                    images.append(image)
        return images


_AS = re.compile(r"^as$", re.IGNORECASE)


def _heredoc_line(text: str) -> int:
    lines = [i for i, line in enumerate(text.split("\n"), 1) if "<<" in line]
    return lines[-1] if lines else 1


def _stage(ins: Instruction, index: int, where: str) -> Stage:
    """The stage a FROM instruction starts: `FROM IMAGE [AS NAME]`."""
    words = list(ins.value)
    if not words or not words[0]:
        raise ParseError(f"{where}: FROM needs an image")
    name = None
    if len(words) == 3 and _AS.match(words[1]):
        name = words[2]
    elif len(words) != 1:
        raise ParseError(f"{where}: FROM takes IMAGE [AS NAME], got {' '.join(words)!r}")
    return Stage(index, words[0], name, ins.line, ins)


def parse(text: str, path: str = "Dockerfile") -> Dockerfile:
    """Parse a Dockerfile; unusable input raises ParseError naming the file and line."""
    surrogate = _SURROGATE.search(text)
    if surrogate:  # BuildKit's parser crashes the whole process on one: refuse it first
        line = text.count("\n", 0, surrogate.start()) + 1
        code = f"U+{ord(surrogate.group()):04X}"
        raise ParseError(f"{path}:{line}: cannot parse: {code} is not a character (not UTF-8)")
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
        for number, line in enumerate(text.split("\n"), 1)
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
            stages.append(_stage(ins, len(stages), where))
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
