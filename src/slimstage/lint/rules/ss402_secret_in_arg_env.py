"""SS402: a secret passed through ARG or ENV.

ENV values are stored in the image config; ARG values used by a RUN appear in `docker history`.
Either way anyone who can pull the image can read them, also from builder stages whose history is
exported with cache. Use `RUN --mount=type=secret`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from slimstage.dockerfile import Instruction
from slimstage.lint.rule import Context, Rule, Severity

SECRET = re.compile(
    r"(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?|AUTH)",
    re.IGNORECASE,
)
NOT_SECRET = re.compile(r"(_FILE|_PATH|_DIR|_URL_?TEMPLATE)$", re.IGNORECASE)


def _names(ins: Instruction) -> list[str]:
    if ins.cmd == "ARG":
        return [w.split("=", 1)[0] for w in ins.value]
    return [ins.value[i] for i in range(0, len(ins.value), 2)]


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    for ins in ctx.dockerfile.instructions:
        if ins.cmd not in ("ARG", "ENV"):
            continue
        for name in _names(ins):
            if SECRET.search(name) and not NOT_SECRET.search(name):
                yield ins, f"{ins.cmd} {name} looks like a secret: use RUN --mount=type=secret"


RULE = Rule("SS402", Severity.ERROR, "Secret in ARG or ENV", check)
