"""`slimstage analyze`: where the bytes of an image go, and a CI gate over the figures."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

from slimstage import proc
from slimstage.analyze import analysis, divecompat, gate, report
from slimstage.errors import GateFailed
from slimstage.image import source
from slimstage.options import AnalyzeOptions, GateOptions

RENDER = {
    "table": report.analysis_table,
    "json": report.analysis_json,
    "markdown": report.analysis_markdown,
}


def _rules(flags: GateOptions) -> gate.Rules:
    """The gate's rules: the settings file, then dive's .dive-ci, then flags (flags win)."""
    rules = gate.Rules()
    default = Path(".slimstage.toml")
    config = flags.gate_config or (default if default.is_file() else None)
    if config is not None:
        rules = gate.from_toml(config, rules)
    if flags.dive_ci is not None:
        rules = gate.from_dive_ci(flags.dive_ci, rules)
    if flags.max_size is not None:
        rules = replace(rules, max_size=flags.max_size)
    if flags.min_efficiency is not None:
        rules = replace(rules, min_efficiency=flags.min_efficiency)
    if flags.max_wasted_bytes is not None:
        rules = replace(rules, max_wasted_bytes=flags.max_wasted_bytes)
    if flags.forbid_leftover:
        forbidden = rules.forbid_leftovers | gate.categories(list(flags.forbid_leftover))
        rules = replace(rules, forbid_leftovers=forbidden)
    if flags.allow_secrets:
        rules = replace(rules, allow_secrets=True)
    return rules


def _dive_compatible(options: AnalyzeOptions) -> int:
    """Only the figures dive 0.13 reports, in dive's terms, for checking one against the other."""
    image = source.load(options.target, read_layer=analysis.read_layer, platform=options.platform)
    figures, references = divecompat.figures([layer.summary.entries for layer in image.layers])
    if options.format == "json":
        document = divecompat.as_dive_json(figures, references)
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    else:
        sys.stdout.write(
            f"efficiencyScore: {figures.efficiency!r}\ninefficientBytes: "
            f"{figures.inefficient_bytes}\nsizeBytes: {figures.size_bytes}\n"
        )
    return 0


def run(options: AnalyzeOptions) -> int:
    if options.dive_compatible:
        return _dive_compatible(options)
    rules = _rules(options.gate)
    proc.log(f"analyze: reading {options.target}")
    image = source.load(options.target, read_layer=analysis.read_layer, platform=options.platform)
    result = analysis.analyze(image, top=options.top)
    sys.stdout.write(RENDER[options.format](result))
    sys.stdout.flush()
    failures = gate.check(result, rules)
    for failure in failures:
        proc.log(f"gate failed: {failure}")
    return GateFailed.exit_code if failures else 0
