"""SS106: the whole source copied before the dependencies are installed.

With `COPY . .` before `pip install -r requirements.txt` (or `poetry install`, `uv sync`), any
change to any source file invalidates the install step, and every build downloads and compiles
all dependencies again. Copy the dependency manifest alone first, install, then copy the source.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from slimstage.dockerfile import Instruction
from slimstage.lint.rule import Context, Rule, Severity

INSTALLS = re.compile(
    r"pip3?\s+install\s+(.*\s)?(-r|--requirement)\s|poetry\s+install|uv\s+sync|pipenv\s+install|"
    r"uv\s+pip\s+install\s+(.*\s)?-r\s"
)


def _copies_everything(ins: Instruction) -> bool:
    if ins.cmd not in ("COPY", "ADD") or ins.flag("from") is not None or len(ins.value) < 2:
        return False
    return any(src in (".", "./", "*") for src in ins.value[:-1])


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    for stage in ctx.dockerfile.stages:
        copied: Instruction | None = None
        for ins in stage.instructions:
            if copied is None and ins.cmd == "RUN" and INSTALLS.search(ins.text):
                break  # dependencies were installed before the source came in: the right order
            if copied is None and _copies_everything(ins):
                copied = ins
            elif copied is not None and ins.cmd == "RUN" and INSTALLS.search(ins.text):
                yield (
                    copied,
                    (
                        "the whole context is copied before dependencies are installed "
                        f"(line {ins.line}): copy the dependency manifest first so code edits "
                        "reuse the cache"
                    ),
                )
                break


RULE = Rule("SS106", Severity.WARNING, "Source copied before the dependency manifest", check)
