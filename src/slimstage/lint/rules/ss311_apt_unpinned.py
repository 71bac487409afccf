"""SS311: apt packages installed without a version.

`apt-get install libpq5` installs whatever version the mirror has on the day of the build. Pin
it (`libpq5=15.8-0+deb12u1`, or a release with `name/bookworm-backports`) when builds must be
repeatable. Most Python images take the distribution's current security updates instead, so
this rule is informational.
"""

from __future__ import annotations

from collections.abc import Iterator

from slimstage import managers
from slimstage.dockerfile import Instruction
from slimstage.lint import shell
from slimstage.lint.rule import Context, Rule, Severity


def _unpinned(ins: Instruction) -> list[str]:
    found = []
    for program in ("apt-get", "apt"):
        for args in shell.invocations(ins, program, "install"):
            for package in managers.operands(args, "install", managers.VALUE_OPTIONS[program]):
                if not ("=" in package or "/" in package or package.endswith(".deb")):
                    found.append(package)
    return found


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    for ins in (*ctx.dockerfile.instructions, *ctx.triggers):
        if ins.cmd == "RUN":
            unpinned = _unpinned(ins)
            if unpinned:
                yield ins, f"apt installs {', '.join(unpinned)} without a version (name=1.2-3)"


RULE = Rule("SS311", Severity.INFO, "apt package without a version", check, hadolint=("DL3008",))
