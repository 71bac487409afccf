"""SS304: shell-form CMD or ENTRYPOINT in the final stage.

`CMD python app.py` runs `/bin/sh -c "python app.py"`: the shell is PID 1 and does not pass
SIGTERM on, so `docker stop` waits and then kills the app. Use the exec form
`CMD ["python", "app.py"]`. (Images without a shell cannot run the shell form at all.)
"""

from __future__ import annotations

from collections.abc import Iterator

from slimstage.dockerfile import Instruction
from slimstage.lint.rule import Context, Rule, Severity


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    for ins in ctx.final.instructions:
        if ins.cmd in ("CMD", "ENTRYPOINT") and not ins.json:
            yield ins, f"shell-form {ins.cmd}: signals do not reach the app; use the JSON form"


RULE = Rule("SS304", Severity.WARNING, "Shell-form CMD/ENTRYPOINT", check, hadolint=("DL3025",))
