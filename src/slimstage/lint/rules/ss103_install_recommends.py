"""SS103: `apt-get install` without `--no-install-recommends` in the image.

Debian installs recommended packages by default; for a server image they are rarely needed and
often large (python3-pip recommends build-essential). Only layers that ship count: the final
stage's, those of every stage it is built FROM, and ONBUILD triggers. An apt configuration
written earlier that turns recommends off (`APT::Install-Recommends "false";`) counts too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from slimstage.dockerfile import Instruction
from slimstage.lint import shell
from slimstage.lint.rule import Context, Rule, Severity

FLAGS = ("--no-install-recommends", "APT::Install-Recommends=false", "APT::Install-Recommends=0")
CONFIGURED_OFF = re.compile(r"APT::Install-Recommends\W+(false|0)\b", re.IGNORECASE)


def _turns_off(ins: Instruction) -> bool:
    return ins.cmd == "RUN" and CONFIGURED_OFF.search(ins.text) is not None


def _configured_off(ctx: Context, ins: Instruction) -> bool:
    return ctx.first_before(ins, _turns_off) is not None


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    for ins in ctx.shipped("RUN"):
        for program in ("apt-get", "apt"):
            for args in shell.invocations(ins, program, "install"):
                if not any(flag in " ".join(args) for flag in FLAGS):
                    if not _configured_off(ctx, ins):
                        yield (
                            ins,
                            "apt install without --no-install-recommends pulls extra packages",
                        )


RULE = Rule("SS103", Severity.INFO, "Recommended packages installed", check, hadolint=("DL3015",))
