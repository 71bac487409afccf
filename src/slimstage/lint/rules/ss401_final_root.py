"""SS401: the image runs as root.

A process running as root in the container is root on the host's kernel; an escape is worse.
Add a user and `USER` it in the final stage, or in a stage the final one is built FROM: USER is
inherited (a base tagged `nonroot`, as distroless images are, counts as doing so). The last USER
of that chain decides; `root`, `0` and `root:group` are root. Builder stages may stay root:
they never run.
"""

from __future__ import annotations

from collections.abc import Iterator

from slimstage.dockerfile import Instruction, Stage
from slimstage.lint.rule import Context, Rule, Severity, unquote


def is_root(user: str) -> bool:
    return unquote(user).split(":", 1)[0] in ("root", "0")


def check(ctx: Context) -> Iterator[tuple[Instruction | Stage, str]]:
    users = [ins for ins in ctx.image_instructions if ins.cmd == "USER"]
    if not users:
        base = ctx.dockerfile.external_base(ctx.final)
        # Images tagged nonroot (distroless' convention) already set a non-root USER. The tag is
        # in the last path part (a registry's :port is not one), before any @digest.
        tag = base.partition("@")[0].rpartition("/")[2].partition(":")[2]
        if base != "scratch" and "nonroot" not in tag:
            yield ctx.final, "the image sets no USER: the container runs as root"
    elif is_root(users[-1].value[0]):
        yield users[-1], "the image switches to root last: the container runs as root"


RULE = Rule("SS401", Severity.WARNING, "Image runs as root", check, hadolint=("DL3002",))
