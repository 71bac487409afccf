"""SS201: `COPY --from` naming a stage that does not exist, comes later, or is its own stage.

BuildKit treats an unknown `--from` name as an image to pull, so a typo in a stage name becomes
a confusing pull error (or, worse, pulls an unrelated image). A stage cannot copy from itself or
from a stage defined after it.
"""

from __future__ import annotations

from collections.abc import Iterator

from slimstage.dockerfile import Instruction
from slimstage.lint.rule import Context, Rule, Severity


def _looks_like_image(ref: str) -> bool:
    return any(ch in ref for ch in ":/@")


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    df = ctx.dockerfile
    for stage in df.stages:
        for ins in stage.instructions:
            ref = ins.flag("from") if ins.cmd in ("COPY", "ADD") else None
            if not ref or "$" in ref:
                continue
            used = df.stage_named(ref)
            if used is None:
                if ref.isdigit() or not _looks_like_image(ref):
                    yield ins, f"--from={ref}: no stage has that name or index"
            elif used.index == stage.index:
                yield ins, f"--from={ref}: a stage cannot copy from itself"
            elif used.index > stage.index:
                yield ins, f"--from={ref}: that stage is defined later (line {used.line})"


RULE = Rule(
    "SS201",
    Severity.ERROR,
    "COPY --from names no earlier stage",
    check,
    hadolint=("DL3022", "DL3023"),
)
