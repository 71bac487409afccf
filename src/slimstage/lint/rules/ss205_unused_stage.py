"""SS205: a stage the final image never uses.

BuildKit skips stages the target does not depend on, but the legacy builder builds every stage,
and a reader assumes an unused stage matters. Remove it, or build it on purpose with --target.
"""

from __future__ import annotations

from collections.abc import Iterator

from slimstage.dockerfile import Stage
from slimstage.lint.rule import Context, Rule, Severity


def check(ctx: Context) -> Iterator[tuple[Stage, str]]:
    for stage in ctx.dockerfile.stages:
        if stage.index not in ctx.reachable:
            yield stage, f"stage {stage.label!r} is not used by the final stage {ctx.final.label!r}"


RULE = Rule("SS205", Severity.INFO, "Unused stage", check)
