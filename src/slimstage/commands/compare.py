"""`slimstage compare`: build Dockerfile variants side by side, measure and smoke-test each."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from slimstage import proc
from slimstage.compare import comparepage, scorecard, settings
from slimstage.compare.liveview import LiveProgress
from slimstage.compare.progress import PlainProgress, Progress
from slimstage.compare.run import FAILED, SKIPPED, VariantResult, compare_variants
from slimstage.compare.variants import discover
from slimstage.engine import Engine
from slimstage.errors import UsageError, VariantsFailed
from slimstage.options import CompareOptions


def _progress(names: list[str], options: CompareOptions) -> AbstractContextManager[Progress]:
    """A live view on a terminal; plain lines elsewhere, or with --verbose (every log line)."""
    if sys.stderr.isatty() and not options.verbose:
        return LiveProgress(names)
    return nullcontext(PlainProgress(names, verbose=options.verbose))


def _explain(results: Sequence[VariantResult]) -> None:
    """On stderr, after the live view: why each variant failed or was skipped."""
    for r in results:
        if r.error is None:
            continue
        first, *rest = r.error.splitlines()
        if r.status == SKIPPED:
            proc.log(f"compare: {r.name} skipped: {first} (full log: {r.log})")
        elif rest:
            proc.log(f"compare: {r.name} failed: {first}; last {len(rest)} lines of {r.log}:")
            proc.log("\n".join("    " + line for line in rest))
        else:
            proc.log(f"compare: {r.name} failed: {first}")


def _write_html(path: Path, results: Sequence[VariantResult]) -> None:
    try:
        path.write_text(comparepage.render(results), encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"--html {path}: cannot write: {exc.strerror or exc}") from None
    proc.log(f"compare: report written to {path} (open it in a browser; it works offline)")


def run(options: CompareOptions) -> int:
    variants = discover(list(options.paths), options.context)
    chosen = settings.load(options)  # bad settings are a usage error before any engine work
    engine = Engine.connect()
    with _progress([v.name for v in variants], options) as progress:
        results = compare_variants(engine, variants, options, settings=chosen, progress=progress)
    _explain(results)
    sys.stdout.write(scorecard.RENDERERS[options.format](results))
    sys.stdout.flush()
    if options.html is not None:
        _write_html(options.html, results)
    failed = [r.name for r in results if r.status == FAILED]
    skipped = [r.name for r in results if r.status == SKIPPED]
    if skipped:
        rule = "they fail the run (--strict)" if chosen.strict else "not a failure without --strict"
        proc.log(
            f"slimstage: {len(skipped)} variant(s) skipped here ({rule}): {', '.join(skipped)}"
        )
    if failed:
        proc.log(f"slimstage: {len(failed)} of {len(results)} variants failed: {', '.join(failed)}")
    return VariantsFailed.exit_code if failed or (skipped and chosen.strict) else 0
