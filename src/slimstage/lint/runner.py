"""Run every rule over a Dockerfile and apply ignores (flags, config, inline comments)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from slimstage.dockerfile import Dockerfile, parse
from slimstage.errors import UsageError
from slimstage.lint.rule import Context, Finding, Rule
from slimstage.lint.rules import all_rules

_DIRECTIVE = re.compile(
    r"^#\s*(slimstage|hadolint)\s+(global\s+)?ignore\s*=\s*([A-Za-z0-9_,\s]+)$", re.IGNORECASE
)


def hadolint_map(rules: Iterable[Rule]) -> dict[str, str]:
    """hadolint code -> slimstage code, for the rules that have an equivalent."""
    return {dl: rule.code for rule in rules for dl in rule.hadolint}


def translate(codes: Iterable[str], rules: list[Rule]) -> set[str]:
    mapping = hadolint_map(rules)
    return {mapping.get(code.upper(), code.upper()) for code in codes}


def inline_ignores(df: Dockerfile, rules: list[Rule]) -> tuple[dict[int, set[str]], set[str]]:
    """Per-instruction-line ignores from `# slimstage ignore=` / `# hadolint ignore=` comments,
    which apply to the next instruction, and file-wide ones from `global ignore=`."""
    starts = sorted(ins.line for ins in df.instructions)
    per_line: dict[int, set[str]] = {}
    global_codes: set[str] = set()
    for number, comment in df.comments.items():
        match = _DIRECTIVE.match(comment)
        if not match:
            continue
        codes = translate((c for c in re.split(r"[,\s]+", match.group(3)) if c), rules)
        if match.group(2):
            global_codes |= codes
            continue
        following = next((line for line in starts if line > number), None)
        if following is not None:
            per_line.setdefault(following, set()).update(codes)
    return per_line, global_codes


def has_dockerignore(path: Path) -> bool:
    return (path.parent / ".dockerignore").is_file() or path.with_name(
        path.name + ".dockerignore"
    ).is_file()


def lint_text(
    text: str,
    *,
    path: str = "Dockerfile",
    ignore: Iterable[str] = (),
    target: str | None = None,
    dockerignore: bool = True,
) -> list[Finding]:
    rules = all_rules()
    df = parse(text, path)
    final = df.final(target)
    ctx = Context(df, final, frozenset(df.reachable(target)), dockerignore)
    ignored = translate(ignore, rules)
    per_line, global_codes = inline_ignores(df, rules)
    ignored |= global_codes
    findings = []
    for rule in rules:
        if rule.code in ignored:
            continue
        for finding in rule.run(ctx):
            if finding.code not in per_line.get(finding.line, set()):
                findings.append(finding)
    return sorted(findings, key=lambda f: (f.line, f.code))


def lint_file(
    path: Path, *, ignore: Iterable[str] = (), target: str | None = None
) -> list[Finding]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read: {exc}") from None
    return lint_text(
        text, path=str(path), ignore=ignore, target=target, dockerignore=has_dockerignore(path)
    )
