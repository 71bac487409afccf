"""The smoke-test phase of a comparison: sidecars up once, then each variant in turn.

The sidecars are started while the variants build (they sit idle until the first smoke test),
so their start-up adds nothing to the run's wall time; the smoke tests themselves wait until
every build is done and run one at a time.
"""

from __future__ import annotations

from collections.abc import Callable
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


def start_sidecars(
    engine: ContainerEngine,
    spec: SmokeSpec,
    labels: dict[str, str],
    stack: ExitStack,
    *,
    progress: Progress,
    timeline: Timeline,
) -> str | None:
    """Start SPEC's sidecars on a network of their own, removed when STACK closes; the
    network's name, or None when there are no sidecars."""
    if not spec.sidecars:
        return None
    for car in spec.sidecars:
        with timeline.span("build", f"sidecar {car.name}"):
            sidecar.ensure_image(engine, car)
    progress.note(f"starting {', '.join(car.name for car in spec.sidecars)}")
    with timeline.span("run", "sidecars"):
        return stack.enter_context(sidecar.running(engine, spec.sidecars, labels))


def _everyone(
    targets: list[tuple[Variant, str]], detail: str, progress: Progress
) -> dict[str, Smoke]:
    """The same failure for every variant: the smoke tests could not run at all."""
    for variant, _ in targets:
        progress.state(variant.name, states.FAILED, f"smoke test: {detail}")
    return {variant.name: Smoke(False, None, None, None, detail) for variant, _ in targets}


def smoke_all(
    engine: ContainerEngine,
    targets: list[tuple[Variant, str]],
    spec: SmokeSpec,
    options: CompareOptions,
    labels: dict[str, str],
    *,
    sidecars: Callable[[], str | None],
    progress: Progress,
    timeline: Timeline,
) -> dict[str, Smoke]:
    """Smoke-test each (variant, image) of TARGETS; results by variant name. SIDECARS gives the
    network the sidecars run on once they are ready (raising why when they could not start)."""
    if not targets:
        return {}
    try:
        spec = replace(spec, probe_image=find_probe_image(engine, spec.probe_image))
        network = sidecars()
    except SlimstageError as exc:
        return _everyone(targets, str(exc), progress)
    if spec.sidecars and network is None:
        return _everyone(targets, "the sidecars did not start", progress)
    results: dict[str, Smoke] = {}
    for variant, image in targets:
        port = spec.port or dockerfile_port(variant, options)
        shown = port or "the image's lowest port"
        progress.state(variant.name, states.SMOKE, f"{spec.describe()} on {shown}")
        with timeline.span("run", variant.name):
            smoke = smoke_test(engine, image, replace(spec, port=port), labels, network=network)
        results[variant.name] = smoke
        if smoke.ok:
            progress.state(variant.name, states.DONE)
        else:
            progress.state(variant.name, states.FAILED, f"smoke test: {smoke.detail}")
    return results
