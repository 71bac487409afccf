"""`slimstage diff`: what is in one image and not in the other."""

from __future__ import annotations

import sys

from slimstage.analyze import analysis, diffreport, imagediff
from slimstage.commands.analyze import base_of, read
from slimstage.options import DiffOptions

RENDER = {
    "table": diffreport.diff_table,
    "json": diffreport.diff_json,
    "markdown": diffreport.diff_markdown,
}


def _examine(target: str, options: DiffOptions) -> analysis.Examined:
    image = read(target, options.read, "diff")
    base = base_of(target, image, options.read)
    return analysis.examine(image, top=options.top, base=base)


def run(options: DiffOptions) -> int:
    first, second = _examine(options.a, options), _examine(options.b, options)
    sys.stdout.write(RENDER[options.format](imagediff.diff(first, second, top=options.top)))
    return 0
