"""SS307: an ENV value that uses a variable set in the same ENV.

All values of one ENV are expanded before any of them is set, so in
`ENV VIRTUAL_ENV=/opt/venv PATH="$VIRTUAL_ENV/bin:$PATH"` the PATH gets an empty VIRTUAL_ENV:
`/bin:...`, and the virtualenv is not on PATH. Set the variable in an earlier ENV. A variable
that already had a value before the ENV (from an earlier ENV or ARG) is left alone: the old value
may be the one meant.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from slimstage.dockerfile import Instruction
from slimstage.lint.rule import Context, Rule, Severity


def _uses(value: str, name: str) -> bool:
    pattern = rf"(?<!\\)\$(\{{{re.escape(name)}(\}}|:)|{re.escape(name)}(?![A-Za-z0-9_]))"
    return re.search(pattern, value) is not None


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    for ins in ctx.dockerfile.instructions:
        if ins.cmd != "ENV" or len(ins.value) < 4:
            continue
        pairs = list(zip(ins.value[0::2], ins.value[1::2], strict=False))
        for index, (name, _) in enumerate(pairs):
            users = [
                other for i, (other, value) in enumerate(pairs) if i != index and _uses(value, name)
            ]
            if users and not ctx.declared_before(ins, name):
                yield (
                    ins,
                    f"{users[0]} uses ${name}, which this same ENV sets: it gets the value from "
                    f"before this ENV; set {name} in an earlier ENV",
                )
                break


RULE = Rule(
    "SS307", Severity.ERROR, "ENV uses a variable it sets itself", check, hadolint=("DL3044",)
)
