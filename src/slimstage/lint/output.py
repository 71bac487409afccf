"""Findings as text (people), JSON (scripts) and SARIF 2.1.0 (GitHub code scanning).

Messages quote the Dockerfile, which may hold control characters (an image name with an ESC
sequence that would retitle or clear the terminal, a newline that would fake a finding). Text
output shows them escaped (`\\x1b`, `\\n`, `\\u202e`); JSON escapes them by itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from slimstage import __version__
from slimstage.lint.rule import Finding, Rule, Severity
from slimstage.lint.shellcheck import WIKI

DOCS = "https://github.com/slimstage/slimstage/blob/main/docs/rules/{code}.md"
_SARIF_LEVEL = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "note",
    Severity.STYLE: "note",
}
# C0 and C1 controls and DEL, line and paragraph separators, and the bidirectional overrides
# and isolates that can make text read differently from what it is.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_one(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def escape(value: str) -> str:
    """VALUE with every control character written as an escape: safe to print on a terminal."""
    return _CONTROL.sub(_escape_one, value)


def text(findings: Sequence[Finding]) -> str:
    lines = []
    for f in findings:
        stage = f" [stage {escape(f.stage)}]" if f.stage is not None else ""
        lines.append(f"{escape(f.file)}:{f.line} {f.code} {f.severity}{stage}: {escape(f.message)}")
    return "".join(line + "\n" for line in lines)


def to_json(findings: Sequence[Finding]) -> str:
    items = [
        {
            "code": f.code,
            "severity": str(f.severity),
            "file": f.file,
            "line": f.line,
            "stage": f.stage,
            "message": f.message,
        }
        for f in findings
    ]
    return json.dumps(items, indent=2) + "\n"


def _rule_entry(code: str, title: str, help_uri: str, severity: Severity) -> dict[str, object]:
    return {
        "id": code,
        "name": title,
        "shortDescription": {"text": title},
        "helpUri": help_uri,
        "defaultConfiguration": {"level": _SARIF_LEVEL[severity]},
    }


def _rule_entries(findings: Sequence[Finding], rules: Sequence[Rule]) -> list[dict[str, object]]:
    """slimstage's rules, then one entry per ShellCheck code the findings use (described by the
    first message seen for it, with a link to ShellCheck's wiki page)."""
    entries = [
        _rule_entry(rule.code, rule.title, DOCS.format(code=rule.code), rule.severity)
        for rule in rules
    ]
    known = {rule.code for rule in rules}
    for f in findings:
        if f.code not in known:
            known.add(f.code)
            entries.append(_rule_entry(f.code, f.message, WIKI.format(code=f.code), f.severity))
    return entries


def sarif(findings: Sequence[Finding], rules: Sequence[Rule]) -> str:
    entries = _rule_entries(findings, rules)
    index = {str(entry["id"]): i for i, entry in enumerate(entries)}
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "slimstage",
                        "version": __version__,
                        "informationUri": "https://github.com/slimstage/slimstage",
                        "rules": entries,
                    }
                },
                "results": [
                    {
                        "ruleId": f.code,
                        "ruleIndex": index[f.code],
                        "level": _SARIF_LEVEL[f.severity],
                        "message": {"text": f.message},
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": f.file},
                                    "region": {"startLine": f.line},
                                }
                            }
                        ],
                    }
                    for f in findings
                ],
            }
        ],
    }
    return json.dumps(document, indent=2) + "\n"
