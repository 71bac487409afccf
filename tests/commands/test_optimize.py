"""`slimstage optimize` as a user runs it: refusals without an engine, and on the real engine the
demo rewritten, verified, measured against the hand-written variants and run against a real
PostgreSQL server."""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from slimstage.compare.run import VariantResult
from slimstage.engine import Engine, RunSpec
from slimstage.lint.runner import lint_file
from tests.conftest import DEMO, Postgres, Sweeper, free_port, run_cli

SLACK = 1.05


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("FROM debian:trixie-slim\nRUN apt-get install -y gcc\n", 8, "not a Python image"),
        ("FROM python:3.13-slim\nONBUILD COPY . /app\n", 8, "ONBUILD"),
        ("FROM $BASE\nRUN pip install flask\n", 8, "cannot identify the base image"),
        ("FROM python:3.13-slim\nRUN pip install x\nBOGUS y\n", 2, "unknown instruction"),
        ((DEMO / "Dockerfile.multistage-venv").read_text(), 9, "already optimal"),
    ],
)
def test_refusals_are_one_line_with_their_exit_code_and_no_file(
    tmp_path: Path, text: str, code: int, message: str
) -> None:
    source = tmp_path / "Dockerfile"
    source.write_text(text)
    result = run_cli("optimize", str(source))
    assert result.returncode == code, result.stderr
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
    assert not (tmp_path / "Dockerfile.optimized").exists()


def test_a_missing_file_or_context_is_a_usage_error(tmp_path: Path) -> None:
    assert run_cli("optimize", str(tmp_path / "nope")).returncode == 2
    (tmp_path / "Dockerfile").write_text("FROM python:3.13-slim\nRUN pip install x\n")
    result = run_cli("optimize", str(tmp_path / "Dockerfile"), "--context", str(tmp_path / "x"))
    assert result.returncode == 2
    assert "not a folder" in result.stderr


def test_env_flags_must_be_key_value(tmp_path: Path) -> None:
    result = run_cli("optimize", "--env", "NOEQUALS")
    assert result.returncode == 2
    assert "KEY=VALUE" in result.stderr


def _request(url: str, body: dict[str, str] | None = None) -> dict[str, object]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"}
    with urllib.request.urlopen(urllib.request.Request(url, data, headers), timeout=5) as answer:
        result: dict[str, object] = json.loads(answer.read())
        return result


def _stores_a_message_in_postgres(
    engine: Engine, image: str, pg: Postgres, labels: dict[str, str]
) -> None:
    """The app in IMAGE writes and reads a message through libpq (host network: the server
    listens on 127.0.0.1)."""
    port = free_port()
    spec = RunSpec(
        image,
        labels=labels,
        network="host",
        env={"DATABASE_URL": pg.url, "PORT": str(port)},
    )
    base = f"http://127.0.0.1:{port}"
    with engine.container(spec) as container:
        deadline = time.monotonic() + 30
        while True:
            try:
                _request(f"{base}/healthz")
                break
            except OSError:
                assert time.monotonic() < deadline, container.logs()
                time.sleep(0.2)
        text = f"through libpq {port}"
        _request(f"{base}/api/messages", {"text": text})
        listed = _request(f"{base}/api/messages")["messages"]
        assert isinstance(listed, list)
        assert text in [m["text"] for m in listed]
        assert _request(f"{base}/readyz")["status"] == "ready"


def _optimize_demo(tmp_path: Path, *flags: str) -> tuple[dict[str, Any], Path]:
    out = tmp_path / "Dockerfile.optimized"
    result = run_cli(
        "optimize", str(DEMO / "Dockerfile"), "-o", str(out), "--verify", "--format", "json", *flags
    )
    assert result.returncode == 0, result.stderr[-3000:]
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc, out


def _size(result: VariantResult) -> int:
    assert result.size_bytes is not None, result.error
    return result.size_bytes


@pytest.mark.engine
@pytest.mark.parametrize(
    ("flags", "variant"), [((), "multistage-venv"), (("--minimal",), "multistage-runtime")]
)
def test_the_demo_optimized_is_as_small_as_the_hand_written_variant_and_works(
    engine: Engine,
    sweeper: Sweeper,
    postgres: Postgres,
    demo_comparison: dict[str, VariantResult],
    tmp_path: Path,
    flags: tuple[str, ...],
    variant: str,
) -> None:
    doc, out = _optimize_demo(tmp_path, *flags)
    verified = doc["verify"]
    assert isinstance(verified, dict)
    assert verified["ok"] is True
    assert verified["optimized"]["size_bytes"] <= _size(demo_comparison[variant]) * SLACK
    found = {p["package"] for p in doc["runtime_packages"]}
    # libpq5 for psycopg2; with --minimal also libc6, which the runtime base has only in part
    # (MarkupSafe's speedups need libpthread.so.0).
    assert found == ({"libpq5", "libc6"} if flags else {"libpq5"})
    assert {m["package"] for m in doc["moved_to_builder"]} == {"build-essential", "libpq-dev"}
    (tmp_path / ".dockerignore").write_text(".git\n")
    serious = [
        f
        for f in lint_file(out)
        if f.code[:3] in ("SS1", "SS2") and f.severity.name in ("ERROR", "WARNING")
    ]
    assert serious == []
    built = engine.build(
        dockerfile=out, context=DEMO, tag=sweeper.tag("optimized-demo"), labels=sweeper.labels
    )
    assert built.image_id
    _stores_a_message_in_postgres(engine, sweeper.tag("optimized-demo"), postgres, sweeper.labels)
