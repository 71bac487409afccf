"""SS109: `useradd` with a high UID and without `-l` (`--no-log-init`).

useradd resets the new user's entry in /var/log/lastlog and /var/log/faillog, files indexed by
UID: for UID 1000000 that writes some 300 MB of zeros, and a layer keeps every byte. Add `-l`
(`--no-log-init`), or pick a UID below 100000. useradd from shadow 4.13 on no longer writes
entries that did not exist (Debian bookworm and trixie, so today's python:3.x-slim, Ubuntu
24.04); bullseye-based images, Ubuntu 22.04 and older, and RHEL/UBI bases still do. Judged in
the image: the final stage, the stages it is built FROM, and ONBUILD triggers.
"""

from __future__ import annotations

from collections.abc import Iterator

from slimstage.dockerfile import Instruction
from slimstage.lint import shell
from slimstage.lint.rule import Context, Rule, Severity


def _uid(args: list[str]) -> str | None:
    for index, arg in enumerate(args):
        if arg in ("-u", "--uid") and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith("--uid="):
            return arg.split("=", 1)[1]
    return None


def _no_log_init(args: list[str]) -> bool:
    short = (a for a in args if a.startswith("-") and not a.startswith("--"))
    return "--no-log-init" in args or any("l" in a[1:] for a in short)


def _high_uids(ins: Instruction) -> Iterator[str]:
    for words in shell.commands(ins):
        words = shell.strip_sudo(words)
        if words and words[0].rsplit("/", 1)[-1] == "useradd":
            uid = _uid(words[1:])
            if uid and uid.isdigit() and len(uid) > 5 and not _no_log_init(words[1:]):
                yield uid


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    for ins in ctx.shipped("RUN"):
        for uid in _high_uids(ins):
            yield (
                ins,
                f"useradd with UID {uid} and no -l writes a lastlog of hundreds of MB into the "
                "layer: add -l (--no-log-init)",
            )


RULE = Rule(
    "SS109", Severity.WARNING, "useradd with a high UID fills lastlog", check, hadolint=("DL3046",)
)
