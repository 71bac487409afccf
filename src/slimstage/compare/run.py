"""Build Dockerfile variants side by side, measure and smoke-test each: `slimstage compare`.

The build phase (compare.builds) builds every variant cold, then warm, and measures each image
while the next builds; the sidecars start meanwhile. The smoke tests (compare.smokerun) run
after that, one at a time on a quiet engine. The results are one VariantResult per variant.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass

from slimstage.bases.catalog import LABEL_STAND_IN
from slimstage.compare import progress as states
from slimstage.compare.buildlog import BuildLogs
from slimstage.compare.builds import RunContext, Work, build_all
from slimstage.compare.layercache import SizeCache, default_path
from slimstage.compare.measure import Breakdown
from slimstage.compare.progress import Progress, Silent
from slimstage.compare.settings import Settings, load
from slimstage.compare.smoke import Smoke
from slimstage.compare.smokerun import smoke_all, start_sidecars
from slimstage.compare.timeline import Timeline
from slimstage.compare.variants import Variant, base_image
from slimstage.engineapi import ContainerEngine
from slimstage.options import CompareOptions

LABEL_RUN = "org.slimstage.run"
OK, FAILED, SKIPPED = "ok", "failed", "skipped"


@dataclass(frozen=True)
class VariantResult:
    """One row of the comparison; its fields are the JSON schema (docs/compare.md)."""

    name: str
    dockerfile: str
    status: str  # "ok", "failed" or "skipped"
    image: str | None
    base: str | None
    stand_in_base: bool | None
    size_bytes: int | None
    compressed_bytes: int | None
    layers: int | None
    build_seconds_cold: float | None
    build_seconds_warm: float | None
    smoke: Smoke | None
    breakdown: Breakdown | None
    log: str | None
    error: str | None


def _result(run: RunContext, work: Work, smoke: Smoke | None) -> VariantResult:
    variant = work.variant
    measured = work.measured.result() if work.measured else None
    data = (run.engine.inspect_image(work.image_id) if work.image_id else None) or {}
    config = data.get("Config") or {}
    error = work.error
    if error is None and not work.image_id:
        error = "build produced no image"
    built = error is None
    if built and smoke is not None and not smoke.ok:
        error = f"smoke test failed: {smoke.detail}"
    status = SKIPPED if work.skipped else OK if error is None else FAILED
    return VariantResult(
        name=variant.name,
        dockerfile=str(variant.dockerfile),
        status=status,
        image=work.tag if built else None,
        base=base_image(variant, run.options),
        stand_in_base=(config.get("Labels") or {}).get(LABEL_STAND_IN) == "true" if built else None,
        size_bytes=int(data.get("Size") or 0) if built else None,
        compressed_bytes=measured.compressed_bytes if measured else None,
        layers=len((data.get("RootFS") or {}).get("Layers") or []) if built else None,
        build_seconds_cold=work.cold,
        build_seconds_warm=work.warm if built else None,
        smoke=smoke if built else None,
        breakdown=measured.breakdown if measured else None,
        log=str(run.logs.path(variant.name)),
        error=error,
    )


def _finish(run: RunContext, works: list[Work], smokes: dict[str, Smoke]) -> list[VariantResult]:
    results = [_result(run, w, smokes.get(w.variant.name)) for w in works]
    for work, result in zip(works, results, strict=True):
        for note in work.notes:
            run.progress.note(f"{result.name}: {note}")
        if result.smoke is None and work.error is None:  # built, yet no image came out
            run.progress.state(result.name, states.FAILED, result.error or "")
    return results


def _safe_repo_name(name: str) -> str:
    cleaned = "".join(ch if ch.isalnum() or ch in "._-" else "-" for ch in name.lower())
    return cleaned.strip("._-") or "variant"


def compare_variants(
    engine: ContainerEngine,
    variants: list[Variant],
    options: CompareOptions,
    *,
    settings: Settings | None = None,
    progress: Progress | None = None,
    timeline: Timeline | None = None,
    cache: SizeCache | None = None,
) -> list[VariantResult]:
    """Build, measure and smoke-test every variant; SETTINGS default to those OPTIONS name.

    Whatever happens, including Ctrl-C, the containers and networks started here are removed,
    and so are the images unless options.keep.
    """
    run_id = uuid.uuid4().hex[:12]
    run = RunContext(
        engine=engine,
        options=options,
        labels={LABEL_RUN: run_id},
        logs=BuildLogs(options.log_dir, run_id),
        progress=progress or Silent(),
        timeline=timeline or Timeline(),
        cache=cache or SizeCache(default_path()),
    )
    settings = settings or load(options)
    works = [Work(v, f"{options.tag_prefix}/{_safe_repo_name(v.name)}:{run_id}") for v in variants]
    run.progress.note(f"build logs in {run.logs.folder}/")
    try:
        with ExitStack() as services, ThreadPoolExecutor(1) as starter:
            sidecars = starter.submit(
                start_sidecars,
                engine,
                settings.smoke,
                run.labels,
                services,
                progress=run.progress,
                timeline=run.timeline,
            )
            build_all(run, works)
            built = [w for w in works if w.error is None and w.image_id]
            smokes = smoke_all(
                engine,
                [(w.variant, w.tag) for w in built],
                settings.smoke,
                options,
                run.labels,
                sidecars=sidecars.result,
                progress=run.progress,
                timeline=run.timeline,
            )
            if settings.smoke.sidecars:
                with run.timeline.span("run", "sidecars"):
                    services.close()
        return _finish(run, works, smokes)
    finally:
        run.cache.save()
        engine.remove_labelled(f"{LABEL_RUN}={run_id}")
        if not options.keep:
            engine.remove_images([w.tag for w in works if w.image_id])
