"""SS102: apt lists, downloaded .deb files or the apk cache left in a layer of the image.

`apt-get update` writes ~50 MB of package lists to /var/lib/apt/lists; removing them in a later
RUN hides them but the layer still carries them. Remove them in the same RUN
(`&& rm -rf /var/lib/apt/lists/*`), or put them on a cache mount
(`RUN --mount=type=cache,target=/var/lib/apt/lists`, or on all of /var/lib/apt).

Debian's images delete each downloaded .deb after installing it (the hook
/etc/apt/apt.conf.d/docker-clean). A Dockerfile that removes that hook, usually to keep the
.deb files in a cache mount, must then mount /var/cache/apt too: otherwise every .deb it
installs stays in the layer, next to the installed files. For Alpine, `apk add --no-cache`
(or a cache mount on /var/cache/apk).

Only layers that ship count: the final stage's and those of every stage it is built FROM, and
ONBUILD triggers, which run in the image built FROM theirs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from slimstage.dockerfile import Instruction
from slimstage.lint import shell
from slimstage.lint.mounts import kept_out
from slimstage.lint.rule import Context, Rule, Severity

APT = ("apt-get", "apt", "aptitude")
KEEPS_DEBS = re.compile(
    r"rm\s[^;&|]*/etc/apt/apt\.conf\.d/docker-clean|Keep-Downloaded-Packages\W+true"
)
CLEANS_DEBS = re.compile(r"apt-get\s+clean|apt\s+clean|/var/cache/apt")


def _runs(ins: Instruction, sub: str) -> bool:
    return any(True for program in APT for _ in shell.invocations(ins, program, sub))


def _lists_kept(ins: Instruction) -> bool:
    return (
        _runs(ins, "update")
        and "/var/lib/apt/lists" not in ins.text
        and not kept_out(ins, "/var/lib/apt/lists")
    )


def _removes_hook(ins: Instruction) -> bool:
    return ins.cmd == "RUN" and KEEPS_DEBS.search(ins.text) is not None


def _hook_removed(ctx: Context, ins: Instruction) -> Instruction | None:
    """The instruction that removed docker-clean before or in INS, if any."""
    return ctx.first_before(ins, _removes_hook) or (ins if _removes_hook(ins) else None)


def _debs_kept(ctx: Context, ins: Instruction) -> Instruction | None:
    if not _runs(ins, "install") or kept_out(ins, "/var/cache/apt/archives"):
        return None
    if CLEANS_DEBS.search(ins.text):
        return None
    return _hook_removed(ctx, ins)


def _apk_cache_kept(ins: Instruction) -> bool:
    return any(
        "--no-cache" not in args
        and "/var/cache/apk" not in ins.text
        and not kept_out(ins, "/var/cache/apk")
        for args in shell.invocations(ins, "apk", "add")
    )


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    for ins in ctx.shipped("RUN"):
        if _lists_kept(ins):
            yield ins, "apt lists stay in this layer: add `&& rm -rf /var/lib/apt/lists/*`"
        hook = _debs_kept(ctx, ins)
        if hook is not None:
            yield (
                ins,
                (
                    f"downloaded .deb files stay in this layer (docker-clean is removed on line "
                    f"{hook.line}): mount /var/cache/apt as a cache too, or `apt-get clean`"
                ),
            )
        if _apk_cache_kept(ins):
            yield ins, "apk cache stays in this layer: use `apk add --no-cache`"


RULE = Rule(
    "SS102",
    Severity.WARNING,
    "Package index or cache kept in the layer",
    check,
    hadolint=("DL3009", "DL3019"),
)
