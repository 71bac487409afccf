"""SS502: a Dockerfile with more RUN script than ShellCheck checks in reasonable time.

ShellCheck reads about 40 kB of shell a second, slimstage's own rules well over 1 MB. Above
200,000 characters of RUN commands (no hand-written Dockerfile comes close) ShellCheck is not
run, so that linting a generated file still takes seconds, and this finding says so. The same
finding reports a ShellCheck run stopped after 60 seconds.
"""

from __future__ import annotations

from collections.abc import Iterator

from slimstage.dockerfile import Instruction
from slimstage.lint.rule import Context, Rule, Severity
from slimstage.lint.runscript import shells, size
from slimstage.lint.shellcheck import MAX_SCRIPT_CHARS


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    chars = size(ctx.dockerfile)
    if chars > MAX_SCRIPT_CHARS:
        first = next(ins for ins, _, _ in shells(ctx.dockerfile))
        yield (
            first,
            (
                f"ShellCheck not run: the RUN commands are {chars:,} characters, over the "
                f"{MAX_SCRIPT_CHARS:,} it checks in reasonable time"
            ),
        )


RULE = Rule("SS502", Severity.INFO, "ShellCheck skipped on a very large Dockerfile", check)
