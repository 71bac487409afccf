"""SS312: `apt-get install` without `-y`.

A build has no terminal to answer apt's "Do you want to continue? [Y/n]": apt-get reads no
answer, aborts, and the RUN fails as soon as the install needs more than was asked for. Pass
`-y` (`--yes`, `--assume-yes`, or `-qq`, which implies it).
"""

from __future__ import annotations

from collections.abc import Iterator

from slimstage.dockerfile import Instruction
from slimstage.lint import shell
from slimstage.lint.rule import Context, Rule, Severity


def _assumes_yes(args: list[str]) -> bool:
    if any(a in ("--yes", "--assume-yes", "-q=2", "--quiet=2") for a in args):
        return True
    short = "".join(a[1:] for a in args if a.startswith("-") and not a.startswith("--"))
    return "y" in short or short.count("q") + args.count("--quiet") >= 2


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    for ins in (*ctx.dockerfile.instructions, *ctx.triggers):
        if ins.cmd != "RUN":
            continue
        for program in ("apt-get", "apt"):
            if any(not _assumes_yes(a) for a in shell.invocations(ins, program, "install")):
                yield ins, f"{program} install without -y stops at its prompt and the build fails"
                break


RULE = Rule("SS312", Severity.WARNING, "apt-get install without -y", check, hadolint=("DL3014",))
