"""SS104: `pip install` keeping its download cache in the layer.

pip caches every wheel it downloads under ~/.cache/pip. In the final stage use
`--no-cache-dir` (or `PIP_NO_CACHE_DIR=1`); in any stage a BuildKit cache mount
(`RUN --mount=type=cache,target=/root/.cache/pip`) keeps the cache out of the layer and speeds
up the next build.
"""

from __future__ import annotations

from collections.abc import Iterator

from slimstage.dockerfile import Instruction
from slimstage.lint import shell
from slimstage.lint.rule import Context, Rule, Severity


def _env_disables_cache(ctx: Context) -> bool:
    for ins in ctx.final.instructions:
        if ins.cmd in ("ENV", "ARG") and "PIP_NO_CACHE_DIR" in ins.original:
            return True
    return False


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    if _env_disables_cache(ctx):
        return
    for ins in ctx.final.instructions:
        if ins.cmd != "RUN" or any("cache" in f and "pip" in f for f in ins.flags):
            continue
        for args in shell.invocations(ins, "pip", "install"):
            if "--no-cache-dir" not in args:
                yield ins, "pip keeps its download cache in the layer: add --no-cache-dir"


RULE = Rule("SS104", Severity.WARNING, "pip cache kept in the layer", check, hadolint=("DL3042",))
