from __future__ import annotations

from slimstage.lint.rule import Finding
from slimstage.lint.runner import lint_text


def findings(text: str, code: str, *, dockerignore: bool = True) -> list[Finding]:
    """The findings of one rule for a Dockerfile given as text. ShellCheck runs only for the
    rules about it (SS5xx) and its own codes: no other rule reads what it finds."""
    shellcheck = code.startswith(("SS5", "SC"))
    found = lint_text(text, dockerignore=dockerignore, run_shellcheck=shellcheck)
    return [f for f in found if f.code == code]


def lines(text: str, code: str, *, dockerignore: bool = True) -> list[int]:
    return [f.line for f in findings(text, code, dockerignore=dockerignore)]


def whole(text: str, code: str, *, dockerignore: bool = True) -> list[tuple[int, str]]:
    """Each finding of one rule as (line, message)."""
    return [(f.line, f.message) for f in findings(text, code, dockerignore=dockerignore)]
