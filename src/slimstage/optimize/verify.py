"""--verify: build the original and the rewrite, smoke-test both the same way compare does, and
say plainly when the rewrite fails where the original passes.

`smoke` is the one place optimize calls compare's smoke test, so that a change of that API
(smoke specs with status, body, environment and sidecars) is one edit here.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slimstage import proc
from slimstage.compare.smoke import Smoke, smoke_test
from slimstage.compare.smokespec import Request, SmokeSpec
from slimstage.engine import ContainerEngine
from slimstage.errors import CommandFailed

LABEL_VERIFY = "org.slimstage.optimize.verify"
LOG_TAIL = 1500


@dataclass(frozen=True)
class SmokeSettings:
    port: str | None = None  # None: the image's lowest EXPOSEd port
    path: str = "/"
    timeout: float = 60.0
    env: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ImageCheck:
    """One built and smoke-tested image; its fields are part of the JSON report."""

    size_bytes: int | None
    build_seconds: float | None
    smoke_ok: bool
    seconds_to_ready: float | None
    detail: str  # why it failed: the build log's or the container log's end; "" when it passed


@dataclass(frozen=True)
class VerifyOutcome:
    original: ImageCheck
    optimized: ImageCheck

    @property
    def ok(self) -> bool:
        return self.original.smoke_ok and self.optimized.smoke_ok

    @property
    def size_change_bytes(self) -> int | None:
        if self.original.size_bytes is None or self.optimized.size_bytes is None:
            return None
        return self.optimized.size_bytes - self.original.size_bytes


def smoke(
    engine: ContainerEngine, image: str, settings: SmokeSettings, labels: Mapping[str, str]
) -> Smoke:
    """Smoke-test IMAGE as `compare` does: on the engine, a 2xx/3xx answer at the path."""
    spec = SmokeSpec(
        requests=(Request(settings.path),),
        port=settings.port,
        env=tuple(settings.env.items()),
        timeout=settings.timeout,
    )
    return smoke_test(engine, image, spec, labels)


def _check(
    engine: ContainerEngine,
    dockerfile: Path,
    context: Path,
    settings: SmokeSettings,
    build: Mapping[str, Any],
) -> ImageCheck:
    tag = f"slimstage-optimize/{build['name']}:{uuid.uuid4().hex[:12]}"
    labels = dict(build["labels"])
    try:
        result = engine.build(
            dockerfile=dockerfile,
            context=context,
            tag=tag,
            labels=labels,
            build_args=build["build_args"],
            on_line=build["on_line"],
        )
    except CommandFailed as exc:
        return ImageCheck(None, None, False, None, f"build failed: {exc.stdout[-LOG_TAIL:]}")
    try:
        size = int((engine.inspect_image(tag) or {}).get("Size") or 0)
        proc.log(f"[{build['name']}] smoke test: GET {settings.path}")
        found = smoke(engine, tag, settings, labels)
        return ImageCheck(
            size,
            round(result.seconds, 2),
            found.ok,
            found.seconds_to_ready,
            "" if found.ok else found.detail[-LOG_TAIL:],
        )
    finally:
        engine.remove_labelled(f"{LABEL_VERIFY}={labels[LABEL_VERIFY]}")
        engine.remove_images([tag])


def verify(
    engine: ContainerEngine,
    original: Path,
    rewrite_text: str,
    context: Path,
    *,
    settings: SmokeSettings,
    build_args: Mapping[str, str],
    on_line: Callable[[str], None],
) -> VerifyOutcome:
    """Build and smoke-test the original and the rewrite; nothing is left behind."""
    build = {
        "labels": {LABEL_VERIFY: uuid.uuid4().hex[:12]},
        "build_args": build_args,
        "on_line": on_line,
    }
    first = _check(engine, original, context, settings, {**build, "name": "original"})
    with tempfile.TemporaryDirectory(prefix="slimstage-optimize-") as tmp:
        path = Path(tmp) / f"{original.name}.optimized"
        path.write_text(rewrite_text)
        second = _check(engine, path, context, settings, {**build, "name": "optimized"})
    return VerifyOutcome(first, second)
