"""`slimstage lint`: stage-aware Dockerfile findings for size, multi-stage builds and Python."""

from __future__ import annotations

import sys
from pathlib import Path

from slimstage.errors import UsageError
from slimstage.lint import config, output
from slimstage.lint.rule import Finding, Severity
from slimstage.lint.rules import all_rules
from slimstage.lint.runner import lint_file
from slimstage.options import LintOptions


def run(options: LintOptions) -> int:
    settings = config.load(options.config, Path.cwd())
    try:
        threshold = (
            Severity.named(options.failure_threshold)
            if options.failure_threshold
            else settings.failure_threshold
        )
    except ValueError as exc:
        raise UsageError(f"--failure-threshold: {exc}") from None
    findings: list[Finding] = []
    for path in options.paths:
        ignore = [*options.ignore, *settings.ignore]
        findings += lint_file(path, ignore=ignore, target=options.target)
    if options.format == "json":
        sys.stdout.write(output.to_json(findings))
    elif options.format == "sarif":
        sys.stdout.write(output.sarif(findings, all_rules()))
    else:
        sys.stdout.write(output.text(findings))
    return 1 if any(f.severity >= threshold for f in findings) else 0
