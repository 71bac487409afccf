"""What a rule is, what it finds, and what it is given to look at."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from slimstage.dockerfile import Dockerfile, Instruction, Stage
from slimstage.lint.prior import Lineages, Prior, Test
from slimstage.onbuild import Trigger, triggers


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
    """One Dockerfile as the rules see it.

    The image is the final stage *and every stage it is built FROM*: their layers, USER, ENV,
    WORKDIR, SHELL and HEALTHCHECK all reach it. Rules about what ships judge `image_stages`;
    ONBUILD triggers (`triggers`) run in whatever image is built FROM theirs, so those rules judge
    them too, wherever they are written.
    """

    dockerfile: Dockerfile
    final: Stage
    reachable: frozenset[int]
    has_dockerignore: bool
    build_args: Mapping[str, str] = field(default_factory=dict)  # `lint --build-arg K=V`

    def __post_init__(self) -> None:
        self.triggers  # noqa: B018 -- an unusable ONBUILD is refused before any rule runs

    @cached_property
    def lineages(self) -> Mapping[int, tuple[Stage, ...]]:
        """Per stage, the stages it is made of: those it is built FROM, base first, then itself.
        Worked out for the stages asked: all of a long FROM chain's lineages are quadratic."""
        return Lineages(self.dockerfile)

    @cached_property
    def image_stages(self) -> tuple[Stage, ...]:
        return self.lineages[self.final.index]

    @cached_property
    def image_instructions(self) -> tuple[Instruction, ...]:
        return tuple(ins for stage in self.image_stages for ins in stage.instructions)

    @cached_property
    def triggers(self) -> tuple[Trigger, ...]:
        return tuple(triggers(self.dockerfile))

    def shipped(self, *cmds: str) -> Iterator[Instruction]:
        """The image's instructions of these kinds, then the ONBUILD triggers of these kinds."""
        for ins in (*self.image_instructions, *self.triggers):
            if ins.cmd in cmds:
                yield ins

    def before(self, ins: Instruction) -> Iterator[Instruction]:
        """What is already in place when INS runs: every instruction of its stage's lineage
        before it. A trigger runs in a child of the finished stage: after all of them, and after
        the triggers written before it."""
        trigger = isinstance(ins, Trigger)
        for stage in self.lineages.get(ins.stage, ()):
            for earlier in stage.instructions:
                if earlier.line >= ins.line and not trigger and stage.index == ins.stage:
                    return
                yield earlier
        if trigger:
            yield from (t for t in self.triggers if t.stage == ins.stage and t.line < ins.line)

    @cached_property
    def prior(self) -> Prior:
        return Prior(self.dockerfile, self.triggers)

    def first_before(self, ins: Instruction, test: Test) -> Instruction | None:
        """The first instruction of `before(ins)` that passes TEST (a function that is the same
        object each time: the answers are remembered per test)."""
        return self.prior.first_before(ins, test)

    def last_before(self, ins: Instruction, test: Test) -> Instruction | None:
        """The last instruction of `before(ins)` that passes TEST (see first_before)."""
        return self.prior.last_before(ins, test)

    def variable(self, ins: Instruction, name: str) -> str | None:
        """`environment(ins).get(name)`, without building the whole environment."""
        env = self.prior.last_before(ins, self.prior.test("env", name))
        arg = self.prior.last_before(ins, self.prior.test("arg-default", name), own_stage=True)
        found = [e for e in (env, arg) if e is not None]
        if not found:
            return None
        last = max(found, key=lambda e: (e.stage == ins.stage, isinstance(e, Trigger), e.line))
        if last.cmd == "ENV":
            pairs = last.value
            values = [pairs[i + 1] for i in range(0, len(pairs) - 1, 2) if pairs[i] == name]
        else:
            values = [
                w.partition("=")[2] for w in last.value if w.partition("=")[:2] == (name, "=")
            ]
        return unquote(values[-1])

    def declared_before(self, ins: Instruction, name: str) -> bool:
        """Whether an ENV of the lineage or an ARG of the stage declares NAME before INS."""
        prior = self.prior
        return (
            prior.last_before(ins, prior.test("env", name)) is not None
            or prior.last_before(ins, prior.test("arg", name), own_stage=True) is not None
        )

    def environment(self, ins: Instruction) -> dict[str, str]:
        """Variables set by ENV in the lineage and by ARG defaults in the stage, before INS."""
        env: dict[str, str] = {}
        for earlier in self.before(ins):
            if earlier.cmd == "ENV":
                pairs = earlier.value
                env.update((pairs[i], unquote(pairs[i + 1])) for i in range(0, len(pairs) - 1, 2))
            elif earlier.cmd == "ARG" and earlier.stage == ins.stage:
                for word in earlier.value:
                    name, sep, default = word.partition("=")
                    if sep:
                        env[name] = unquote(default)
        return env


def unquote(value: str) -> str:
    """A Dockerfile word without the one pair of quotes around it."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


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
                if isinstance(where, Trigger):
                    message += " (ONBUILD trigger: runs in the image built FROM this one)"
            yield Finding(self.code, self.severity, ctx.dockerfile.path, line, stage, message)
