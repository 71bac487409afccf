"""Build Dockerfile variants side by side and measure each: the core of `slimstage compare`.

Each variant is built cold (`--no-cache`), then warm (after a one-line edit of the app in a copy
of the context). An image is measured (one `docker save` read) while the next variant builds.
Smoke tests run after every build and measurement is done, one at a time on a quiet engine,
with the sidecars started once for the whole run.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from slimstage.bases.catalog import LABEL_STAND_IN
from slimstage.compare import progress as states
from slimstage.compare.buildlog import BuildLogs, tail
from slimstage.compare.layercache import SizeCache, default_path
from slimstage.compare.measure import Breakdown, Measured, measure_image
from slimstage.compare.progress import Progress, Silent
from slimstage.compare.settings import Settings, load
from slimstage.compare.smoke import Smoke
from slimstage.compare.smokerun import smoke_all
from slimstage.compare.timeline import Timeline
from slimstage.compare.variants import Variant, base_image, missing_bases
from slimstage.engineapi import ContainerEngine
from slimstage.errors import CommandFailed, SlimstageError
from slimstage.options import CompareOptions
from slimstage.units import human_bytes

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


@dataclass
class _Work:
    variant: Variant
    tag: str
    image_id: str | None = None
    cold: float | None = None
    warm: float | None = None
    error: str | None = None
    skipped: bool = False
    measured: Future[Measured | None] | None = None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Run:
    """What every step of one run shares."""

    engine: ContainerEngine
    options: CompareOptions
    labels: dict[str, str]
    logs: BuildLogs
    progress: Progress
    timeline: Timeline
    cache: SizeCache


def _failed_build(run: _Run, work: _Work, exc: CommandFailed) -> None:
    missing = missing_bases(run.engine, work.variant, run.options)
    if missing:
        work.skipped = True
        work.error = (
            f"base image {', '.join(missing)} is not present locally and could not be pulled "
            "(no registry reachable?); `slimstage base build` makes Debian-based stand-ins"
        )
        return
    work.error = "\n".join([f"build failed (exit {exc.returncode})", *tail(exc.stdout)])


def _build_cold(run: _Run, work: _Work, measurer: ThreadPoolExecutor) -> None:
    name = work.variant.name
    run.progress.state(name, states.BUILDING)
    on_line = run.logs.writer(
        name, "cold build (--no-cache)", lambda line: run.progress.build_line(name, line)
    )
    try:
        with run.timeline.span("build", name):
            result = run.engine.build(
                dockerfile=work.variant.dockerfile,
                context=work.variant.context,
                tag=work.tag,
                labels=run.labels,
                build_args=run.options.build_arg,
                target=run.options.target,
                no_cache=True,
                on_line=on_line,
            )
    except CommandFailed as exc:
        _failed_build(run, work, exc)
        run.progress.state(
            name,
            states.SKIPPED if work.skipped else states.FAILED,
            work.error.splitlines()[0] if work.error else "",
        )
        return
    work.image_id, work.cold = result.image_id, round(result.seconds, 2)
    if work.image_id:
        work.measured = measurer.submit(_measure, run, work)


def _measure(run: _Run, work: _Work) -> Measured | None:
    name = work.variant.name
    run.progress.size(name, "measuring")
    try:
        base = base_image(work.variant, run.options)
        with run.timeline.span("measure", name):
            measured = measure_image(run.engine, work.image_id or work.tag, base, run.cache)
    except SlimstageError as exc:
        work.notes.append(f"not measured: {exc}")
        run.progress.size(name, "?")
        return None
    run.progress.size(name, human_bytes(sum(item.bytes for item in measured.breakdown.layers)))
    return measured


def _build_warm(run: _Run, work: _Work) -> None:
    """Rebuild after a one-line edit of the app source, in a copy of the context."""
    edit, variant = run.options.edit, work.variant
    if edit is None or work.error is not None:
        return
    if not (variant.context / edit).is_file():
        work.notes.append(f"no warm rebuild: {edit} is not in the context")
        return
    run.progress.state(variant.name, states.WARM)
    with tempfile.TemporaryDirectory(prefix="slimstage-warm-") as tmp:
        context = Path(tmp) / "context"
        shutil.copytree(variant.context, context, symlinks=True)
        with (context / edit).open("a") as handle:
            handle.write(f"\n# slimstage warm rebuild {uuid.uuid4().hex}\n")
        dockerfile_path = variant.dockerfile
        if dockerfile_path.is_relative_to(variant.context):
            dockerfile_path = context / dockerfile_path.relative_to(variant.context)
        on_line = run.logs.writer(
            variant.name,
            f"warm rebuild after an edit of {edit}",
            lambda line: run.progress.build_line(variant.name, line),
        )
        warm_tag = f"{work.tag}-warm"
        try:
            with run.timeline.span("build", f"{variant.name} warm"):
                result = run.engine.build(
                    dockerfile=dockerfile_path,
                    context=context,
                    tag=warm_tag,
                    labels=run.labels,
                    build_args=run.options.build_arg,
                    target=run.options.target,
                    on_line=on_line,
                )
            work.warm = round(result.seconds, 2)
        except CommandFailed as exc:
            work.notes.append(f"warm rebuild failed: {' / '.join(tail(exc.stdout, 3))}")
        finally:
            run.engine.remove_images([warm_tag])
    run.progress.state(variant.name, states.WAITING)


def _build(run: _Run, work: _Work, measurer: ThreadPoolExecutor) -> None:
    _build_cold(run, work, measurer)
    _build_warm(run, work)


def _result(run: _Run, work: _Work, smoke: Smoke | None) -> VariantResult:
    variant = work.variant
    measured = work.measured.result() if work.measured else None
    data = (run.engine.inspect_image(work.image_id) if work.image_id else None) or {}
    config = data.get("Config") or {}
    built = work.error is None and bool(work.image_id)
    error = work.error
    if built and smoke is not None and not smoke.ok:
        error = f"smoke test failed: {smoke.detail}"
    elif built and smoke is None:
        error = "build produced no image"
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
    run = _Run(
        engine=engine,
        options=options,
        labels={LABEL_RUN: run_id},
        logs=BuildLogs(options.log_dir, run_id),
        progress=progress or Silent(),
        timeline=timeline or Timeline(),
        cache=cache or SizeCache(default_path()),
    )
    settings = settings or load(options)
    works = [_Work(v, f"{options.tag_prefix}/{_safe_repo_name(v.name)}:{run_id}") for v in variants]
    run.progress.note(f"build logs in {run.logs.folder}/")
    try:
        with ThreadPoolExecutor(1) as measurer, ThreadPoolExecutor(options.jobs) as builders:
            list(builders.map(lambda w: _build(run, w, measurer), works))
        built = [w for w in works if w.error is None and w.image_id]
        smokes = smoke_all(
            engine,
            [(w.variant, w.tag) for w in built],
            settings.smoke,
            options,
            run.labels,
            progress=run.progress,
            timeline=run.timeline,
        )
        results = [_result(run, w, smokes.get(w.variant.name)) for w in works]
        for work, result in zip(works, results, strict=True):
            for note in work.notes:
                run.progress.note(f"{result.name}: {note}")
            if result.smoke is not None:
                final = states.DONE if result.status == OK else states.FAILED
                run.progress.state(result.name, final, "" if result.smoke.ok else "smoke test")
        return results
    finally:
        run.cache.save()
        engine.remove_labelled(f"{LABEL_RUN}={run_id}")
        if not options.keep:
            engine.remove_images([w.tag for w in works if w.image_id])
