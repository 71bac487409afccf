"""CI gate over an analysis: thresholds from flags, `.slimstage.toml` ([gate]) or dive's `.dive-ci`.

Secrets are forbidden unless allowed. A failed gate exits with GateFailed's code (7).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from slimstage import units
from slimstage.analyze.analysis import Analysis
from slimstage.analyze.leftovers import CATEGORIES
from slimstage.errors import UsageError
from slimstage.image.printable import printable


def parse_size(text: str | int | float, key: str = "size") -> int:
    """'200MB', '1.5GiB', '1048576' -> bytes; a usage error naming KEY otherwise."""
    try:
        return units.parse_size(text)
    except ValueError as exc:
        raise UsageError(f"{key}: {exc}") from None


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


def _text(path: Path) -> str:
    """A settings file's text; a missing, unreadable or binary file is a usage error."""
    try:
        if not path.exists():
            raise UsageError(f"{path}: no such file")
        if not path.is_file():
            raise UsageError(f"{path}: not a regular file")
        if path.stat().st_size > 1 << 20:
            raise UsageError(f"{path}: larger than a settings file can be (1 MiB)")
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if b"\0" in data:
        raise UsageError(f"{path}: not a text file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not a UTF-8 text file") from None


def from_toml(path: Path, base: Rules) -> Rules:
    import tomllib  # only when there is a settings file: it takes a while to import

    try:
        data = tomllib.loads(_text(path))
    except tomllib.TOMLDecodeError as exc:
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
        rules = replace(rules, max_size=parse_size(table["max-size"], "max-size"))
    if "min-efficiency" in table:
        rules = replace(rules, min_efficiency=fraction(table["min-efficiency"], "min-efficiency"))
    if "max-wasted-bytes" in table:
        rules = replace(
            rules, max_wasted_bytes=parse_size(table["max-wasted-bytes"], "max-wasted-bytes")
        )
    if "forbid-leftovers" in table:
        rules = replace(rules, forbid_leftovers=frozenset(_categories(table["forbid-leftovers"])))
    if "allow-secrets" in table:
        rules = replace(rules, allow_secrets=bool(table["allow-secrets"]))
    return rules


def from_dive_ci(path: Path, base: Rules) -> Rules:
    """dive's .dive-ci: `rules:` with lowestEfficiency, highestWastedBytes,
    highestUserWastedPercent; a value of `disabled` turns a rule off."""
    lines = _text(path).splitlines()
    values: dict[str, str] = {}
    for raw in lines:
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip() or line.strip() == "rules:":
            continue
        key, sep, value = line.strip().partition(":")
        if not sep:
            raise UsageError(f"{path}: cannot read line {printable(raw[:60])!r}")
        values[key.strip()] = value.strip().strip("'\"")
    rules = base
    for key, value in values.items():
        if value.lower() == "disabled":
            continue
        if key == "lowestEfficiency":
            rules = replace(rules, dive_lowest_efficiency=fraction(value, key))
        elif key == "highestWastedBytes":
            rules = replace(rules, dive_highest_wasted_bytes=parse_size(value, key))
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


def _over(name: str, value: int, limit: int) -> str:
    return f"{name}: {value} bytes > {limit} (over by {value - limit})"


def _under(name: str, value: float, limit: float) -> str:
    return f"{name}: {value:.4f} < {limit:.4f} (short by {limit - value:.4f})"


def _own_rules(analysis: Analysis, rules: Rules) -> list[str]:
    failures = []
    if rules.max_size is not None and analysis.size_bytes > rules.max_size:
        failures.append(_over("max-size", analysis.size_bytes, rules.max_size))
    if rules.min_efficiency is not None and analysis.efficiency < rules.min_efficiency:
        failures.append(_under("min-efficiency", analysis.efficiency, rules.min_efficiency))
    if rules.max_wasted_bytes is not None and analysis.wasted_bytes > rules.max_wasted_bytes:
        failures.append(_over("max-wasted-bytes", analysis.wasted_bytes, rules.max_wasted_bytes))
    for leftover in analysis.leftovers:
        if leftover.category in rules.forbid_leftovers:
            failures.append(
                f"forbid-leftovers: {leftover.category} present ({leftover.bytes} bytes in "
                f"{leftover.files} files, e.g. {printable(leftover.examples[0])})"
            )
    if not rules.allow_secrets and analysis.secrets:
        where = ", ".join(
            f"{printable(s.name)} (layer {s.layer})"
            if s.layer is not None
            else f"{printable(s.name)} ({s.where})"
            for s in analysis.secrets[:5]
        )
        failures.append(f"secrets: {len(analysis.secrets)} found: {where}")
    return failures


def _dive_rules(analysis: Analysis, rules: Rules) -> list[str]:
    """dive's .dive-ci rules, judged on the dive-compatible figures as dive judges them."""
    failures = []
    dive = analysis.dive
    if rules.dive_lowest_efficiency is not None and dive.efficiency < rules.dive_lowest_efficiency:
        failures.append(
            _under("lowestEfficiency (dive)", dive.efficiency, rules.dive_lowest_efficiency)
        )
    limit = rules.dive_highest_wasted_bytes
    if limit is not None and dive.inefficient_bytes > limit:
        failures.append(_over("highestWastedBytes (dive)", dive.inefficient_bytes, limit))
    share = rules.dive_highest_user_wasted_percent
    if share is not None:
        # dive's "user" bytes: everything above the first layer.
        user = dive.size_bytes - (analysis.layers[0].size_bytes if analysis.layers else 0)
        percent = dive.inefficient_bytes / user if user else 0.0
        if percent > share:
            failures.append(
                f"highestUserWastedPercent (dive): {percent:.4f} > {share:.4f} "
                f"(over by {percent - share:.4f})"
            )
    return failures


def check(analysis: Analysis, rules: Rules) -> list[str]:
    """Each failed rule as a sentence saying by how much."""
    return _own_rules(analysis, rules) + _dive_rules(analysis, rules)
