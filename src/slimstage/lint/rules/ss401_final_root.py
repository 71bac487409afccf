"""SS401: the final stage runs as root.

A process running as root in the container is root on the host's kernel; an escape is worse.
Add a user and `USER` it in the final stage (a base tagged `nonroot`, as distroless
images are, counts as doing so). Builder stages may stay root: they never run.
"""

from __future__ import annotations

from collections.abc import Iterator

from slimstage.dockerfile import Instruction, Stage
from slimstage.lint.rule import Context, Rule, Severity

ROOT = {"root", "0", "0:0", "root:root", "root:0", "0:root"}


def check(ctx: Context) -> Iterator[tuple[Instruction | Stage, str]]:
    users = [ins for ins in ctx.final.instructions if ins.cmd == "USER"]
    if not users:
        # Images tagged nonroot (distroless' convention) already set a non-root USER.
        if ctx.final.base != "scratch" and "nonroot" not in ctx.final.base.rpartition(":")[2]:
            yield ctx.final, "the final stage sets no USER: the container runs as root"
    elif users[-1].value[0] in ROOT:
        yield users[-1], "the final stage switches to root last: the container runs as root"


RULE = Rule("SS401", Severity.WARNING, "Final stage runs as root", check, hadolint=("DL3002",))
