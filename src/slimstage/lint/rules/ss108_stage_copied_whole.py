"""SS108: a builder stage copied whole into the final one.

`COPY --from=builder / /` brings the compiler, headers and caches along: the multi-stage build
then saves nothing. Copy only what the application needs (the virtualenv, the built files).
"""

from __future__ import annotations

from collections.abc import Iterator

from slimstage.dockerfile import Instruction
from slimstage.lint.rule import Context, Rule, Severity


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    for ins in ctx.final.instructions:
        source = ins.flag("from")
        if ins.cmd == "COPY" and source and ctx.dockerfile.stage_named(source) is not None:
            if any(src.rstrip("/.") == "" for src in ins.value[:-1]):
                yield ins, f"stage {source!r} is copied whole: copy only what the app needs"


RULE = Rule("SS108", Severity.WARNING, "Builder stage copied whole", check)
