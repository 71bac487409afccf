"""SS501: RUN commands in a shell that ShellCheck cannot check.

slimstage checks every shell-form RUN with ShellCheck, which reads sh, bash, dash, ash, ksh and
busybox sh. After `SHELL ["pwsh", "-c"]`, `SHELL ["cmd", "/S", "/C"]` or a shell such as zsh,
the RUN commands are not checked; this finding, on the SHELL line, says so once.
"""

from __future__ import annotations

from collections.abc import Iterator

from slimstage.dockerfile import Instruction
from slimstage.lint.rule import Context, Rule, Severity
from slimstage.lint.runscript import shells


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    reported: set[int] = set()
    for ins, shell, _ in shells(ctx.dockerfile):
        if shell.checkable is not None:
            continue
        where = shell.set_by or ins
        if where.line not in reported:
            reported.add(where.line)
            yield (
                where,
                f"RUN commands in {shell.argv[0]} are not checked: ShellCheck reads sh, bash, "
                "dash, ash, ksh and busybox sh",
            )


RULE = Rule("SS501", Severity.INFO, "RUN shell not checked by ShellCheck", check)
