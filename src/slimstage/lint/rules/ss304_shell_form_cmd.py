"""SS304: shell-form CMD, ENTRYPOINT or HEALTHCHECK CMD in the image.

`CMD python app.py` runs `/bin/sh -c "python app.py"`: the shell is PID 1 and does not pass
SIGTERM on, so `docker stop` waits and then kills the app. Use the exec form
`CMD ["python", "app.py"]`. A shell-form `HEALTHCHECK CMD` needs /bin/sh in the image: on a
shell-less runtime base every check fails and the container is reported unhealthy. Judged in the
final stage and every stage it is built FROM (their CMD is inherited).
"""

from __future__ import annotations

from collections.abc import Iterator

from slimstage.dockerfile import Instruction
from slimstage.lint.rule import Context, Rule, Severity


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    for ins in ctx.image_instructions:
        if ins.cmd in ("CMD", "ENTRYPOINT") and not ins.json:
            yield ins, f"shell-form {ins.cmd}: signals do not reach the app; use the JSON form"
        elif ins.cmd == "HEALTHCHECK" and ins.value[0].upper() == "CMD" and not ins.json:
            yield ins, "shell-form HEALTHCHECK CMD needs /bin/sh in the image; use the JSON form"


RULE = Rule(
    "SS304", Severity.WARNING, "Shell-form CMD/ENTRYPOINT/HEALTHCHECK", check, hadolint=("DL3025",)
)
