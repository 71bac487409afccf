"""`slimstage analyze`: where the bytes of an image go, and a CI gate over the figures."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

from slimstage import proc
from slimstage.analyze import analysis, analyzepage, divecompat, gate, origin, report
from slimstage.analyze.secrets import redact
from slimstage.errors import GateFailed, SlimstageError, UsageError
from slimstage.image import source
from slimstage.image.archive import Image
from slimstage.image.blob import Limits
from slimstage.image.layer import LayerSummary
from slimstage.options import AnalyzeOptions, GateOptions, ReadOptions

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


def read(target: str, options: ReadOptions, command: str = "analyze") -> Image[LayerSummary]:
    """The image at TARGET, every layer summarized for the analyses."""
    proc.log(f"{command}: reading {target}")
    limits = Limits(max_bytes=options.max_layer_bytes, max_ratio=options.max_ratio)
    return source.load(
        target,
        read_layer=analysis.layer_reader(limits),
        platform=options.platform,
        verify=options.verify,
    )


def base_of(target: str, image: Image[LayerSummary], options: ReadOptions) -> origin.Origin:
    """Which layers are the base image's: by the base's own layers when the base is named (by
    --base, or by a label when the image comes from the engine, which can be asked), else by
    the history."""
    ask = options.base is not None or not source.is_path(target)
    for name in origin.candidates(image.config.labels, options.base) if ask else []:
        try:
            layers = source.diff_ids(name)
        except SlimstageError:
            if name == options.base:
                raise
            continue  # a label naming an image this engine does not have
        found = origin.from_layers(image.config.diff_ids, layers, name)
        if found is not None:
            return found
        if name == options.base:
            raise UsageError(f"--base {name}: its layers are not the first layers of {target}")
    return origin.from_history(image.config.history, len(image.layers))


def _dive_compatible(options: AnalyzeOptions) -> int:
    """Only the figures dive 0.13 reports, in dive's terms, for checking one against the other."""
    image = read(options.target, options.read)
    figures, references = divecompat.figures([layer.summary.table for layer in image.layers])
    if options.format == "json":
        references = [replace(r, path=redact(r.path)) for r in references]
        document = divecompat.as_dive_json(figures, references)
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    else:
        sys.stdout.write(
            f"efficiencyScore: {figures.efficiency!r}\ninefficientBytes: "
            f"{figures.inefficient_bytes}\nsizeBytes: {figures.size_bytes}\n"
        )
    return 0


def _write(path: Path, page: str) -> None:
    try:
        path.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"--html {path}: cannot write: {exc.strerror or exc}") from None
    proc.log(f"analyze: report written to {path}")


def run(options: AnalyzeOptions) -> int:
    if options.dive_compatible:
        return _dive_compatible(options)
    rules = _rules(options.gate)
    image = read(options.target, options.read)
    base = base_of(options.target, image, options.read)
    if options.html is None:
        result = analysis.analyze(image, top=options.top, base=base)
    else:
        examined = analysis.examine(image, top=options.top, base=base)
        result = examined.analysis
        folders: dict[str, int] = {}
        files = {path: (facts.size, facts.owner) for path, facts in examined.files.items()}
        for folder, size in analyzepage.unowned_folders(files).items():
            folders[redact(folder)] = folders.get(redact(folder), 0) + size
        _write(options.html, analyzepage.render(result, folders))
    sys.stdout.write(RENDER[options.format](result))
    sys.stdout.flush()
    failures = gate.check(result, rules)
    for failure in failures:
        proc.log(f"gate failed: {failure}")
    return GateFailed.exit_code if failures else 0
