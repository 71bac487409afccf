"""SS313: ADD of local files that COPY would copy the same.

ADD also unpacks local tar archives and fetches URLs; for a plain file or folder it does what
COPY does, and a reader has to check which of its behaviours is meant. Use COPY, and keep ADD for
archives to unpack (`.tar`, `.tar.gz`, `.tgz`, `.tar.xz`, ...) and remote sources. A `.zip` or a
`.whl` is not unpacked by ADD.
"""

from __future__ import annotations

from collections.abc import Iterator

from slimstage.dockerfile import Instruction
from slimstage.lint.rule import Context, Rule, Severity, unquote

ARCHIVES = (
    ".tar", ".Z", ".bz2", ".gz", ".lz", ".lzma", ".tZ", ".tb2", ".tbz", ".tbz2", ".tgz", ".tlz",
    ".tpz", ".txz", ".xz",
)  # fmt: skip
REMOTE = ("http://", "https://", "git@")


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    for ins in ctx.dockerfile.instructions:
        if ins.cmd != "ADD":
            continue
        local = [
            src
            for src in map(unquote, ins.value[:-1])
            if not src.startswith(REMOTE) and not src.endswith(ARCHIVES)
        ]
        if local:
            yield ins, f"ADD {' '.join(local)}: use COPY for files and folders"


RULE = Rule("SS313", Severity.WARNING, "ADD where COPY does", check, hadolint=("DL3020",))
