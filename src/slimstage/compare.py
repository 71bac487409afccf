"""Build Dockerfile variants side by side and measure each: the core of `slimstage compare`."""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from slimstage import archive, bases, proc
from slimstage.engine import Engine
from slimstage.errors import CommandFailed, UsageError
from slimstage.smoke import Smoke, exposed_port, smoke_test
from slimstage.variants import Variant, external_bases

LABEL_RUN = "org.slimstage.run"
LOG_TAIL_LINES = 15


@dataclass(frozen=True)
class Options:
    build_args: Mapping[str, str] = field(default_factory=dict)
    target: str | None = None
    jobs: int = 1
    smoke_path: str = "/"
    port: str | None = None
    smoke_timeout: float = 60.0
    edit: str | None = "app.py"
    keep: bool = False
    tag_prefix: str = "slimstage-compare"


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


def _missing_bases(engine: Engine, dockerfile: Path) -> list[str]:
    return [b for b in external_bases(dockerfile.read_text()) if engine.inspect_image(b) is None]


def _build_error(engine: Engine, work: _Work, exc: CommandFailed) -> str:
    missing = _missing_bases(engine, work.variant.dockerfile)
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


def _build_cold(engine: Engine, work: _Work, options: Options, labels: dict[str, str]) -> None:
    try:
        result = engine.build(
            dockerfile=work.variant.dockerfile,
            context=work.variant.context,
            tag=work.tag,
            labels=labels,
            build_args=options.build_args,
            target=options.target,
            no_cache=True,
            on_line=_progress(work.variant.name),
        )
    except CommandFailed as exc:
        work.error = _build_error(engine, work, exc)
        return
    work.image_id, work.cold = result.image_id, round(result.seconds, 2)


def _build_warm(engine: Engine, work: _Work, options: Options, labels: dict[str, str]) -> None:
    """Rebuild after a one-line edit of the app source, in a copy of the context."""
    if options.edit is None:
        return
    variant = work.variant
    source = variant.context / options.edit
    if not source.is_file():
        work.notes.append(f"no warm rebuild: {options.edit} is not in the context")
        return
    with tempfile.TemporaryDirectory(prefix="slimstage-warm-") as tmp:
        context = Path(tmp) / "context"
        shutil.copytree(variant.context, context, symlinks=True)
        edited = context / options.edit
        with edited.open("a") as handle:
            handle.write(f"\n# slimstage warm rebuild {uuid.uuid4().hex}\n")
        dockerfile = variant.dockerfile
        if dockerfile.is_relative_to(variant.context):
            dockerfile = context / dockerfile.relative_to(variant.context)
        warm_tag = f"{work.tag}-warm"
        try:
            result = engine.build(
                dockerfile=dockerfile,
                context=context,
                tag=warm_tag,
                labels=labels,
                build_args=options.build_args,
                target=options.target,
                on_line=_progress(f"{variant.name} warm"),
            )
            work.warm = round(result.seconds, 2)
        except CommandFailed as exc:
            work.notes.append(f"warm rebuild failed: {_log_tail(exc.stdout)}")
        finally:
            engine.remove_images([warm_tag])


def _measure(
    engine: Engine, work: _Work, options: Options, labels: dict[str, str]
) -> VariantResult:
    variant = work.variant
    bases_named = external_bases(variant.dockerfile.read_text())
    base = bases_named[-1] if bases_named else None
    if work.error is not None or not work.image_id:
        return VariantResult(
            name=variant.name,
            dockerfile=str(variant.dockerfile),
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
    data = engine.inspect_image(work.image_id) or {}
    config = data.get("Config") or {}
    image_labels = config.get("Labels") or {}
    layers = len((data.get("RootFS") or {}).get("Layers") or [])
    saver = engine.save(work.image_id)
    assert saver.stdout is not None
    try:
        compressed = sum(layer.compressed for layer in archive.layer_sizes(saver.stdout))
    finally:
        saver.stdout.close()
        saver.wait()
    port = options.port or exposed_port(config)
    if port is None:
        smoke = Smoke(False, None, None, None, "the image exposes no port; pass --port")
    else:
        proc.log(f"[{variant.name}] smoke test: GET {options.smoke_path} on port {port}")
        smoke = smoke_test(
            engine,
            work.tag,
            port=port,
            path=options.smoke_path,
            timeout=options.smoke_timeout,
            labels=labels,
        )
    error = None if smoke.ok else f"smoke test failed: {smoke.detail}"
    if work.notes:
        proc.log(f"[{variant.name}] " + "; ".join(work.notes))
    return VariantResult(
        name=variant.name,
        dockerfile=str(variant.dockerfile),
        image=work.tag,
        base=base,
        stand_in_base=image_labels.get(bases.LABEL_STAND_IN) == "true",
        size_bytes=int(data.get("Size") or 0),
        compressed_bytes=compressed,
        layers=layers,
        build_seconds_cold=work.cold,
        build_seconds_warm=work.warm,
        smoke=smoke,
        error=error,
    )


def _safe_repo_name(name: str) -> str:
    cleaned = "".join(ch if ch.isalnum() or ch in "._-" else "-" for ch in name.lower())
    return cleaned.strip("._-") or "variant"


def run(engine: Engine, variants: list[Variant], options: Options) -> list[VariantResult]:
    """Build every variant (cold, then warm), then measure and smoke-test each in turn.

    Whatever happens, including Ctrl-C, the containers started here are removed, and so are the
    images unless options.keep.
    """
    if options.jobs < 1:
        raise UsageError("--jobs must be at least 1")
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
        engine.remove_containers(engine.containers_with_label(f"{LABEL_RUN}={run_id}"))
        if not options.keep:
            engine.remove_images([w.tag for w in works if w.image_id])
