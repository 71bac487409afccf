"""SS303: relative WORKDIR.

A relative WORKDIR depends on every WORKDIR before it, and on the base image's. Use an absolute
path.
"""

from __future__ import annotations

from collections.abc import Iterator

from slimstage.dockerfile import Instruction
from slimstage.lint.rule import Context, Rule, Severity


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    for ins in ctx.dockerfile.instructions:
        if ins.cmd == "WORKDIR":
            path = ins.value[0].strip("\"'")
            if not path.startswith(("/", "$")) and not (len(path) > 1 and path[1] == ":"):
                yield ins, f"WORKDIR {path} is relative: use an absolute path"


RULE = Rule("SS303", Severity.WARNING, "Relative WORKDIR", check, hadolint=("DL3000",))
