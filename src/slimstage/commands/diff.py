"""`slimstage diff`: what is in one image and not in the other."""

from __future__ import annotations

import sys

from slimstage import proc
from slimstage.analyze import analysis, imagediff, report
from slimstage.image import source
from slimstage.options import DiffOptions

RENDER = {"table": report.diff_table, "json": report.diff_json, "markdown": report.diff_markdown}


def _examine(target: str, options: DiffOptions) -> analysis.Examined:
    proc.log(f"diff: reading {target}")
    image = source.load(target, read_layer=analysis.read_layer, platform=options.platform)
    return analysis.examine(image, top=options.top)


def run(options: DiffOptions) -> int:
    first, second = _examine(options.a, options), _examine(options.b, options)
    sys.stdout.write(RENDER[options.format](imagediff.diff(first, second, top=options.top)))
    return 0
