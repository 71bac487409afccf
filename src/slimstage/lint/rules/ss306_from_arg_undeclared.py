"""SS306: a variable in FROM that no ARG before the first FROM declares.

Only ARGs declared before the first FROM can be used in FROM lines; an ARG inside a stage is not
visible there, and the image name silently loses the variable.
"""

from __future__ import annotations

from collections.abc import Iterator

from slimstage.dockerfile import Stage
from slimstage.lint.rule import Context, Rule, Severity
from slimstage.lint.rules.ss305_undefined_variable import PREDEFINED, REFERENCE


def check(ctx: Context) -> Iterator[tuple[Stage, str]]:
    declared = {w.split("=", 1)[0] for ins in ctx.dockerfile.global_args for w in ins.value}
    for stage in ctx.dockerfile.stages:
        for match in REFERENCE.finditer(stage.base):
            name = match.group(1) or match.group(2)
            if name not in declared and name not in PREDEFINED:
                yield stage, f"FROM uses ${name}, which no ARG before the first FROM declares"


RULE = Rule("SS306", Severity.ERROR, "ARG used in FROM is not declared", check)
