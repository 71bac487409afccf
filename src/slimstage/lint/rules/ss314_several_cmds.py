"""SS314: more than one CMD in a stage.

Only the last CMD of a stage takes effect; the earlier ones are dead text that a reader may take
for the command that runs. Keep one. (A CMD in a stage built FROM another replaces the inherited
one; that is not a finding.)
"""

from __future__ import annotations

from collections.abc import Iterator

from slimstage.dockerfile import Instruction
from slimstage.lint.rule import Context, Rule, Severity


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    for stage in ctx.dockerfile.stages:
        cmds = [ins for ins in stage.instructions if ins.cmd == "CMD"]
        for ins in cmds[1:]:
            yield ins, f"another CMD in this stage (line {cmds[0].line}): only the last one counts"


RULE = Rule("SS314", Severity.WARNING, "Several CMDs in one stage", check, hadolint=("DL4003",))
