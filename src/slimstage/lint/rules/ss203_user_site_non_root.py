"""SS203: `/root/.local` copied into a final stage that runs as another user.

`pip install --user` as root installs into /root/.local; copying that into the final stage and
then switching to a non-root USER (there, or in a stage the final one is built FROM) breaks the
app: /root is mode 0700, so the user can neither
import the packages nor run their scripts. Install into a virtualenv (e.g. /opt/venv) and copy it.
"""

from __future__ import annotations

from collections.abc import Iterator

from slimstage.dockerfile import Instruction
from slimstage.lint.rule import Context, Rule, Severity
from slimstage.lint.rules.ss401_final_root import is_root


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    users = [ins for ins in ctx.image_instructions if ins.cmd == "USER"]
    if not users or is_root(users[-1].value[0]):
        return
    for ins in ctx.image_instructions:
        if ins.cmd == "COPY" and ins.flag("from") is not None:
            if any(src.rstrip("/").startswith("/root/.local") for src in ins.value[:-1]):
                yield (
                    ins,
                    (
                        f"/root/.local is unreadable for USER {users[-1].value[0]} (line "
                        f"{users[-1].line}; /root is 0700): install into a virtualenv and copy that"
                    ),
                )


RULE = Rule("SS203", Severity.ERROR, "User site-packages copied for a non-root user", check)
