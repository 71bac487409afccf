"""SS107: `COPY . .` without a .dockerignore.

Without a .dockerignore the whole folder is sent to the builder and copied into the image: .git,
virtualenvs, caches, local .env files with credentials. Add a .dockerignore next to the
Dockerfile (or `<Dockerfile>.dockerignore`).
"""

from __future__ import annotations

from collections.abc import Iterator

from slimstage.dockerfile import Instruction
from slimstage.lint.rule import Context, Rule, Severity


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    if ctx.has_dockerignore:
        return
    for ins in ctx.dockerfile.instructions:
        if ins.cmd in ("COPY", "ADD") and ins.flag("from") is None and len(ins.value) >= 2:
            if any(src in (".", "./") for src in ins.value[:-1]):
                yield ins, "the whole context is copied and there is no .dockerignore"
                return


RULE = Rule("SS107", Severity.WARNING, "Whole context copied without .dockerignore", check)
