"""Build Dockerfile variants side by side and measure each: the core of `slimstage compare`."""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from slimstage import dockerfile, proc
from slimstage.bases.catalog import LABEL_STAND_IN
from slimstage.compare.smoke import Smoke, exposed_port, smoke_test
from slimstage.compare.variants import Variant
from slimstage.engine import ContainerEngine
from slimstage.errors import CommandFailed, SlimstageError
from slimstage.image import archive, layer
from slimstage.options import CompareOptions

LABEL_RUN = "org.slimstage.run"
LOG_TAIL_LINES = 15


@dataclass(frozen=True)
class VariantResult:
    """One row of the comparison; its fields are the JSON schema (docs/compare.md)."""

    name: str
    dockerfile: str
    image: str | None
    base: str | None
    stand_in_base: bool | None
    size_bytes: int | None
    compressed_bytes: int | None
    layers: int | None
    build_seconds_cold: float | None
    build_seconds_warm: float | None
    smoke: Smoke | None
    error: str | None


@dataclass
class _Work:
    variant: Variant
    tag: str
    image_id: str | None = None
    cold: float | None = None
    warm: float | None = None
    error: str | None = None
    notes: list[str] = field(default_factory=list)


_LOG_NOISE = re.compile(r"^#\d+ (sha256:[0-9a-f]+|DONE [\d.]+s|CACHED)$")


def _log_tail(log: str) -> str:
    """The last lines of a BuildKit log that say something (no step digests or timings)."""
    lines = [line for line in log.splitlines() if line.strip() and not _LOG_NOISE.match(line)]
    return "\n".join(lines[-LOG_TAIL_LINES:])


def _parsed(variant: Variant) -> dockerfile.Dockerfile | None:
    """The variant's Dockerfile, or None when it does not parse (the build will say why)."""
    try:
        return dockerfile.parse(variant.dockerfile.read_text(), str(variant.dockerfile))
    except (SlimstageError, OSError, UnicodeError):
        return None


def base_image(variant: Variant, options: CompareOptions) -> str | None:
    """The image the variant's final stage rests on ("scratch" when it starts from nothing)."""
    parsed = _parsed(variant)
    if parsed is None:
        return None
    try:
        return parsed.external_base(parsed.final(options.target), options.build_arg)
    except SlimstageError:  # --target names no stage of this file
        return None


def _missing_bases(engine: ContainerEngine, work: _Work, options: CompareOptions) -> list[str]:
    parsed = _parsed(work.variant)
    if parsed is None:
        return []
    try:
        images = parsed.external_images(options.target, options.build_arg)
    except SlimstageError:
        return []
    return [image for image in images if engine.inspect_image(image) is None]


def _build_error(
    engine: ContainerEngine, work: _Work, options: CompareOptions, exc: CommandFailed
) -> str:
    missing = _missing_bases(engine, work, options)
    if missing:
        reason = (
            f"base image {', '.join(missing)} is not present locally and could not be pulled "
            "(no registry reachable?); `slimstage base build` makes Debian-based stand-ins"
        )
    else:
        reason = f"build failed (exit {exc.returncode})"
    return f"{reason}\n{_log_tail(exc.stdout)}"


def _progress(name: str) -> Callable[[str], None]:
    lock = threading.Lock()

    def emit(line: str) -> None:
        with lock:
            proc.log(f"[{name}] {line}")

    return emit


def _build_cold(
    engine: ContainerEngine, work: _Work, options: CompareOptions, labels: dict[str, str]
) -> None:
    try:
        result = engine.build(
            dockerfile=work.variant.dockerfile,
            context=work.variant.context,
            tag=work.tag,
            labels=labels,
            build_args=options.build_arg,
            target=options.target,
            no_cache=True,
            on_line=_progress(work.variant.name),
        )
    except CommandFailed as exc:
        work.error = _build_error(engine, work, options, exc)
        return
    work.image_id, work.cold = result.image_id, round(result.seconds, 2)


