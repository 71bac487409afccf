"""What a rule is, what it finds, and what it is given to look at."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from slimstage.dockerfile import Dockerfile, Instruction, Stage


class Severity(enum.IntEnum):
    STYLE = 0
    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def named(cls, name: str) -> Severity:
        try:
            return cls[name.upper()]
        except KeyError:
            known = ", ".join(s.name.lower() for s in cls)
            raise ValueError(f"unknown severity {name!r} (known: {known})") from None

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    file: str
    line: int
    stage: str | None
    message: str


@dataclass(frozen=True)
class Context:
    """One Dockerfile as the rules see it."""

    dockerfile: Dockerfile
    final: Stage
    reachable: frozenset[int]
    has_dockerignore: bool
    build_args: Mapping[str, str] = field(default_factory=dict)  # `lint --build-arg K=V`


Check = Callable[[Context], Iterator[tuple[Instruction | Stage, str]]]


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    title: str
    check: Check
    hadolint: tuple[str, ...] = ()

    def run(self, ctx: Context) -> Iterator[Finding]:
        for where, message in self.check(ctx):
            stage: str | None
            if isinstance(where, Stage):
                line, stage = where.line, where.label
            else:
                line = where.line
                stage = ctx.dockerfile.stages[where.stage].label if where.stage >= 0 else None
            yield Finding(self.code, self.severity, ctx.dockerfile.path, line, stage, message)
