"""`slimstage compare` against the real engine: the demo, failures, and clean-up."""

from __future__ import annotations

from pathlib import Path

import pytest

from slimstage.compare import scorecard
from slimstage.compare.run import VariantResult, base_image, compare_variants
from slimstage.compare.variants import Variant, discover
from slimstage.engine import Engine, RunSpec
from slimstage.options import CompareOptions
from tests.conftest import Postgres, Sweeper
from tests.fakeengine import Behaviour, FakeEngine

MULTI_STAGE = ("multistage-venv", "multistage-runtime")


# --- compare's own logic, on the engine double -----------------------------------------------


def _variants(tmp_path: Path, files: dict[str, str]) -> list[Variant]:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "app.py").write_text("print('app')\n")
    return discover([tmp_path], None)


SERVES = 'FROM python:3.13-slim\nEXPOSE 8000\nCMD ["python", "-m", "http.server", "8000"]\n'


def test_a_working_variant_is_built_cold_and_warm_measured_and_smoke_tested(
    tmp_path: Path,
) -> None:
    engine = FakeEngine(tmp_path)
    variants = _variants(tmp_path, {"Dockerfile": SERVES})
    [result] = compare_variants(engine, variants, CompareOptions(smoke_timeout=5))
    assert [(b["no_cache"], b["tag"].endswith("-warm")) for b in engine.builds] == [
        (True, False),
        (False, True),
    ]
    assert (result.build_seconds_cold, result.build_seconds_warm) == (1.5, 0.25)
    assert (result.size_bytes, result.layers, result.stand_in_base) == (123_000_000, 2, True)
    assert result.base == "python:3.13-slim"
    assert result.compressed_bytes is not None
    assert 0 < result.compressed_bytes < 10_000  # 10 kB of one byte repeated, gzipped
    assert result.smoke is not None
    assert result.smoke.ok
    assert result.smoke.status == 200
    assert result.smoke.memory_bytes == 25_000_000
    assert result.error is None
    # The run's containers are removed by label, and the images too (no --keep).
    assert result.image is not None
    run_id = result.image.rpartition(":")[2]
    assert engine.removed_labels == [f"org.slimstage.run={run_id}"]
    assert result.image in engine.removed_images
    assert engine.started[0].labels == {"org.slimstage.run": run_id}


def test_keep_leaves_the_images(tmp_path: Path) -> None:
    engine = FakeEngine(tmp_path)
    [result] = compare_variants(
        engine, _variants(tmp_path, {"Dockerfile": SERVES}), CompareOptions(keep=True, edit=None)
    )
    assert result.image not in engine.removed_images
    assert len(engine.builds) == 1  # no warm rebuild either


def test_a_missing_base_is_named_and_other_variants_go_on(tmp_path: Path) -> None:
    engine = FakeEngine(tmp_path, failing={"Dockerfile.alpine": "#5 ERROR: pull access denied"})
    files = {
        "Dockerfile": SERVES,
        "Dockerfile.alpine": "ARG PY=3.13\nFROM python:${PY}-alpine AS b\nFROM b\n",
    }
    results = compare_variants(engine, _variants(tmp_path, files), CompareOptions(edit=None))
    by_name = {r.name: r for r in results}
    assert by_name["Dockerfile"].error is None
    alpine = by_name["alpine"]
    assert alpine.error is not None
    first, *rest = alpine.error.splitlines()
    assert first.startswith("base image python:3.13-alpine is not present locally")
    assert rest == ["#5 ERROR: pull access denied"]
    assert (alpine.image, alpine.smoke, alpine.base) == (None, None, "python:3.13-alpine")


def test_a_failing_build_with_its_bases_present_says_build_failed(tmp_path: Path) -> None:
    log = "#1 [internal] load\n#1 DONE 0.1s\n#7 RUN exit 7\n#7 ERROR: exit code: 7"
    engine = FakeEngine(tmp_path, failing={"Dockerfile": log})
    [result] = compare_variants(
        engine, _variants(tmp_path, {"Dockerfile": SERVES}), CompareOptions()
    )
    assert (
        result.error
        == "build failed (exit 1)\n#1 [internal] load\n#7 RUN exit 7\n#7 ERROR: exit code: 7"
    )


def test_smoke_failures_make_the_variant_fail(tmp_path: Path) -> None:
    engine = FakeEngine(
        tmp_path,
        behaviours={
            "Dockerfile.crashes": Behaviour(exit_code=3),
            "Dockerfile.noport": Behaviour(exposed=None),
            "Dockerfile.notfound": Behaviour(status=404),
        },
    )
    files = {f"Dockerfile.{n}": SERVES for n in ("crashes", "noport", "notfound")}
    options = CompareOptions(edit=None, smoke_timeout=1)
    results = {r.name: r for r in compare_variants(engine, _variants(tmp_path, files), options)}
    assert results["crashes"].error == "smoke test failed: container exited (3): app log line"
    assert results["noport"].error == "smoke test failed: the image exposes no port; pass --port"
    notfound = results["notfound"].error or ""
    assert notfound.startswith(
        "smoke test failed: no good answer at / within 1s (last status: 404)"
    )


