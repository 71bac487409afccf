"""SS302: `FROM ... as name` with keyword casing that does not match.

BuildKit's FromAsCasing check: `FROM` and `AS` should have the same casing.
"""

from __future__ import annotations

from collections.abc import Iterator

from slimstage.dockerfile import Stage
from slimstage.lint.rule import Context, Rule, Severity


def check(ctx: Context) -> Iterator[tuple[Stage, str]]:
    for stage in ctx.dockerfile.stages:
        words = stage.from_instruction.value
        if len(words) == 3:
            keyword, as_word = stage.from_instruction.keyword, words[1]
            if keyword.isupper() != as_word.isupper():
                yield stage, f"'{as_word}' and '{keyword}' keywords' casing do not match"


RULE = Rule("SS302", Severity.STYLE, "FROM/AS casing mismatch", check)
