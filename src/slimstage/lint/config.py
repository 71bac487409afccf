"""Lint settings from `.slimstage.toml` or `[tool.slimstage]` in pyproject.toml.

Keys (top level, or in a `lint` table): `ignore` (list of codes: SSxxx, hadolint's DLxxxx or
ShellCheck's SCxxxx), `failure-threshold` (error, warning, info, style) and `shellcheck` (false:
do not run ShellCheck on RUN commands).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slimstage.errors import UsageError
from slimstage.lint.rule import Severity

KEYS = {"ignore", "failure-threshold", "shellcheck"}


@dataclass(frozen=True)
class Config:
    ignore: frozenset[str] = field(default_factory=frozenset)
    failure_threshold: Severity = Severity.INFO
    source: str | None = None
    shellcheck: bool = True


def _table(path: Path) -> dict[str, Any] | None:
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"{path}: cannot read config: {exc}") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("slimstage")
        if data is None:
            return None
    if "lint" in data:
        table = data["lint"]
        if not isinstance(table, dict):
            raise UsageError(f"{path}: the lint settings must be a table")
        return dict(table)
    # Top-level keys are lint settings; other tables ([gate], ...) belong to other commands.
    return {k: v for k, v in data.items() if not isinstance(v, dict)}


def load(explicit: Path | None, search_dir: Path) -> Config:
    candidates = (
        [explicit] if explicit else [search_dir / ".slimstage.toml", search_dir / "pyproject.toml"]
    )
    for path in candidates:
        if path is None:
            continue
        if not path.is_file():
            if explicit:
                raise UsageError(f"--config {path}: no such file")
            continue
        table = _table(path)
        if table is None:
            continue
        unknown = set(table) - KEYS
        if unknown:
            raise UsageError(f"{path}: unknown lint setting(s): {', '.join(sorted(unknown))}")
        ignore = table.get("ignore", [])
        if not isinstance(ignore, list) or not all(isinstance(c, str) for c in ignore):
            raise UsageError(f"{path}: 'ignore' must be a list of rule codes")
        threshold = table.get("failure-threshold", "info")
        try:
            severity = Severity.named(str(threshold))
        except ValueError as exc:
            raise UsageError(f"{path}: failure-threshold: {exc}") from None
        shellcheck = table.get("shellcheck", True)
        if not isinstance(shellcheck, bool):
            raise UsageError(f"{path}: 'shellcheck' must be true or false")
        return Config(frozenset(c.upper() for c in ignore), severity, str(path), shellcheck)
    return Config()
