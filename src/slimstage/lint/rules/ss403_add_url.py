"""SS403: ADD of a URL.

`ADD https://...` downloads at build time with no integrity check (unless `--checksum`), and the
file lands in a layer even if only its contents are needed. Download with curl and verify a
checksum in a RUN (in a builder stage), or pass `ADD --checksum=sha256:...`.
"""

from __future__ import annotations

from collections.abc import Iterator

from slimstage.dockerfile import Instruction
from slimstage.lint.rule import Context, Rule, Severity


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    for ins in ctx.dockerfile.instructions:
        if ins.cmd == "ADD" and ins.flag("checksum") is None:
            for src in ins.value[:-1]:
                if src.startswith(("http://", "https://")):
                    yield ins, f"ADD {src} downloads without a checksum"


RULE = Rule("SS403", Severity.WARNING, "ADD of a URL", check)
