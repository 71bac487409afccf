"""The smoke-test phase of a comparison: sidecars up once, then each variant in turn."""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import replace

from slimstage.compare import progress as states
from slimstage.compare import sidecar
from slimstage.compare.progress import Progress
from slimstage.compare.smoke import Smoke, find_probe_image, smoke_test
from slimstage.compare.smokespec import SmokeSpec
from slimstage.compare.timeline import Timeline
from slimstage.compare.variants import Variant, dockerfile_port
from slimstage.engineapi import ContainerEngine
from slimstage.errors import SlimstageError
from slimstage.options import CompareOptions


def _everyone(targets: list[tuple[Variant, str]], detail: str) -> dict[str, Smoke]:
    return {variant.name: Smoke(False, None, None, None, detail) for variant, _ in targets}


def smoke_all(
    engine: ContainerEngine,
    targets: list[tuple[Variant, str]],
    spec: SmokeSpec,
    options: CompareOptions,
    labels: dict[str, str],
    *,
    progress: Progress,
    timeline: Timeline,
) -> dict[str, Smoke]:
    """Smoke-test each (variant, image) of TARGETS; results by variant name."""
    if not targets:
        return {}
    try:
        spec = replace(spec, probe_image=find_probe_image(engine, spec.probe_image))
        for car in spec.sidecars:
            with timeline.span("build", f"sidecar {car.name}"):
                sidecar.ensure_image(engine, car)
    except SlimstageError as exc:
        return _everyone(targets, str(exc))
    results: dict[str, Smoke] = {}
    with ExitStack() as stack:
        network = None
        if spec.sidecars:
            progress.note(f"starting {', '.join(car.name for car in spec.sidecars)}")
            try:
                with timeline.span("run", "sidecars"):
                    network = stack.enter_context(sidecar.running(engine, spec.sidecars, labels))
            except SlimstageError as exc:
                return _everyone(targets, str(exc))
        for variant, image in targets:
            port = spec.port or dockerfile_port(variant, options)
            shown = port or "the image's lowest port"
            progress.state(variant.name, states.SMOKE, f"{spec.describe()} on {shown}")
            with timeline.span("run", variant.name):
                results[variant.name] = smoke_test(
                    engine, image, replace(spec, port=port), labels, network=network
                )
        if network is not None:
            with timeline.span("run", "sidecars"):
                stack.close()
    return results
