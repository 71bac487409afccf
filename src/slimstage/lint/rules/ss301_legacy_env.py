"""SS301: legacy `ENV key value` form.

The space-separated form sets one variable to the whole rest of the line and is deprecated
(BuildKit's LegacyKeyValueFormat). Write `ENV key=value`.
"""

from __future__ import annotations

from collections.abc import Iterator

from slimstage.dockerfile import Instruction
from slimstage.dockerfile_text import BLANKS
from slimstage.lint.rule import Context, Rule, Severity


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    for ins in ctx.dockerfile.instructions:
        if ins.cmd in ("ENV", "LABEL"):
            # BuildKit's first value is the key as written (quotes and escapes kept); the form
            # is key=value when an `=` follows it in the text.
            key = ins.value[0]
            rest = ins.original.lstrip(BLANKS)[len(ins.keyword) :].lstrip(BLANKS)
            if not rest[len(key) :].startswith("="):
                yield ins, f"legacy `{ins.cmd} {key} value` form: write `{ins.cmd} {key}=value`"


RULE = Rule("SS301", Severity.WARNING, "Legacy ENV key value", check)
