"""SS301: legacy `ENV key value` form.

The space-separated form sets one variable to the whole rest of the line and is deprecated
(BuildKit's LegacyKeyValueFormat). Write `ENV key=value`.
"""

from __future__ import annotations

from collections.abc import Iterator

from slimstage.dockerfile import Instruction
from slimstage.dockerfile_text import words
from slimstage.lint.rule import Context, Rule, Severity


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    for ins in ctx.dockerfile.instructions:
        if ins.cmd in ("ENV", "LABEL"):
            # The keyword, then the key: BuildKit refuses an ENV or LABEL with nothing after
            # the keyword, so there is one.
            key = words(ins.original)[1]
            if "=" not in key:
                yield ins, f"legacy `{ins.cmd} {key} value` form: write `{ins.cmd} {key}=value`"


RULE = Rule("SS301", Severity.WARNING, "Legacy ENV key value", check)
