"""`slimstage lint`: stage-aware Dockerfile findings for size, multi-stage builds and Python,
and ShellCheck's on every RUN."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

from slimstage.errors import UsageError
from slimstage.lint import config, output
from slimstage.lint.limits import MAX_FILE_SIZE, STDIN
from slimstage.lint.rule import Severity
from slimstage.lint.rules import all_rules
from slimstage.lint.runner import lint_files


def lint(
    *,
    paths: list[Path],
    output_format: str,
    ignore: list[str],
    failure_threshold: str | None,
    config_path: Path | None,
    target: str | None,
    build_args: Mapping[str, str] | None = None,
    run_shellcheck: bool = True,
    max_file_size: str | None = None,
) -> int:
    settings = config.load(config_path, Path.cwd())
    try:
        threshold = (
            Severity.named(failure_threshold) if failure_threshold else settings.failure_threshold
        )
    except ValueError as exc:
        raise UsageError(f"--failure-threshold: {exc}") from None
    max_bytes = MAX_FILE_SIZE
    if max_file_size:
        from slimstage.gate import parse_size  # only then: it brings analyze's imports along

        max_bytes = parse_size(max_file_size)
    if sum(str(path) == STDIN for path in paths) > 1:
        raise UsageError("standard input (-) can be linted once per run")
    findings = lint_files(
        paths,
        ignore=[*ignore, *settings.ignore],
        target=target,
        build_args=build_args,
        run_shellcheck=run_shellcheck and settings.shellcheck,
        max_bytes=max_bytes,
    )
    if output_format == "json":
        sys.stdout.write(output.to_json(findings))
    elif output_format == "sarif":
        sys.stdout.write(output.sarif(findings, all_rules()))
    else:
        sys.stdout.write(output.text(findings))
    return 1 if any(f.severity >= threshold for f in findings) else 0
