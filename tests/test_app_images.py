"""The demo app in its images, on the real engine: clean starts, stops, size limits, outages.

Containers are reached only on 127.0.0.1: published ports, or the host network when the app
must reach the test's own PostgreSQL server on the loopback.
"""

from __future__ import annotations

import http.client
import json
import math
import re
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg2
import pytest

from slimstage import proc
from slimstage.engine import Engine, RunningContainer, RunSpec
from tests.apphttp import (
    Answer,
    chunked_body,
    declared_body,
    post_message,
    request,
    wait_until,
)
from tests.conftest import DEMO, PostgresServer, Sweeper, free_port

sys.path.insert(0, str(DEMO))
import app as demo_app

pytestmark = pytest.mark.engine

MAX_BODY = 64 * 1024
#: Every image that builds here, and how many processes serve requests in it: the
#: development server in the single-stage image, two gunicorn workers in the others.
WORKERS = {"Dockerfile": 1, "multistage-venv": 2, "multistage-runtime": 2}
VARIANTS = list(WORKERS)
GUNICORN = ("multistage-venv", "multistage-runtime")
ERROR_LINE = re.compile(r"error|traceback|exception", re.IGNORECASE)


@dataclass(frozen=True)
class Running:
    box: RunningContainer
    port: int

    @property
    def container(self) -> str:
        return self.box.id


def _loopback_command(engine: Engine, image: str, port: int) -> tuple[list[str], dict[str, str]]:
    """The image's own CMD, listening on 127.0.0.1:PORT instead of 0.0.0.0:5000."""
    config = (engine.inspect_image(image) or {}).get("Config") or {}
    command = [str(word) for word in config.get("Cmd") or []]
    if "--bind" in command:  # gunicorn
        command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
        return command, {}
    return command, {"LISTEN_ADDRESS": "127.0.0.1", "PORT": str(port)}  # python app.py


@contextmanager
def run_app(
    engine: Engine, sweeper: Sweeper, image: str, *, database_url: str | None = None
) -> Iterator[Running]:
    """Run IMAGE and wait until /healthz answers; remove the container afterwards.

    Without DATABASE_URL: its own command on SQLite, port 5000 published on 127.0.0.1. With it:
    on the host network, so that it reaches the test's PostgreSQL on 127.0.0.1, listening on
    127.0.0.1 only.
    """
    if database_url is None:
        spec = RunSpec(image, labels=sweeper.labels, publish=["127.0.0.1::5000"])
    else:
        port = free_port()
        command, env = _loopback_command(engine, image, port)
        env["DATABASE_URL"] = database_url
        spec = RunSpec(image, labels=sweeper.labels, network="host", env=env, command=command)
    with engine.container(spec) as box:
        if database_url is None:
            port = box.host_port("5000/tcp")
        try:
            wait_until(port, "/healthz", 200)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{_log(box)}") from None
        yield Running(box, port)


def _log(box: RunningContainer) -> str:
    return box.logs(tail=2000)


def _wait_for_log(box: RunningContainer, text: str, *, timeout: float = 10) -> str:
    """The container's log once it has a line with TEXT (or after TIMEOUT, as it is then)."""
    deadline = time.monotonic() + timeout
    log = _log(box)
    while text not in log and time.monotonic() < deadline:
        time.sleep(0.1)
        log = _log(box)
    return log


def _error_lines(log: str) -> list[str]:
    return [line for line in log.splitlines() if ERROR_LINE.search(line)]


# --- start, stop, and what the real servers refuse ---------------------------------------------


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_fresh_container_starts_without_errors_and_refuses_hostile_requests(
    variant: str, demo_images: dict[str, str], engine: Engine, sweeper: Sweeper
) -> None:
    with run_app(engine, sweeper, demo_images[variant]) as app:
        assert request(app.port, "GET", "/").status == 200
        if variant in GUNICORN:  # gunicorn makes its control socket in the user's home
            start_log = _wait_for_log(app.box, "Control socket")
            assert "Control socket listening at" in start_log
        start_log = _log(app.box)
        assert not _error_lines(start_log), start_log

        # 64 MB announced and none sent: answered at once, so the body was never waited for.
        assert declared_body(app.port, "/api/messages", 64 * 1024 * 1024).status == 413
        endless = chunked_body(app.port, "/api/messages", b"[" * (MAX_BODY + 8192), finish=False)
        assert endless.status == 413
        small = json.dumps({"text": "chunked"}).encode()
        assert chunked_body(app.port, "/api/messages", small).status == 201
        for raw in (b'{"text": "\\ud800"}', b'{"text": "a\\u0000b"}', b"[" * 30_000):
            assert request(app.port, "POST", "/api/messages", raw).status == 400, raw[:20]
        # Superscript 2, Arabic-Indic 3, full-width 5: digits to str.isdigit(), not here.
        for limit in ("%C2%B2", "%D9%A3", "%EF%BC%95"):
            assert request(app.port, "GET", f"/api/messages?limit={limit}").status == 400
        log = _log(app.box)
    assert not _error_lines(log), log


