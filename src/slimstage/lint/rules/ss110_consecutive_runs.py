"""SS110: consecutive one-command RUNs in the image.

Each RUN is a layer. Two RUNs in a row, each running a single command with the same flags, can be
one (`RUN a && b`): one layer fewer to store and pull, and files one of them deletes never land in
a layer at all. Only the layers of the image count: the final stage's and those of the stages it
is built FROM.
"""

from __future__ import annotations

from collections.abc import Iterator

from slimstage.dockerfile import Instruction
from slimstage.lint import shell
from slimstage.lint.rule import Context, Rule, Severity


def _single(ins: Instruction | None) -> bool:
    return ins is not None and ins.cmd == "RUN" and len(shell.commands(ins)) == 1


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    for stage in ctx.image_stages:
        previous: Instruction | None = None
        for ins in stage.instructions:
            if _single(previous) and _single(ins):
                assert previous is not None
                if sorted(previous.flags) == sorted(ins.flags):
                    yield ins, f"this RUN and the one on line {previous.line} can be one layer"
            previous = ins


RULE = Rule("SS110", Severity.INFO, "Consecutive RUNs", check, hadolint=("DL3059",))
