"""`slimstage lint`: stage-aware Dockerfile findings for size, multi-stage builds and Python,
and ShellCheck's on every RUN."""

from __future__ import annotations

import sys
from pathlib import Path

from slimstage.errors import UsageError
from slimstage.lint import config, output
from slimstage.lint.limits import MAX_FILE_SIZE, STDIN
from slimstage.lint.rule import Severity
from slimstage.lint.rules import all_rules
from slimstage.lint.runner import lint_files
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
    if sum(str(path) == STDIN for path in options.paths) > 1:
        raise UsageError("standard input (-) can be linted once per run")
    findings = lint_files(
        options.paths,
        ignore=[*options.ignore, *settings.ignore],
        target=options.target,
        build_args=options.build_arg,
        run_shellcheck=options.shellcheck and settings.shellcheck,
        max_bytes=options.max_file_size or MAX_FILE_SIZE,
    )
    if options.format == "json":
        sys.stdout.write(output.to_json(findings))
    elif options.format == "sarif":
        sys.stdout.write(output.sarif(findings, all_rules()))
    else:
        sys.stdout.write(output.text(findings))
    return 1 if any(f.severity >= threshold for f in findings) else 0