@pytest.mark.parametrize("variant", VARIANTS)
def test_docker_stop_under_load_ends_the_app_cleanly(
    variant: str, demo_images: dict[str, str], engine: Engine, sweeper: Sweeper
) -> None:
    with run_app(engine, sweeper, demo_images[variant]) as app:
        load = WriteLoad(app.port, writers=2, limit=1000)
        with load.running():
            time.sleep(0.5)
            # -t 2: a process that has not exited 2 s after SIGTERM is killed (exit 137).
            proc.run([engine.cli, "stop", "-t", "2", app.container])
        state = app.box.state()
    assert load.statuses[201] > 0
    assert state["OOMKilled"] is False
    assert state["ExitCode"] == 0, state


# --- PostgreSQL away ---------------------------------------------------------------------------


class WriteLoad:
    """Writer threads posting numbered messages until stopped or LIMIT posts are made."""

    def __init__(self, port: int, *, writers: int, limit: int) -> None:
        self.port = port
        self.writers = writers
        self.limit = limit
        self.acknowledged: list[tuple[int, str]] = []  # (id, text) of every 201
        self.statuses: Counter[int] = Counter()  # 0: no HTTP answer at all
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._sent = 0

    def _write(self, writer: int) -> None:
        for n in range(self.limit):
            with self._lock:
                if self._stop.is_set() or self._sent >= self.limit:
                    return
                self._sent += 1
            text = f"writer {writer} message {n}"
            try:
                answer: Answer | None = post_message(self.port, text, timeout=15)
            except (OSError, http.client.HTTPException):
                answer = None
            with self._lock:
                self.statuses[answer.status if answer else 0] += 1
                if answer and answer.status == 201:
                    self.acknowledged.append((answer.json()["id"], text))

    @contextmanager
    def running(self) -> Iterator[WriteLoad]:
        threads = [threading.Thread(target=self._write, args=(w,)) for w in range(self.writers)]
        for thread in threads:
            thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            for thread in threads:
                thread.join(timeout=60)

    @property
    def failed(self) -> int:
        return sum(count for status, count in self.statuses.items() if status != 201)


def _stored(url: str) -> list[tuple[int, str]]:
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT id, text FROM messages")
        rows = [(int(r[0]), str(r[1])) for r in cur.fetchall()]
    conn.close()
    return rows


@pytest.mark.parametrize("variant", VARIANTS)
def test_postgres_restart_under_write_load_loses_no_acknowledged_write(
    variant: str,
    demo_images: dict[str, str],
    engine: Engine,
    sweeper: Sweeper,
    own_postgres: PostgresServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    image = demo_images[variant]
    with run_app(engine, sweeper, image, database_url=own_postgres.url) as app:
        wait_until(app.port, "/readyz", 200)
        load = WriteLoad(app.port, writers=4, limit=3000)
        with load.running():
            time.sleep(1.0)
            started = time.monotonic()
            own_postgres.restart()
            restart_seconds = time.monotonic() - started
            time.sleep(1.5)
        # It answers again by itself, without a container restart.
        wait_until(app.port, "/readyz", 200)
        assert post_message(app.port, "after the restart").status == 201
        log = _log(app.box)
    stored = _stored(own_postgres.url)
    texts = Counter(text for _, text in stored)
    assert not [t for t, n in texts.items() if n > 1], "a message was stored twice"
    assert set(load.acknowledged) <= set(stored), "an acknowledged message is missing"
    assert len(load.acknowledged) > 100
    assert "Traceback" not in log
    with capsys.disabled():
        print(
            f"\n{variant}: a {restart_seconds:.1f}s PostgreSQL restart under {load.writers}"
            f" writers cost {load.failed} of {sum(load.statuses.values())} requests"
            f" ({dict(load.statuses)})"
        )
    # What may fail: per writer, the request whose statement was out when the server went, and
    # one per retry pause the outage outlasts (each failed request has waited one pause).
    pauses = math.ceil(restart_seconds / demo_app.CONNECT_RETRY_SECONDS)
    assert load.failed <= load.writers * (2 + pauses), dict(load.statuses)


@pytest.mark.parametrize("variant", VARIANTS)
def test_postgres_stopped_data_endpoints_answer_503_and_health_stays_up(
    variant: str,
    demo_images: dict[str, str],
    engine: Engine,
    sweeper: Sweeper,
    own_postgres: PostgresServer,
) -> None:
    with run_app(engine, sweeper, demo_images[variant], database_url=own_postgres.url) as app:
        assert post_message(app.port, "before").status == 201
        own_postgres.stop()
        for _ in range(2):  # a data request pauses before its one retry: a second each
            assert request(app.port, "GET", "/healthz").status == 200
            assert request(app.port, "GET", "/readyz").status == 503
            for answer in (
                request(app.port, "GET", "/"),
                request(app.port, "GET", "/api/messages"),
                post_message(app.port, "while stopped"),
            ):
                assert answer.status == 503
                assert answer.headers["retry-after"].isdigit()
                assert "unavailable" in answer.json()["error"]
        own_postgres.start()
        wait_until(app.port, "/readyz", 200)
        assert post_message(app.port, "after").status == 201
        log = _log(app.box)
    assert "Traceback" not in log
    # One line per outage and serving process (gunicorn's workers each notice it), not one
    # per refused request (8 here).
    went = [line for line in log.splitlines() if "database unavailable" in line]
    back = [line for line in log.splitlines() if "database available again" in line]
    assert 1 <= len(went) <= WORKERS[variant], log
    # A process says the database is back when it next reaches it. With several workers, the
    # requests after the outage may all land on one that never saw it: then none says so.
    assert len(back) <= len(went), log
    if WORKERS[variant] == 1:
        assert len(back) == 1, log
