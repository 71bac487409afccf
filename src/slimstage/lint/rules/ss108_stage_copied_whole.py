"""SS108: a builder stage (or another image) copied whole into the image.

`COPY --from=builder / /` brings the compiler, headers and caches along: the multi-stage build
then saves nothing. Copied into a subfolder (`COPY --from=builder / /build`) it is the same
waste. Copy only what the application needs (the virtualenv, the built files). Judged in the
final stage and every stage it is built FROM.
"""

from __future__ import annotations

from collections.abc import Iterator

from slimstage.dockerfile import Instruction
from slimstage.lint.rule import Context, Rule, Severity, unquote


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    for ins in ctx.image_instructions:
        source = ins.flag("from")
        if ins.cmd == "COPY" and source:
            if any(unquote(src).rstrip("/.") == "" for src in ins.value[:-1]):
                what = "stage" if ctx.dockerfile.stage_named(source) else "image"
                yield ins, f"{what} {source!r} is copied whole: copy only what the app needs"


RULE = Rule("SS108", Severity.WARNING, "Builder stage copied whole", check, hadolint=("DL3067",))
