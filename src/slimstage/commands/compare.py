"""`slimstage compare`: build Dockerfile variants side by side, measure and smoke-test each."""

from __future__ import annotations

import sys

from slimstage.compare import scorecard
from slimstage.compare.run import compare_variants
from slimstage.compare.variants import discover
from slimstage.engine import Engine
from slimstage.errors import VariantsFailed
from slimstage.options import CompareOptions


def run(options: CompareOptions) -> int:
    variants = discover(list(options.paths), options.context)
    results = compare_variants(Engine.connect(), variants, options)
    sys.stdout.write(scorecard.RENDERERS[options.format](results))
    sys.stdout.flush()
    failed = [r.name for r in results if r.error]
    if failed:
        print(
            f"slimstage: {len(failed)} of {len(results)} variants failed: {', '.join(failed)}",
            file=sys.stderr,
        )
        return VariantsFailed.exit_code
    return 0
