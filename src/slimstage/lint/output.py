"""Findings as text (people), JSON (scripts) and SARIF 2.1.0 (GitHub code scanning)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from slimstage import __version__
from slimstage.lint.rule import Finding, Rule, Severity

DOCS = "https://github.com/slimstage/slimstage/blob/main/docs/rules/{code}.md"
_SARIF_LEVEL = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "note",
    Severity.STYLE: "note",
}


def text(findings: Sequence[Finding]) -> str:
    lines = []
    for f in findings:
        stage = f" [stage {f.stage}]" if f.stage is not None else ""
        lines.append(f"{f.file}:{f.line} {f.code} {f.severity}{stage}: {f.message}")
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


def sarif(findings: Sequence[Finding], rules: Sequence[Rule]) -> str:
    index = {rule.code: i for i, rule in enumerate(rules)}
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
                        "rules": [
                            {
                                "id": rule.code,
                                "name": rule.title,
                                "shortDescription": {"text": rule.title},
                                "helpUri": DOCS.format(code=rule.code),
                                "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
                            }
                            for rule in rules
                        ],
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
