"""SS103: `apt-get install` without `--no-install-recommends`.

Debian installs recommended packages by default; for a server image they are rarely needed and
often large (python3-pip recommends build-essential). Only the final stage's layers ship.
"""

from __future__ import annotations

from collections.abc import Iterator

from slimstage.dockerfile import Instruction
from slimstage.lint import shell
from slimstage.lint.rule import Context, Rule, Severity

FLAGS = ("--no-install-recommends", "APT::Install-Recommends=false", "APT::Install-Recommends=0")


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    for ins in ctx.final.instructions:
        if ins.cmd != "RUN" or "Install-Recommends" in " ".join(ctx.final.from_instruction.value):
            continue
        for program in ("apt-get", "apt"):
            for args in shell.invocations(ins, program, "install"):
                if not any(flag in " ".join(args) for flag in FLAGS):
                    yield ins, "apt install without --no-install-recommends pulls extra packages"


RULE = Rule("SS103", Severity.INFO, "Recommended packages installed", check, hadolint=("DL3015",))