def _build_warm(
    engine: ContainerEngine, work: _Work, options: CompareOptions, labels: dict[str, str]
) -> None:
    """Rebuild after a one-line edit of the app source, in a copy of the context."""
    if options.edit is None:
        return
    variant = work.variant
    if not (variant.context / options.edit).is_file():
        work.notes.append(f"no warm rebuild: {options.edit} is not in the context")
        return
    with tempfile.TemporaryDirectory(prefix="slimstage-warm-") as tmp:
        context = Path(tmp) / "context"
        shutil.copytree(variant.context, context, symlinks=True)
        with (context / options.edit).open("a") as handle:
            handle.write(f"\n# slimstage warm rebuild {uuid.uuid4().hex}\n")
        dockerfile_path = variant.dockerfile
        if dockerfile_path.is_relative_to(variant.context):
            dockerfile_path = context / dockerfile_path.relative_to(variant.context)
        warm_tag = f"{work.tag}-warm"
        try:
            result = engine.build(
                dockerfile=dockerfile_path,
                context=context,
                tag=warm_tag,
                labels=labels,
                build_args=options.build_arg,
                target=options.target,
                on_line=_progress(f"{variant.name} warm"),
            )
            work.warm = round(result.seconds, 2)
        except CommandFailed as exc:
            work.notes.append(f"warm rebuild failed: {_log_tail(exc.stdout)}")
        finally:
            engine.remove_images([warm_tag])


def compressed_bytes(engine: ContainerEngine, image: str) -> int:
    """What a registry pull of IMAGE would transfer: its layers, gzipped at level 6."""
    with engine.saved(image) as stream:
        saved = archive.read_stream(stream, image, read_layer=layer.measure)
    return sum(item.summary.compressed for item in saved.layers)


def _not_built(work: _Work, base: str | None) -> VariantResult:
    return VariantResult(
        name=work.variant.name,
        dockerfile=str(work.variant.dockerfile),
        image=None,
        base=base,
        stand_in_base=None,
        size_bytes=None,
        compressed_bytes=None,
        layers=None,
        build_seconds_cold=work.cold,
        build_seconds_warm=None,
        smoke=None,
        error=work.error or "build produced no image",
    )


def _smoke(
    engine: ContainerEngine,
    work: _Work,
    options: CompareOptions,
    config: dict[str, object],
    labels: dict[str, str],
) -> Smoke:
    port = options.port or exposed_port(config)
    if port is None:
        return Smoke(False, None, None, None, "the image exposes no port; pass --port")
    proc.log(f"[{work.variant.name}] smoke test: GET {options.smoke_path} on port {port}")
    return smoke_test(
        engine,
        work.tag,
        port=port,
        path=options.smoke_path,
        timeout=options.smoke_timeout,
        labels=labels,
    )


def _measure(
    engine: ContainerEngine, work: _Work, options: CompareOptions, labels: dict[str, str]
) -> VariantResult:
    base = base_image(work.variant, options)
    if work.error is not None or not work.image_id:
        return _not_built(work, base)
    data = engine.inspect_image(work.image_id) or {}
    config = data.get("Config") or {}
    smoke = _smoke(engine, work, options, config, labels)
    if work.notes:
        proc.log(f"[{work.variant.name}] " + "; ".join(work.notes))
    return VariantResult(
        name=work.variant.name,
        dockerfile=str(work.variant.dockerfile),
        image=work.tag,
        base=base,
        stand_in_base=(config.get("Labels") or {}).get(LABEL_STAND_IN) == "true",
        size_bytes=int(data.get("Size") or 0),
        compressed_bytes=compressed_bytes(engine, work.image_id),
        layers=len((data.get("RootFS") or {}).get("Layers") or []),
        build_seconds_cold=work.cold,
        build_seconds_warm=work.warm,
        smoke=smoke,
        error=None if smoke.ok else f"smoke test failed: {smoke.detail}",
    )


def _safe_repo_name(name: str) -> str:
    cleaned = "".join(ch if ch.isalnum() or ch in "._-" else "-" for ch in name.lower())
    return cleaned.strip("._-") or "variant"


def compare_variants(
    engine: ContainerEngine, variants: list[Variant], options: CompareOptions
) -> list[VariantResult]:
    """Build every variant (cold, then warm), then measure and smoke-test each in turn.

    Whatever happens, including Ctrl-C, the containers started here are removed, and so are the
    images unless options.keep.
    """
    run_id = uuid.uuid4().hex[:12]
    labels = {LABEL_RUN: run_id}
    works = [_Work(v, f"{options.tag_prefix}/{_safe_repo_name(v.name)}:{run_id}") for v in variants]
    try:
        with ThreadPoolExecutor(max_workers=options.jobs) as pool:
            list(pool.map(lambda w: _build_cold(engine, w, options, labels), works))
            built = [w for w in works if w.error is None]
            list(pool.map(lambda w: _build_warm(engine, w, options, labels), built))
        return [_measure(engine, w, options, labels) for w in works]
    finally:
        engine.remove_labelled(f"{LABEL_RUN}={run_id}")
        if not options.keep:
            engine.remove_images([w.tag for w in works if w.image_id])
