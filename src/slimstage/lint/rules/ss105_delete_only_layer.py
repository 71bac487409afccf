"""SS105: a RUN that only deletes files.

Layers add up: deleting in a later RUN what an earlier layer (or the base image) added writes
whiteouts that hide the files, but the bytes stay in the image and are still pulled. Delete in
the same RUN that created the files, or build in a stage that is not shipped. The image is the
final stage and every stage it is built FROM.
"""

from __future__ import annotations

from collections.abc import Iterator

from slimstage.dockerfile import Instruction
from slimstage.lint import shell
from slimstage.lint.rule import Context, Rule, Severity

DELETERS = {"rm", "rmdir", "find"}


def _only_deletes(ins: Instruction) -> bool:
    cmds = [shell.strip_sudo(words) for words in shell.commands(ins)]
    cmds = [c for c in cmds if c and c[0] not in ("true", ":", "set")]
    if not cmds:
        return False
    for words in cmds:
        name = words[0].rsplit("/", 1)[-1]
        if name not in DELETERS or (name == "find" and "-delete" not in words):
            return False
    return True


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    for ins in ctx.image_instructions:
        if ins.cmd == "RUN" and _only_deletes(ins):
            yield (
                ins,
                (
                    "this RUN only deletes files: the bytes stay in the earlier layer; "
                    "delete them in the RUN that created them"
                ),
            )


RULE = Rule("SS105", Severity.WARNING, "Layer that only hides files", check)
