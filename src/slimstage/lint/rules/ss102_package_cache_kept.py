"""SS102: apt lists or the apk cache left in the layer.

`apt-get update` writes ~50 MB of package lists to /var/lib/apt/lists; removing them in a later
RUN hides them but the layer still carries them. Remove them in the same RUN
(`&& rm -rf /var/lib/apt/lists/*`), or use a cache mount. For Alpine, `apk add --no-cache`.
Only stages whose layers reach the image count: the final stage.
"""

from __future__ import annotations

from collections.abc import Iterator

from slimstage.dockerfile import Instruction
from slimstage.lint import shell
from slimstage.lint.rule import Context, Rule, Severity


def _cache_mounted(ins: Instruction, path: str) -> bool:
    return any(f.startswith("--mount=") and path in f for f in ins.flags)


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    for ins in ctx.final.instructions:
        if ins.cmd != "RUN":
            continue
        text = ins.text
        updates = list(shell.invocations(ins, "apt-get", "update")) + list(
            shell.invocations(ins, "apt", "update")
        )
        if updates and "/var/lib/apt/lists" not in text and not _cache_mounted(ins, "/var/lib/apt"):
            yield ins, "apt lists stay in this layer: add `&& rm -rf /var/lib/apt/lists/*`"
        for args in shell.invocations(ins, "apk", "add"):
            if (
                "--no-cache" not in args
                and "/var/cache/apk" not in text
                and not _cache_mounted(ins, "/var/cache/apk")
            ):
                yield ins, "apk cache stays in this layer: use `apk add --no-cache`"


RULE = Rule(
    "SS102",
    Severity.WARNING,
    "Package index or cache kept in the layer",
    check,
    hadolint=("DL3009", "DL3019"),
)
