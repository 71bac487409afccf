"""`slimstage compare` against the real engine: the demo, failures, and clean-up."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from slimstage import proc
from slimstage.compare import scorecard
from slimstage.compare.run import VariantResult
from slimstage.engine import LABEL, Engine, RunSpec
from tests.conftest import Postgres, Sweeper, run_cli

pytestmark = pytest.mark.engine

MULTI_STAGE = ("multistage-venv", "multistage-runtime")


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


def test_the_alpine_seed_variant_is_reported_not_fatal(
    demo: dict[str, VariantResult],
) -> None:
    alpine = demo["newmultistage"]
    assert alpine.image is None
    assert alpine.size_bytes is None
    assert alpine.error
    assert "python:3.13-alpine" in alpine.error
    assert "not present locally" in alpine.error.splitlines()[0]


def test_sizes_fall_from_single_stage_to_multi_stage_to_minimal(
    demo: dict[str, VariantResult],
) -> None:
    single = demo["Dockerfile"].size_bytes or 0
    venv = demo["multistage-venv"].size_bytes or 0
    minimal = demo["multistage-runtime"].size_bytes or 0
    assert single > venv > minimal > 0


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


def test_improved_variants_run_as_non_root(
    demo: dict[str, VariantResult], engine: Engine, sweeper: Sweeper
) -> None:
    for name in MULTI_STAGE:
        uid = _python(engine, sweeper, demo[name].image or "", "import os; print(os.getuid())")
        assert int(uid) != 0, name


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


def test_goal_figures_are_printed(demo: dict[str, VariantResult]) -> None:

    text = scorecard.table(list(demo.values()))
    assert "smallest working image: multistage-runtime" in text


# --- the command line on small Dockerfiles -------------------------------------------------------


def _write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


SERVES = 'FROM python:3.13-slim\nEXPOSE 8000\nCMD ["python", "-m", "http.server", "8000"]\n'


def test_cli_reports_every_failure_and_exits_1(engine: Engine, tmp_path: Path) -> None:
    folder = _write(
        tmp_path / "variants",
        {
            "Dockerfile": SERVES,
            "Dockerfile.nobase": 'FROM slimstage-test/no-such-base:1\nCMD ["true"]\n',
            "Dockerfile.crashes": (
                'FROM python:3.13-slim\nEXPOSE 8000\nCMD ["python", "-c", "raise SystemExit(3)"]\n'
            ),
            "Dockerfile.badrun": "FROM python:3.13-slim\nRUN exit 7\n",
        },
    )
    prefix = f"slimstage-test-{uuid.uuid4().hex[:8]}"
    result = run_cli(
        "compare",
        str(folder),
        "--format",
        "json",
        "--tag-prefix",
        prefix,
        "--no-warm",
        "--smoke-timeout",
        "30",
    )
    assert result.returncode == 1, result.stderr[-2000:]
    document = json.loads(result.stdout)
    by_name = {v["name"]: v for v in document["variants"]}
    assert by_name["Dockerfile"]["error"] is None
    assert by_name["Dockerfile"]["smoke"]["ok"]
    assert "slimstage-test/no-such-base:1 is not present" in by_name["nobase"]["error"]
    assert by_name["crashes"]["smoke"]["ok"] is False
    assert "container exited (3)" in by_name["crashes"]["error"]
    assert "build failed (exit 1)" in by_name["badrun"]["error"]
    assert "exit 7" in by_name["badrun"]["error"]
    assert "3 of 4 variants failed" in result.stderr
    left = proc.run([engine.cli, "image", "ls", "-q", "--filter", f"reference={prefix}/*"])
    assert left.stdout.strip() == ""


def test_ctrl_c_during_a_smoke_test_leaves_nothing_behind(engine: Engine, tmp_path: Path) -> None:
    folder = _write(
        tmp_path / "hangs",
        {"Dockerfile": 'FROM python:3.13-slim\nEXPOSE 8000\nCMD ["sleep", "600"]\n'},
    )
    prefix = f"slimstage-test-{uuid.uuid4().hex[:8]}"
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "slimstage",
            "compare",
            str(folder),
            "--tag-prefix",
            prefix,
            "--no-warm",
            "--smoke-timeout",
            "120",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 240
        running: list[str] = []
        while time.monotonic() < deadline and not running:
            time.sleep(0.5)
            listed = proc.run(
                [
                    engine.cli,
                    "ps",
                    "--filter",
                    f"label={LABEL}=true",
                    "--format",
                    "{{.ID}} {{.Image}}",
                ],
                check=False,
            ).stdout.splitlines()
            running = [line.split()[0] for line in listed if line.split()[1].startswith(prefix)]
            if child.poll() is not None:
                break
        assert running, "the smoke-test container never started"
        os.kill(child.pid, signal.SIGINT)
        _, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 130, err[-1000:]
    assert "interrupted" in err
    assert proc.run([engine.cli, "ps", "-aq", "--filter", f"id={running[0]}"]).stdout.strip() == ""
    left = proc.run([engine.cli, "image", "ls", "-q", "--filter", f"reference={prefix}/*"])
    assert left.stdout.strip() == ""


def test_build_args_and_target_reach_the_build(engine: Engine, tmp_path: Path) -> None:
    folder = _write(
        tmp_path / "args",
        {
            "Dockerfile": (
                "FROM python:3.13-slim AS serve\nARG MSG=unset\nWORKDIR /srv\n"
                'RUN echo "$MSG" > "/srv/$MSG.txt"\nEXPOSE 8000\n'
                'CMD ["python", "-m", "http.server", "8000"]\n'
                "FROM serve AS broken\n"
                'CMD ["python", "-c", "raise SystemExit(9)"]\n'
            )
        },
    )
    base = [
        "compare",
        str(folder),
        "--format",
        "json",
        "--no-warm",
        "--smoke-path",
        "/hello.txt",
        "--smoke-timeout",
        "30",
    ]
    with_both = run_cli(*base, "--build-arg", "MSG=hello", "--target", "serve")
    assert with_both.returncode == 0, with_both.stderr[-1500:]
    assert json.loads(with_both.stdout)["variants"][0]["smoke"]["ok"] is True
    # Without the target, the last stage is built and its container exits.
    without_target = run_cli(*base, "--build-arg", "MSG=hello")
    assert without_target.returncode == 1
    assert "container exited (9)" in json.loads(without_target.stdout)["variants"][0]["error"]
    # Without the build argument, /hello.txt does not exist: 404 is no good answer.
    without_arg = run_cli(*base, "--target", "serve", "--smoke-timeout", "5")
    assert without_arg.returncode == 1
    assert "last status: 404" in json.loads(without_arg.stdout)["variants"][0]["error"]
