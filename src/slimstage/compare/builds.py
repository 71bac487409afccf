"""The build phase of a comparison: every variant cold, then every one warm, images measured
meanwhile.

Each variant is built cold (`--no-cache`); then each is built warm (after a one-line edit of the
app in a copy of the context). Once a variant's cold build is done, its image is read and
measured (one `docker save`) by a second thread while the builds go on.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from slimstage.compare import progress as states
from slimstage.compare.buildlog import BuildLogs, tail
from slimstage.compare.layercache import SizeCache
from slimstage.compare.measure import Measured, measure_image
from slimstage.compare.progress import Progress
from slimstage.compare.timeline import Timeline
from slimstage.compare.variants import Variant, base_image, missing_bases
from slimstage.engineapi import ContainerEngine
from slimstage.errors import CommandFailed, SlimstageError
from slimstage.options import CompareOptions
from slimstage.units import human_bytes


@dataclass
class Work:
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
class RunContext:
    """What every step of one run shares."""

    engine: ContainerEngine
    options: CompareOptions
    labels: dict[str, str]
    logs: BuildLogs
    progress: Progress
    timeline: Timeline
    cache: SizeCache


def _failed_build(run: RunContext, work: Work, exc: CommandFailed) -> None:
    missing = missing_bases(run.engine, work.variant, run.options)
    if missing:
        work.skipped = True
        work.error = (
            f"base image {', '.join(missing)} is not present locally and could not be pulled "
            "(no registry reachable?); `slimstage base build` makes Debian-based stand-ins"
        )
        return
    work.error = "\n".join([f"build failed (exit {exc.returncode})", *tail(exc.stdout)])


def _build_cold(run: RunContext, work: Work, measurer: ThreadPoolExecutor) -> None:
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
    run.progress.state(name, states.WAITING)
    if work.image_id:
        work.measured = measurer.submit(_measure, run, work)


def _measure(run: RunContext, work: Work) -> Measured | None:
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


def _build_warm(run: RunContext, work: Work) -> None:
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


def build_all(run: RunContext, works: list[Work]) -> None:
    """Build every variant cold, then every one warm; each image is measured (one at a time)
    while the next builds, the last one while the warm rebuilds run."""
    measurer = ThreadPoolExecutor(1, thread_name_prefix="slimstage-measure")
    try:
        with ThreadPoolExecutor(run.options.jobs) as builders:
            list(builders.map(lambda w: _build_cold(run, w, measurer), works))
            list(builders.map(lambda w: _build_warm(run, w), works))
    except BaseException:
        # Ctrl-C: measurements not started yet are dropped, not waited for.
        measurer.shutdown(wait=False, cancel_futures=True)
        raise
    measurer.shutdown(wait=True)
