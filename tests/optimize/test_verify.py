"""--verify's logic on the engine double: the same smoke test for both, failures told."""

from __future__ import annotations

from pathlib import Path

from slimstage.optimize import verify
from tests.fakeengine import Behaviour, FakeEngine


def _verify(engine: FakeEngine, tmp_path: Path, **settings: object) -> verify.VerifyOutcome:
    original = tmp_path / "Dockerfile"
    original.write_text("FROM python:3.13-slim\n")
    return verify.verify(
        engine,
        original,
        "FROM python:3.13-slim AS final\n",
        tmp_path,
        settings=verify.SmokeSettings(timeout=3, **settings),  # type: ignore[arg-type]
        build_args={},
        on_line=lambda _line: None,
    )


def test_both_pass_and_everything_is_removed(tmp_path: Path) -> None:
    engine = FakeEngine(tmp_path)
    found = _verify(engine, tmp_path, env={"DATABASE_URL": "postgresql://x"})
    assert found.ok
    assert found.size_change_bytes == 0
    assert [b["dockerfile"] for b in engine.builds] == ["Dockerfile", "Dockerfile.optimized"]
    apps = [spec for spec in engine.started if (spec.network or "").startswith("container:")]
    assert len(apps) == 2
    assert all(spec.env == {"DATABASE_URL": "postgresql://x"} for spec in apps)
    assert len(engine.removed_images) == 2
    assert all(label.startswith(verify.LABEL_VERIFY) for label in engine.removed_labels)


def test_a_rewrite_that_fails_where_the_original_passes_says_why(tmp_path: Path) -> None:
    engine = FakeEngine(tmp_path, behaviours={"Dockerfile.optimized": Behaviour(exit_code=3)})
    found = _verify(engine, tmp_path)
    assert not found.ok
    assert found.original.smoke_ok
    assert not found.optimized.smoke_ok
    assert "container exited (3)" in found.optimized.detail
    assert "app log line" in found.optimized.detail


def test_a_rewrite_that_does_not_build_carries_the_build_log(tmp_path: Path) -> None:
    engine = FakeEngine(
        tmp_path, failing={"Dockerfile.optimized": "step 5: dpkg -L: not installed"}
    )
    found = _verify(engine, tmp_path)
    assert not found.optimized.smoke_ok
    assert found.optimized.size_bytes is None
    assert "dpkg -L: not installed" in found.optimized.detail


def test_an_image_without_a_port_needs_port(tmp_path: Path) -> None:
    engine = FakeEngine(tmp_path, behaviours={"Dockerfile": Behaviour(exposed=None)})
    assert "pass --port" in _verify(engine, tmp_path).original.detail
    assert _verify(FakeEngine(tmp_path), tmp_path, port="8000").ok
