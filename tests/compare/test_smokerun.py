from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

from slimstage.compare.progress import Silent
from slimstage.compare.smokerun import smoke_all, start_sidecars
from slimstage.compare.smokespec import Sidecar, SmokeSpec
from slimstage.compare.timeline import Timeline
from slimstage.compare.variants import Variant, discover
from slimstage.errors import UsageError
from slimstage.options import CompareOptions
from tests.fakeengine import FakeEngine

SERVES = 'FROM python:3.13-slim\nEXPOSE 8000\nCMD ["python", "-m", "http.server", "8000"]\n'


def _targets(engine: FakeEngine, tmp_path: Path, *names: str) -> list[tuple[Variant, str]]:
    for name in names:
        (tmp_path / name).write_text(SERVES)
    out = []
    for variant in discover([tmp_path], None):
        tag = f"t/{variant.name.lower()}:1"
        engine.build(dockerfile=variant.dockerfile, context=tmp_path, tag=tag)
        out.append((variant, tag))
    return out


def _run(engine: FakeEngine, targets: list[tuple[Variant, str]], spec: SmokeSpec) -> dict[str, str]:
    timeline = Timeline()
    with ExitStack() as stack:

        def sidecars() -> str | None:
            return start_sidecars(engine, spec, {}, stack, progress=Silent(), timeline=timeline)

        found = smoke_all(
            engine,
            targets,
            spec,
            CompareOptions(),
            {},
            sidecars=sidecars,
            progress=Silent(),
            timeline=timeline,
        )
    return {name: "ok" if s.ok else s.detail for name, s in found.items()}


def test_nothing_built_means_nothing_started(tmp_path: Path) -> None:
    engine = FakeEngine(tmp_path)
    assert _run(engine, [], SmokeSpec()) == {}
    assert engine.started == []


def test_each_variant_is_tested_with_one_probe_image(tmp_path: Path) -> None:
    engine = FakeEngine(tmp_path)
    targets = _targets(engine, tmp_path, "Dockerfile", "Dockerfile.b")
    assert _run(engine, targets, SmokeSpec(timeout=2)) == {"Dockerfile": "ok", "b": "ok"}
    holders = [s for s in engine.started if s.entrypoint == "python3"]
    assert [h.image for h in holders] == ["python:3.13-slim"] * 2


def test_without_a_probe_image_every_variant_fails_with_the_fix(tmp_path: Path) -> None:
    engine = FakeEngine(tmp_path)
    targets = _targets(engine, tmp_path, "Dockerfile", "Dockerfile.b")
    engine.present.discard("python:3.13-slim")
    found = _run(engine, targets, SmokeSpec())
    assert set(found) == {"Dockerfile", "b"}
    assert all("needs an image with python3" in why for why in found.values())
    assert engine.started == []


def test_a_sidecar_that_cannot_start_fails_every_variant_and_nothing_is_left(
    tmp_path: Path,
) -> None:
    engine = FakeEngine(tmp_path)
    targets = _targets(engine, tmp_path, "Dockerfile")
    found = _run(engine, targets, SmokeSpec(sidecars=(Sidecar("db", "db:9"),)))
    assert found == {
        "Dockerfile": "sidecar db: image db:9 is not on the engine "
        "(fix: pull it, or load it with `docker load`)"
    }
    assert engine.networks == []


def test_sidecars_start_on_their_network_and_go_with_the_stack(tmp_path: Path) -> None:
    engine = FakeEngine(tmp_path, present={"db:1"})
    spec = SmokeSpec(sidecars=(Sidecar("db", "db:1"),))
    timeline = Timeline()
    with ExitStack() as stack:
        assert (
            start_sidecars(engine, SmokeSpec(), {}, stack, progress=Silent(), timeline=timeline)
            is None
        )
        network = start_sidecars(engine, spec, {}, stack, progress=Silent(), timeline=timeline)
        assert engine.networks == [network]
    assert engine.networks == []
    assert [(kind, what) for kind, what, *_ in timeline.spans] == [
        ("build", "sidecar db"),
        ("run", "sidecars"),
    ]


def test_sidecars_that_could_not_start_fail_every_smoke_test(tmp_path: Path) -> None:
    engine = FakeEngine(tmp_path)
    targets = _targets(engine, tmp_path, "Dockerfile")

    def broken() -> str | None:
        raise UsageError("sidecar db: image db:1 is not on the engine")

    found = smoke_all(
        engine,
        targets,
        SmokeSpec(),
        CompareOptions(),
        {},
        sidecars=broken,
        progress=Silent(),
        timeline=Timeline(),
    )
    assert found["Dockerfile"].detail == "sidecar db: image db:1 is not on the engine"
    assert engine.started == []
