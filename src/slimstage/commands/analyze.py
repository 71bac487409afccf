"""`slimstage analyze` and `slimstage diff`: where the bytes of an image go."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

from slimstage import analysis, analysis_report, dive, gate, imagediff, imagesource, proc
from slimstage.errors import GateFailed

RENDER = {
    "table": analysis_report.analysis_table,
    "json": analysis_report.analysis_json,
    "markdown": analysis_report.analysis_markdown,
}
RENDER_DIFF = {
    "table": analysis_report.diff_table,
    "json": analysis_report.diff_json,
    "markdown": analysis_report.diff_markdown,
}


def _rules(
    *,
    gate_config: Path | None,
    dive_ci: Path | None,
    max_size: str | None,
    min_efficiency: float | None,
    max_wasted_bytes: str | None,
    forbid_leftovers: list[str],
    allow_secrets: bool,
) -> gate.Rules:
    rules = gate.Rules()
    config = gate_config or (Path(".slimstage.toml") if Path(".slimstage.toml").is_file() else None)
    if config is not None:
        rules = gate.from_toml(config, rules)
    if dive_ci is not None:
        rules = gate.from_dive_ci(dive_ci, rules)
    # Flags win over files.
    if max_size is not None:
        rules = replace(rules, max_size=gate.parse_size(max_size))
    if min_efficiency is not None:
        rules = replace(rules, min_efficiency=gate.fraction(min_efficiency, "--min-efficiency"))
    if max_wasted_bytes is not None:
        rules = replace(rules, max_wasted_bytes=gate.parse_size(max_wasted_bytes))
    if forbid_leftovers:
        rules = replace(
            rules, forbid_leftovers=rules.forbid_leftovers | gate.categories(forbid_leftovers)
        )
    if allow_secrets:
        rules = replace(rules, allow_secrets=True)
    return rules


def dive_compatible(*, target: str, platform: str | None, output_format: str) -> int:
    """Only the figures dive 0.13 reports, in dive's terms, for checking one against the other."""
    image = imagesource.load(target, platform=platform)
    figures = dive.figures([layer.summary.entries for layer in image.layers])
    if output_format == "json":
        sys.stdout.write(json.dumps(figures.as_dive_json(), indent=2) + "\n")
    else:
        sys.stdout.write(
            f"efficiencyScore: {figures.efficiency!r}\ninefficientBytes: "
            f"{figures.inefficient_bytes}\nsizeBytes: {figures.size_bytes}\n"
        )
    return 0


def analyze(
    *,
    target: str,
    platform: str | None,
    output_format: str,
    top: int,
    gate_config: Path | None,
    dive_ci: Path | None,
    max_size: str | None,
    min_efficiency: float | None,
    max_wasted_bytes: str | None,
    forbid_leftovers: list[str],
    allow_secrets: bool,
) -> int:
    rules = _rules(
        gate_config=gate_config,
        dive_ci=dive_ci,
        max_size=max_size,
        min_efficiency=min_efficiency,
        max_wasted_bytes=max_wasted_bytes,
        forbid_leftovers=forbid_leftovers,
        allow_secrets=allow_secrets,
    )
    proc.log(f"analyze: reading {target}")
    result = analysis.analyze(imagesource.load(target, platform=platform), top=top)
    sys.stdout.write(RENDER[output_format](result))
    sys.stdout.flush()
    failures = gate.check(result, rules)
    for failure in failures:
        proc.log(f"gate failed: {failure}")
    if failures:
        return GateFailed.exit_code
    return 0


def diff(*, a: str, b: str, platform: str | None, output_format: str, top: int) -> int:
    proc.log(f"diff: reading {a}")
    first = analysis.examine(imagesource.load(a, platform=platform), top=top)
    proc.log(f"diff: reading {b}")
    second = analysis.examine(imagesource.load(b, platform=platform), top=top)
    sys.stdout.write(RENDER_DIFF[output_format](imagediff.diff(first, second, top=top)))
    return 0
