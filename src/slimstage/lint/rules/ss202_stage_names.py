"""SS202: duplicate or reserved stage names.

Two stages with the same name make `--from` and `--target` ambiguous (BuildKit refuses them);
`scratch` and `context` are reserved words that cannot name a stage. BuildKit lower-cases stage
names, so `AS build` and `AS BUILD` are the same name.
"""

from __future__ import annotations

from collections.abc import Iterator

from slimstage.dockerfile import Stage
from slimstage.lint.rule import Context, Rule, Severity

RESERVED = {"scratch", "context"}


def check(ctx: Context) -> Iterator[tuple[Stage, str]]:
    seen: dict[str, Stage] = {}
    for stage in ctx.dockerfile.stages:
        if stage.name is None:
            continue
        name = stage.name.lower()
        if name in RESERVED:
            yield stage, f"stage name {stage.name!r} is reserved"
        elif name in seen:
            yield stage, f"stage name {stage.name!r} is already used on line {seen[name].line}"
        else:
            seen[name] = stage


RULE = Rule(
    "SS202",
    Severity.ERROR,
    "Duplicate or reserved stage name",
    check,
    hadolint=("DL3024", "DL3063"),
)
