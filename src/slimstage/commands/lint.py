"""`slimstage lint`: stage-aware Dockerfile findings for size, multi-stage builds and Python."""

from __future__ import annotations

import sys
from pathlib import Path

from slimstage.errors import UsageError
from slimstage.lint import config, output
from slimstage.lint.rule import Finding, Severity
from slimstage.lint.rules import all_rules
from slimstage.lint.runner import lint_file


def lint(
    *,
    paths: list[Path],
    output_format: str,
    ignore: list[str],
    failure_threshold: str | None,
    config_path: Path | None,
    target: str | None,
) -> int:
    settings = config.load(config_path, Path.cwd())
    try:
        threshold = (
            Severity.named(failure_threshold) if failure_threshold else settings.failure_threshold
        )
    except ValueError as exc:
        raise UsageError(f"--failure-threshold: {exc}") from None
    findings: list[Finding] = []
    for path in paths:
        findings += lint_file(path, ignore=[*ignore, *settings.ignore], target=target)
    if output_format == "json":
        sys.stdout.write(output.to_json(findings))
    elif output_format == "sarif":
        sys.stdout.write(output.sarif(findings, all_rules()))
    else:
        sys.stdout.write(output.text(findings))
    return 1 if any(f.severity >= threshold for f in findings) else 0
