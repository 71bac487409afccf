"""SS308: COPY to a relative destination with no WORKDIR set.

`COPY requirements.txt .` copies relative to the working directory, which is `/` unless a WORKDIR
in this stage, or in a stage it is built FROM, set another. The files land in the root of the
filesystem. Set a WORKDIR first (`WORKDIR /app`), or copy to an absolute path.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from slimstage.dockerfile import Instruction
from slimstage.lint.rule import Context, Rule, Severity, unquote

ABSOLUTE = re.compile(r"^(/|\$|[A-Za-z]:)")


def _is_workdir(ins: Instruction) -> bool:
    return ins.cmd == "WORKDIR"


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    for ins in ctx.dockerfile.instructions:
        if ins.cmd != "COPY" or len(ins.value) < 2:
            continue
        dest = unquote(ins.value[-1])
        if ABSOLUTE.match(dest) or ctx.last_before(ins, _is_workdir) is not None:
            continue
        yield ins, f"COPY to {dest} with no WORKDIR set: it is relative to /; set WORKDIR first"


RULE = Rule(
    "SS308",
    Severity.WARNING,
    "COPY to a relative path without WORKDIR",
    check,
    hadolint=("DL3045",),
)
