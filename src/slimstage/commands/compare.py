"""`slimstage compare`: build Dockerfile variants side by side, measure and smoke-test each."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

from slimstage import compare as core
from slimstage import report
from slimstage.engine import Engine
from slimstage.errors import VariantsFailed
from slimstage.variants import discover


def compare(
    *,
    paths: list[Path],
    context: Path | None,
    build_args: Mapping[str, str],
    target: str | None,
    jobs: int,
    smoke_path: str,
    port: str | None,
    smoke_timeout: float,
    edit: str | None,
    keep: bool,
    tag_prefix: str,
    output_format: str,
) -> int:
    variants = discover(paths, context)
    engine = Engine.connect()
    options = core.Options(
        build_args=build_args,
        target=target,
        jobs=jobs,
        smoke_path=smoke_path,
        port=port,
        smoke_timeout=smoke_timeout,
        edit=edit,
        keep=keep,
        tag_prefix=tag_prefix,
    )
    results = core.run(engine, variants, options)
    sys.stdout.write(report.RENDERERS[output_format](results))
    sys.stdout.flush()
    failed = [r.name for r in results if r.error]
    if failed:
        print(
            f"slimstage: {len(failed)} of {len(results)} variants failed: {', '.join(failed)}",
            file=sys.stderr,
        )
        return VariantsFailed.exit_code
    return 0
