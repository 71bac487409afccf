"""`slimstage compare`'s core: on the engine double (its own logic) and on the real engine."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from slimstage.compare import progress as states
from slimstage.compare import scorecard
from slimstage.compare.run import VariantResult, compare_variants
from slimstage.compare.settings import Settings, load
from slimstage.compare.smoke import smoke_test
from slimstage.compare.smokespec import Request, Sidecar, SmokeSpec
from slimstage.compare.timeline import Timeline
from slimstage.compare.variants import Variant, base_image, discover
from slimstage.engine import BuildResult, Engine, RunSpec
from slimstage.options import CompareOptions
from tests.conftest import DEMO_SETTINGS, Postgres, Sweeper
from tests.fakeengine import Behaviour, FakeEngine

MULTI_STAGE = ("multistage-venv", "multistage-runtime")


# --- compare's own logic, on the engine double -----------------------------------------------


def _variants(tmp_path: Path, files: dict[str, str]) -> list[Variant]:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "app.py").write_text("print('app')\n")
    return discover([tmp_path], None)


def _options(tmp_path: Path, **kw: object) -> CompareOptions:
    return CompareOptions(log_dir=tmp_path / "logs", **kw)  # type: ignore[arg-type]


def _settings(**kw: object) -> Settings:
    return Settings(SmokeSpec(**kw), strict=False, source=None)  # type: ignore[arg-type]


SERVES = 'FROM python:3.13-slim\nEXPOSE 8000\nCMD ["python", "-m", "http.server", "8000"]\n'


class Recorder:
    """Progress that keeps every state change, to check the order of the work."""

    def __init__(self) -> None:
        self.states: list[tuple[str, str]] = []
        self.lines: list[tuple[str, str]] = []
        self.notes: list[str] = []
        self.sizes: list[tuple[str, str]] = []

    def state(self, variant: str, state: str, detail: str = "") -> None:
        self.states.append((variant, state))

    def build_line(self, variant: str, line: str) -> None:
        self.lines.append((variant, line))

    def size(self, variant: str, text: str) -> None:
        self.sizes.append((variant, text))

    def note(self, text: str) -> None:
        self.notes.append(text)


def test_a_working_variant_is_built_measured_and_smoke_tested(tmp_path: Path) -> None:
    engine = FakeEngine(tmp_path)
    recorder, timeline = Recorder(), Timeline()
    [result] = compare_variants(
        engine,
        _variants(tmp_path, {"Dockerfile": SERVES}),
        _options(tmp_path, smoke_timeout=5),
        progress=recorder,
        timeline=timeline,
    )
    assert [(b["no_cache"], b["tag"].endswith("-warm")) for b in engine.builds] == [
        (True, False),
        (False, True),
    ]
    assert (result.status, result.error) == ("ok", None)
    assert (result.build_seconds_cold, result.build_seconds_warm) == (1.5, 0.25)
    assert (result.size_bytes, result.layers, result.stand_in_base) == (123_000_000, 2, True)
    assert result.base == "python:3.13-slim"
    assert result.smoke is not None
    assert (result.smoke.ok, result.smoke.status, result.smoke.memory_bytes) == (
        True,
        200,
        25_000_000,
    )
    assert result.smoke.seconds_to_ready is not None
    assert 0 <= result.smoke.seconds_to_ready < 5
    # Progress: each state in order; the step of the build line reaches the progress too.
    mine = [state for name, state in recorder.states if name == "Dockerfile"]
    assert mine == [
        states.BUILDING,
        states.WAITING,
        states.WARM,
        states.WAITING,
        states.SMOKE,
        states.DONE,
    ]
    assert ("Dockerfile", "#5 [2/3] RUN make") in recorder.lines
    # The log file has both builds; the engine's work is on the timeline.
    assert result.log is not None
    log = Path(result.log).read_text()
    assert log.count("#5 [2/3] RUN make") == 2
    assert "=== cold build (--no-cache)" in log
    assert "=== warm rebuild after an edit of app.py" in log
    assert [k for k, *_ in timeline.spans].count("build") == 2
    assert [w for k, w, *_ in timeline.spans if k == "run"] == ["Dockerfile"]
    # The run's containers are removed by label, and the images too (no --keep).
    assert result.image is not None
    run_id = result.image.rpartition(":")[2]
    assert engine.removed_labels == [f"org.slimstage.run={run_id}"]
    assert result.image in engine.removed_images
    assert all(spec.labels == {"org.slimstage.run": run_id} for spec in engine.started)


def test_the_image_is_measured_from_its_saved_archive(tmp_path: Path) -> None:
    engine = FakeEngine(tmp_path)
    [result] = compare_variants(
        engine, _variants(tmp_path, {"Dockerfile": SERVES}), _options(tmp_path, edit=None)
    )
    parts = result.breakdown
    assert parts is not None
    # tests.fakeengine: a 3,000-byte base file; on top, a 2,000-byte library a dpkg list owns,
    # that list (19 bytes) and a 1,000-byte app file.
    assert (parts.base, parts.os_packages, parts.python_packages) == (3_000, 2_000 + 19, 0)
    assert (parts.app, parts.hidden) == (1_000, 0)
    assert [(item.from_base, item.bytes) for item in parts.layers] == [
        (True, 3_000),
        (False, 3_019),
    ]
    assert result.compressed_bytes == sum(item.compressed_bytes for item in parts.layers)
    assert 0 < result.compressed_bytes < 6_019  # repeated bytes compress well


def test_keep_leaves_the_images(tmp_path: Path) -> None:
    engine = FakeEngine(tmp_path)
    [result] = compare_variants(
        engine,
        _variants(tmp_path, {"Dockerfile": SERVES}),
        _options(tmp_path, keep=True, edit=None),
    )
    assert result.image not in engine.removed_images
    assert len(engine.builds) == 1  # no warm rebuild either


def test_a_missing_base_is_skipped_in_one_line_and_other_variants_go_on(tmp_path: Path) -> None:
    engine = FakeEngine(tmp_path, failing={"Dockerfile.alpine": "#5 ERROR: pull access denied"})
    files = {
        "Dockerfile": SERVES,
        "Dockerfile.alpine": "ARG PY=3.13\nFROM python:${PY}-alpine AS b\nFROM b\n",
    }
    results = compare_variants(engine, _variants(tmp_path, files), _options(tmp_path, edit=None))
    by_name = {r.name: r for r in results}
    assert by_name["Dockerfile"].status == "ok"
    alpine = by_name["alpine"]
    assert alpine.status == "skipped"
    assert alpine.error is not None
    assert alpine.error.startswith("base image python:3.13-alpine is not present locally")
    assert "\n" not in alpine.error
    assert (alpine.image, alpine.smoke, alpine.base) == (None, None, "python:3.13-alpine")
    assert "#5 ERROR: pull access denied" in Path(alpine.log or "").read_text()


def test_a_failing_build_with_its_bases_present_fails_with_its_log_tail(tmp_path: Path) -> None:
    log = "#1 [internal] load\n#1 DONE 0.1s\n#7 RUN exit 7\n#7 ERROR: exit code: 7"
    engine = FakeEngine(tmp_path, failing={"Dockerfile": log})
    [result] = compare_variants(
        engine, _variants(tmp_path, {"Dockerfile": SERVES}), _options(tmp_path)
    )
    assert result.status == "failed"
    assert (
        result.error
        == "build failed (exit 1)\n#1 [internal] load\n#7 RUN exit 7\n#7 ERROR: exit code: 7"
    )


def test_a_build_that_gives_no_image_fails(tmp_path: Path) -> None:
    class NoImage(FakeEngine):
        def build(self, **kw: Any) -> BuildResult:
            result = super().build(**kw)
            return BuildResult("", result.seconds, result.log)

    engine = NoImage(tmp_path)
    [result] = compare_variants(
        engine, _variants(tmp_path, {"Dockerfile": SERVES}), _options(tmp_path, edit=None)
    )
    assert (result.status, result.error, result.smoke) == (
        "failed",
        "build produced no image",
        None,
    )
    assert engine.started == []


def test_smoke_failures_make_the_variant_fail(tmp_path: Path) -> None:
    engine = FakeEngine(
        tmp_path,
        behaviours={
            "Dockerfile.crashes": Behaviour(exit_code=3),
            "Dockerfile.noport": Behaviour(exposed=None),
            "Dockerfile.notfound": Behaviour(status=404),
            "Dockerfile.silent": Behaviour(listens=False),
        },
    )
    files = {f"Dockerfile.{n}": SERVES for n in ("crashes", "notfound", "silent")}
    files["Dockerfile.noport"] = 'FROM python:3.13-slim\nCMD ["python", "app.py"]\n'
    options = _options(tmp_path, edit=None, smoke_timeout=1)
    results = {r.name: r for r in compare_variants(engine, _variants(tmp_path, files), options)}
    assert {r.status for r in results.values()} == {"failed"}
    assert results["crashes"].error == "smoke test failed: container exited (3): app log line"
    assert results["noport"].error == "smoke test failed: the image exposes no port; pass --port"
    notfound = results["notfound"].error or ""
    assert notfound.startswith("smoke test failed: not ready within 1s: GET /: status 404")
    silent = results["silent"].error or ""
    assert silent.startswith("smoke test failed: not ready within 1s: GET /: no answer")


def test_the_first_expose_of_the_dockerfile_is_the_port_probed(tmp_path: Path) -> None:
    engine = FakeEngine(tmp_path, behaviours={"Dockerfile": Behaviour(exposed="10000/tcp")})
    dockerfile = 'FROM python:3.13-slim\nEXPOSE 10000\nEXPOSE 8000\nCMD ["python", "app.py"]\n'
    [result] = compare_variants(
        engine, _variants(tmp_path, {"Dockerfile": dockerfile}), _options(tmp_path, edit=None)
    )
    assert result.smoke is not None
    assert result.smoke.ok, result.error
    [holder] = [s for s in engine.started if s.entrypoint == "python3"]
    assert json.loads(holder.command[2])["port"] == 10000


def test_env_and_a_sequence_of_requests_reach_the_app(tmp_path: Path) -> None:
    engine = FakeEngine(tmp_path, behaviours={"Dockerfile": Behaviour(needs_env="DATABASE_URL")})
    steps = (
        Request("/"),
        Request("/api/messages", method="POST", body='{"text": "kept"}', expect_status=201),
        Request("/api/messages", expect_body='"kept"'),
    )
    variants = _variants(tmp_path, {"Dockerfile": SERVES})
    with_env = _settings(requests=steps, env=(("DATABASE_URL", "db"),), timeout=2)
    [ok] = compare_variants(engine, variants, _options(tmp_path, edit=None), settings=with_env)
    assert ok.status == "ok", ok.error
    [app] = [s for s in engine.started if s.network and s.network.startswith("container:")]
    assert app.env == {"DATABASE_URL": "db"}
    without = _settings(requests=steps, timeout=1)
    [bad] = compare_variants(engine, variants, _options(tmp_path, edit=None), settings=without)
    assert "GET /: status 503, expected 2xx or 3xx" in (bad.error or "")


def test_sidecars_start_once_on_a_network_of_their_own(tmp_path: Path) -> None:
    engine = FakeEngine(tmp_path, present={"python:3.13-slim", "redis:7"})
    cache = Sidecar("cache", "redis:7", ready=("redis-cli", "ping"))
    files = {"Dockerfile": SERVES, "Dockerfile.other": SERVES}
    results = compare_variants(
        engine,
        _variants(tmp_path, files),
        _options(tmp_path, edit=None),
        settings=_settings(sidecars=(cache,), timeout=2),
    )
    assert [r.status for r in results] == ["ok", "ok"]
    [car] = [s for s in engine.started if s.image == "redis:7"]
    assert (car.network, list(car.network_aliases)) == ("net0", ["cache"])
    holders = [s for s in engine.started if s.entrypoint == "python3"]
    assert [h.network for h in holders] == ["net0", "net0"]
    assert engine.networks == []  # removed at the end


def test_a_sidecar_that_never_gets_ready_fails_every_smoke_test(tmp_path: Path) -> None:
    engine = FakeEngine(tmp_path, present={"python:3.13-slim", "redis:7"}, sidecar_exec_code=1)
    cache = Sidecar("cache", "redis:7", ready=("redis-cli", "ping"), ready_timeout=0.5)
    [result] = compare_variants(
        engine,
        _variants(tmp_path, {"Dockerfile": SERVES}),
        _options(tmp_path, edit=None),
        settings=_settings(sidecars=(cache,)),
    )
    assert result.status == "failed"
    assert result.error == "smoke test failed: sidecar cache not ready within 0.5s: no"
    assert engine.networks == []


def test_ctrl_c_still_removes_what_the_run_started(tmp_path: Path) -> None:
    engine = FakeEngine(tmp_path, interrupt_builds=True)
    with pytest.raises(KeyboardInterrupt):
        compare_variants(engine, _variants(tmp_path, {"Dockerfile": SERVES}), _options(tmp_path))
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
def test_the_demo_smoke_test_goes_through_postgresql(
    demo: dict[str, VariantResult], engine: Engine, sweeper: Sweeper
) -> None:
    settings = load(CompareOptions(config=DEMO_SETTINGS))
    assert [car.name for car in settings.smoke.sidecars] == ["postgres"]
    assert [r.method for r in settings.smoke.requests] == ["GET", "POST", "GET", "GET"]
    for name in ("Dockerfile", *MULTI_STAGE):
        assert demo[name].status == "ok", demo[name].error
    # The same requests without the database: the app falls back to SQLite, and the smoke
    # test says so. It can tell an image that talks to PostgreSQL from one that does not.
    spec = replace(settings.smoke, env=(), sidecars=(), timeout=10)
    smoke = smoke_test(engine, demo["multistage-runtime"].image or "", spec, sweeper.labels)
    assert not smoke.ok
    assert "GET /readyz: body does not match" in smoke.detail
    assert "sqlite" in smoke.detail


@pytest.mark.engine
def test_the_demo_images_bytes_are_split_by_what_made_them(
    demo: dict[str, VariantResult],
) -> None:
    parts = {name: demo[name].breakdown for name in ("Dockerfile", *MULTI_STAGE)}
    single, venv, runtime = (
        parts["Dockerfile"],
        parts["multistage-venv"],
        parts["multistage-runtime"],
    )
    assert single is not None
    assert venv is not None
    assert runtime is not None
    # The single-stage image keeps the compiler toolchain: OS packages it added.
    assert single.os_packages > 100_000_000
    assert venv.os_packages < single.os_packages / 10  # libpq5 only
    assert runtime.os_packages == 0  # no package database in a runtime-only final stage
    for item in (single, venv, runtime):
        assert item.python_packages > 5_000_000  # flask, gunicorn, psycopg2, ...
        assert item.base > 40_000_000
        assert item.layers[0].from_base
        assert not item.layers[-1].from_base
    # The same python:3.13-slim layers; apt on top replaces a few of their files differently.
    assert abs(single.base - venv.base) < venv.base / 10


@pytest.mark.engine
def test_the_alpine_seed_variant_is_reported_not_fatal(
    demo: dict[str, VariantResult],
) -> None:
    alpine = demo["newmultistage"]
    assert alpine.status == "skipped"
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
