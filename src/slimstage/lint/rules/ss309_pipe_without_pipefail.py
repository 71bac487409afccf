"""SS309: a pipe in RUN without `-o pipefail`.

A RUN's exit status is that of the last command of a pipe: `curl -sSL https://... | python3 -`
succeeds when the download fails and the build goes on with a broken step. Set
`SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before such a RUN (bash, zsh or ash; Debian's
/bin/sh is dash). A SHELL set in a stage the current one is built FROM is inherited. Windows
shells (cmd, PowerShell) are left alone.
"""

from __future__ import annotations

from collections.abc import Iterator

from slimstage.dockerfile import Instruction
from slimstage.lint import shell
from slimstage.lint.rule import Context, Rule, Severity

PIPEFAIL_SHELLS = {"bash", "zsh", "ash"}
OTHER_SHELLS = ("pwsh", "powershell", "cmd")


def _sets_shell(ins: Instruction) -> bool:
    return ins.cmd == "SHELL" and bool(ins.value)


def _pipefail(ctx: Context, ins: Instruction) -> bool:
    shell = ctx.last_before(ins, _sets_shell)
    if shell is None:
        return False
    words = list(shell.value)
    name = words[0].replace("\\", "/").rsplit("/", 1)[-1].lower()
    if name.startswith(OTHER_SHELLS):
        return True
    has_o = any(w.startswith("-") and not w.startswith("--") and "o" in w for w in words[1:])
    return name in PIPEFAIL_SHELLS and has_o and "pipefail" in words


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    for ins in ctx.dockerfile.instructions:
        if ins.cmd == "RUN" and shell.has_pipe(ins) and not _pipefail(ctx, ins):
            yield (
                ins,
                "a failure before the pipe's last command goes unnoticed: set "
                'SHELL ["/bin/bash", "-o", "pipefail", "-c"] first',
            )


RULE = Rule("SS309", Severity.WARNING, "Pipe in RUN without pipefail", check, hadolint=("DL4006",))
