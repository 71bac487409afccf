from __future__ import annotations

from slimstage.lint.rule import Finding
from slimstage.lint.runner import lint_text


def findings(text: str, code: str, *, dockerignore: bool = True) -> list[Finding]:
    """The findings of one rule for a Dockerfile given as text."""
    return [f for f in lint_text(text, dockerignore=dockerignore) if f.code == code]


def lines(text: str, code: str, *, dockerignore: bool = True) -> list[int]:
    return [f.line for f in findings(text, code, dockerignore=dockerignore)]