def test_ctrl_c_still_removes_what_the_run_started(tmp_path: Path) -> None:
    engine = FakeEngine(tmp_path, interrupt_builds=True)
    with pytest.raises(KeyboardInterrupt):
        compare_variants(engine, _variants(tmp_path, {"Dockerfile": SERVES}), CompareOptions())
    assert len(engine.removed_labels) == 1
    assert engine.removed_labels[0].startswith("org.slimstage.run=")


def test_base_image_follows_the_target_and_build_args(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(
        "ARG BASE=debian:trixie-slim\nFROM $BASE AS os\nFROM os AS app\nFROM scratch AS final\n"
    )
    [variant] = discover([tmp_path / "Dockerfile"], None)
    assert base_image(variant, CompareOptions()) == "scratch"
    assert base_image(variant, CompareOptions(target="app")) == "debian:trixie-slim"
    assert base_image(variant, CompareOptions(target="app", build_arg={"BASE": "x:1"})) == "x:1"
    assert base_image(variant, CompareOptions(target="nope")) is None


# --- the real engine ----------------------------------------------------------------------------


@pytest.fixture
def demo(demo_comparison: dict[str, VariantResult]) -> dict[str, VariantResult]:
    return demo_comparison


def _python(
    engine: Engine, sweeper: Sweeper, image: str, code: str, *, env: dict[str, str] | None = None
) -> str:
    spec = RunSpec(
        image,
        labels=sweeper.labels,
        command=["python", "-c", code],
        entrypoint="",
        network="host" if env else None,
        env=env or {},
    )
    result = engine.run_once(spec)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.engine
def test_every_debian_variant_builds_and_passes_its_smoke_test(
    demo: dict[str, VariantResult],
) -> None:
    for name in ("Dockerfile", *MULTI_STAGE):
        result = demo[name]
        assert result.error is None, (name, result.error)
        assert result.smoke is not None
        assert result.smoke.ok, name
        assert result.smoke.seconds_to_ready is not None
        assert result.smoke.seconds_to_ready > 0
        assert result.smoke.memory_bytes
        assert result.smoke.memory_bytes > 1_000_000
        assert result.stand_in_base is True
        assert result.layers
        assert result.layers > 0
        assert result.size_bytes
        assert result.compressed_bytes
        assert result.compressed_bytes < result.size_bytes
        assert result.build_seconds_cold
        assert result.build_seconds_cold > 0
        assert result.build_seconds_warm is not None


@pytest.mark.engine
def test_the_alpine_seed_variant_is_reported_not_fatal(
    demo: dict[str, VariantResult],
) -> None:
    alpine = demo["newmultistage"]
    assert alpine.image is None
    assert alpine.size_bytes is None
    assert alpine.error
    assert "python:3.13-alpine" in alpine.error
    assert "not present locally" in alpine.error.splitlines()[0]


@pytest.mark.engine
def test_sizes_fall_from_single_stage_to_multi_stage_to_minimal(
    demo: dict[str, VariantResult],
) -> None:
    single = demo["Dockerfile"].size_bytes or 0
    venv = demo["multistage-venv"].size_bytes or 0
    minimal = demo["multistage-runtime"].size_bytes or 0
    assert single > venv > minimal > 0


@pytest.mark.engine
def test_multi_stage_finals_have_no_compiler(
    demo: dict[str, VariantResult], engine: Engine, sweeper: Sweeper
) -> None:
    probe = (
        "import glob, shutil;"
        "print([shutil.which(c) for c in ('gcc', 'cc', 'make')], glob.glob('/usr/bin/gcc*'))"
    )
    for name in MULTI_STAGE:
        assert _python(engine, sweeper, demo[name].image or "", probe) == "[None, None, None] []"
    # The single-stage image is the contrast: its compiler is still there.
    assert "gcc" in _python(engine, sweeper, demo["Dockerfile"].image or "", probe)


@pytest.mark.engine
def test_improved_variants_run_as_non_root(
    demo: dict[str, VariantResult], engine: Engine, sweeper: Sweeper
) -> None:
    for name in MULTI_STAGE:
        uid = _python(engine, sweeper, demo[name].image or "", "import os; print(os.getuid())")
        assert int(uid) != 0, name


@pytest.mark.engine
def test_multi_stage_finals_reach_postgresql_through_libpq(
    demo: dict[str, VariantResult], engine: Engine, sweeper: Sweeper, postgres: Postgres
) -> None:
    code = (
        "import app; c = app.create_app().test_client();"
        "r = c.post('/api/messages', json={'text': 'hello from the image'});"
        "assert r.status_code == 201, r.get_data();"
        "print(c.get('/api/messages?limit=1').get_json()['messages'][0]['text'],"
        " c.get('/readyz').get_json()['database'])"
    )
    for name in MULTI_STAGE:
        out = _python(
            engine, sweeper, demo[name].image or "", code, env={"DATABASE_URL": postgres.url}
        )
        assert out == "hello from the image postgresql", name


@pytest.mark.engine
def test_goal_figures_are_printed(demo: dict[str, VariantResult]) -> None:

    text = scorecard.table(list(demo.values()))
    assert "smallest working image: multistage-runtime" in text
