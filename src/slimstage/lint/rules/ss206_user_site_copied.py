"""SS206: `pip install --user` packages copied between stages through /root/.local.

The seed's multi-stage build does this. It works only while the final stage runs as root (see
SS203), mixes the packages with the system site-packages, and needs PATH edited for their
scripts. A virtualenv (`python -m venv /opt/venv`) is self-contained: copy it whole and put its
bin/ first on PATH.
"""

from __future__ import annotations

from collections.abc import Iterator

from slimstage.dockerfile import Instruction
from slimstage.lint.rule import Context, Rule, Severity


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    for ins in ctx.image_instructions:
        if ins.cmd == "COPY" and ins.flag("from") is not None:
            if any(src.rstrip("/").startswith("/root/.local") for src in ins.value[:-1]):
                yield (
                    ins,
                    (
                        "user site-packages copied from /root/.local: a virtualenv copied whole is "
                        "self-contained and works for non-root users"
                    ),
                )


RULE = Rule("SS206", Severity.INFO, "pip --user packages copied between stages", check)
