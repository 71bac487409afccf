"""CI gate over an analysis: thresholds from flags, `.slimstage.toml` ([gate]) or dive's `.dive-ci`.

Secrets are forbidden unless allowed. A failed gate exits with GateFailed's code (7).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from slimstage.analysis import Analysis
from slimstage.errors import UsageError
from slimstage.leftovers import CATEGORIES

_UNITS = {
    "": 1,
    "B": 1,
    "KB": 1000,
    "MB": 1000**2,
    "GB": 1000**3,
    "TB": 1000**4,
    "KIB": 1024,
    "MIB": 1024**2,
    "GIB": 1024**3,
    "TIB": 1024**4,
    "K": 1000,
    "M": 1000**2,
    "G": 1000**3,
}


def parse_size(text: str | int | float) -> int:
    """'200MB', '1.5GiB', '1048576' -> bytes (decimal units as dive and `docker images` use)."""
    if isinstance(text, int | float):
        return int(text)
    match = re.fullmatch(r"\s*([\d.]+)\s*([A-Za-z]*)\s*", text)
    if not match or match.group(2).upper() not in _UNITS:
        raise UsageError(f"not a size: {text!r} (examples: 150MB, 1.5GiB, 1048576)")
    return int(float(match.group(1)) * _UNITS[match.group(2).upper()])


@dataclass(frozen=True)
class Rules:
    max_size: int | None = None
    min_efficiency: float | None = None
    max_wasted_bytes: int | None = None
    forbid_leftovers: frozenset[str] = field(default_factory=frozenset)
    allow_secrets: bool = False
    # dive's .dive-ci rules, judged on the dive-compatible figures
    dive_lowest_efficiency: float | None = None
    dive_highest_wasted_bytes: int | None = None
    dive_highest_user_wasted_percent: float | None = None


def fraction(value: object, key: str) -> float:
    try:
        number = float(str(value))
    except ValueError:
        raise UsageError(f"{key}: expected a number from 0 to 1, got {value!r}") from None
    if not 0 <= number <= 1:
        raise UsageError(f"{key}: expected a number from 0 to 1, got {value!r}")
    return number


def from_toml(path: Path, base: Rules) -> Rules:
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"{path}: cannot read gate settings: {exc}") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("slimstage", {})
    table = data.get("gate", {})
    known = {"max-size", "min-efficiency", "max-wasted-bytes", "forbid-leftovers", "allow-secrets"}
    unknown = set(table) - known
    if unknown:
        raise UsageError(f"{path}: unknown gate setting(s): {', '.join(sorted(unknown))}")
    rules = base
    if "max-size" in table:
        rules = replace(rules, max_size=parse_size(table["max-size"]))
    if "min-efficiency" in table:
        rules = replace(rules, min_efficiency=fraction(table["min-efficiency"], "min-efficiency"))
    if "max-wasted-bytes" in table:
        rules = replace(rules, max_wasted_bytes=parse_size(table["max-wasted-bytes"]))
    if "forbid-leftovers" in table:
        rules = replace(rules, forbid_leftovers=frozenset(_categories(table["forbid-leftovers"])))
    if "allow-secrets" in table:
        rules = replace(rules, allow_secrets=bool(table["allow-secrets"]))
    return rules


def from_dive_ci(path: Path, base: Rules) -> Rules:
    """dive's .dive-ci: `rules:` with lowestEfficiency, highestWastedBytes,
    highestUserWastedPercent; a value of `disabled` turns a rule off."""
    try:
        lines = path.read_text().splitlines()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc}") from None
    values: dict[str, str] = {}
    for raw in lines:
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip() or line.strip() == "rules:":
            continue
        key, sep, value = line.strip().partition(":")
        if not sep:
            raise UsageError(f"{path}: cannot read line {raw!r}")
        values[key.strip()] = value.strip().strip("'\"")
    rules = base
    for key, value in values.items():
        if value.lower() == "disabled":
            continue
        if key == "lowestEfficiency":
            rules = replace(rules, dive_lowest_efficiency=fraction(value, key))
        elif key == "highestWastedBytes":
            rules = replace(rules, dive_highest_wasted_bytes=parse_size(value))
        elif key == "highestUserWastedPercent":
            rules = replace(rules, dive_highest_user_wasted_percent=fraction(value, key))
        else:
            raise UsageError(f"{path}: unknown .dive-ci rule {key!r}")
    return rules


def _categories(names: object) -> list[str]:
    known = {name for name, _ in CATEGORIES}
    if not isinstance(names, list | tuple | set | frozenset):
        raise UsageError("forbid-leftovers: expected a list of categories")
    for name in names:
        if name not in known:
            raise UsageError(
                f"unknown leftover category {name!r} (known: {', '.join(sorted(known))})"
            )
    return [str(n) for n in names]


def categories(names: list[str]) -> frozenset[str]:
    return frozenset(_categories(names))


def check(analysis: Analysis, rules: Rules) -> list[str]:
    """Each failed rule as a sentence saying by how much."""
    failures = []
    if rules.max_size is not None and analysis.size_bytes > rules.max_size:
        failures.append(
            f"max-size: {analysis.size_bytes} bytes > {rules.max_size} "
            f"(over by {analysis.size_bytes - rules.max_size})"
        )
    if rules.min_efficiency is not None and analysis.efficiency < rules.min_efficiency:
        failures.append(
            f"min-efficiency: {analysis.efficiency:.4f} < {rules.min_efficiency:.4f} "
            f"(short by {rules.min_efficiency - analysis.efficiency:.4f})"
        )
    if rules.max_wasted_bytes is not None and analysis.wasted_bytes > rules.max_wasted_bytes:
        failures.append(
            f"max-wasted-bytes: {analysis.wasted_bytes} > {rules.max_wasted_bytes} "
            f"(over by {analysis.wasted_bytes - rules.max_wasted_bytes})"
        )
    for leftover in analysis.leftovers:
        if leftover.category in rules.forbid_leftovers:
            failures.append(
                f"forbid-leftovers: {leftover.category} present ({leftover.bytes} bytes in "
                f"{leftover.files} files, e.g. {leftover.examples[0]})"
            )
    if not rules.allow_secrets and analysis.secrets:
        where = ", ".join(
            f"{s.name} (layer {s.layer})" if s.layer is not None else f"{s.name} ({s.where})"
            for s in analysis.secrets[:5]
        )
        failures.append(f"secrets: {len(analysis.secrets)} found: {where}")
    dive = analysis.dive
    if rules.dive_lowest_efficiency is not None and dive.efficiency < rules.dive_lowest_efficiency:
        failures.append(
            f"lowestEfficiency (dive): {dive.efficiency:.4f} < {rules.dive_lowest_efficiency:.4f}"
        )
    if (
        rules.dive_highest_wasted_bytes is not None
        and dive.inefficient_bytes > rules.dive_highest_wasted_bytes
    ):
        failures.append(
            f"highestWastedBytes (dive): {dive.inefficient_bytes} > "
            f"{rules.dive_highest_wasted_bytes}"
        )
    if rules.dive_highest_user_wasted_percent is not None:
        user = dive.size_bytes - (analysis.layers[0].size_bytes if analysis.layers else 0)
        percent = dive.inefficient_bytes / user if user else 0.0
        if percent > rules.dive_highest_user_wasted_percent:
            failures.append(
                f"highestUserWastedPercent (dive): {percent:.4f} > "
                f"{rules.dive_highest_user_wasted_percent:.4f}"
            )
    return failures
