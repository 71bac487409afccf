"""The demo app, on SQLite and on a real PostgreSQL server: behaviour, hostile input, outages."""

from __future__ import annotations

import http.client
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.apphttp import (
    chunked_body,
    declared_body,
    dev_server,
    post_message,
    request,
    wait_until,
)
from tests.conftest import DEMO, Postgres, PostgresServer, free_port

sys.path.insert(0, str(DEMO))
import app as demo_app

MAX_BODY = 64 * 1024


def _fresh_postgres(url: str) -> None:
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS messages, counters")
    conn.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def application(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Flask:
    monkeypatch.setenv("IMAGE_VARIANT", "test-variant")
    if request.param == "sqlite":
        return demo_app.create_app(database_url="", sqlite_path=str(tmp_path / "g.db"))
    server: Postgres = request.getfixturevalue("postgres")
    _fresh_postgres(server.url)
    return demo_app.create_app(database_url=server.url)


@pytest.fixture
def client(application: Flask) -> FlaskClient:
    return application.test_client()


@pytest.fixture(autouse=True)
def no_error_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Whatever a test sends, the app logs no error and no traceback."""
    caplog.set_level(logging.INFO)
    yield
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not errors, [r.getMessage() for r in errors]


def _outage_lines(caplog: pytest.LogCaptureFixture, words: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if words in r.getMessage()]


# --- behaviour ---------------------------------------------------------------------------------


def test_index_shows_variant_python_backend_and_counts_visits(client: FlaskClient) -> None:
    first = client.get("/").get_data(as_text=True)
    second = client.get("/").get_data(as_text=True)
    assert "test-variant" in first
    assert f"Python {sys.version_info.major}.{sys.version_info.minor}" in first
    assert ("sqlite" in first) or ("postgresql" in first)
    assert "Visits: 1" in first
    assert "Visits: 2" in second


def test_health_and_readiness(client: FlaskClient) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json()["status"] == "ready"


def test_messages_round_trip_newest_first(client: FlaskClient) -> None:
    for text in ("first", "  second  "):
        created = client.post("/api/messages", json={"text": text})
        assert created.status_code == 201
    listed = client.get("/api/messages").get_json()["messages"]
    assert [m["text"] for m in listed] == ["second", "first"]
    assert all(isinstance(m["id"], int) and m["created_at"] for m in listed)
    assert len(client.get("/api/messages?limit=1").get_json()["messages"]) == 1


def test_text_is_stored_verbatim_not_as_sql(client: FlaskClient) -> None:
    hostile = "'); DROP TABLE messages; --"
    assert client.post("/api/messages", json={"text": hostile}).status_code == 201
    assert client.get("/api/messages").get_json()["messages"][0]["text"] == hostile


def test_characters_outside_the_bmp_survive_both_ways(client: FlaskClient) -> None:
    # A surrogate pair in JSON is one character (U+1F600), not a lone surrogate.
    raw = '{"text": "\\ud83d\\ude00 \U0010ffff"}'.encode()
    assert (
        client.post("/api/messages", data=raw, content_type="application/json").status_code == 201
    )
    assert client.get("/api/messages").get_json()["messages"][0]["text"] == "\U0001f600 \U0010ffff"


@pytest.mark.parametrize(
    ("body", "kwargs"),
    [
        ("not json", {"data": "not json", "content_type": "application/json"}),
        ("not utf-8", {"data": b'{"text": "\xff"}', "content_type": "application/json"}),
        ("not declared json", {"data": '{"text": "hi"}', "content_type": "text/plain"}),
        ("list", {"json": ["text"]}),
        ("missing", {"json": {}}),
        ("number", {"json": {"text": 5}}),
        ("empty", {"json": {"text": "   "}}),
        ("too long", {"json": {"text": "x" * 501}}),
    ],
)
def test_bad_messages_get_400_with_json_error(
    client: FlaskClient, body: str, kwargs: dict[str, object]
) -> None:
    response = client.post("/api/messages", **kwargs)
    assert response.status_code == 400, body
    assert "error" in response.get_json()


def test_longest_allowed_text_is_accepted(client: FlaskClient) -> None:
    assert client.post("/api/messages", json={"text": "y" * 500}).status_code == 201


def test_unknown_path_and_method_answer_json(client: FlaskClient) -> None:
    assert client.get("/nope").status_code == 404
    assert "error" in client.get("/nope").get_json()
    assert client.delete("/api/messages").status_code == 405


# --- hostile input: the same answer on both backends, never a 500 ------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b'{"text": "\\ud800"}',  # a lone high surrogate
        b'{"text": "a\\udfffb"}',  # a lone low surrogate
        b'{"text": "\\ude00\\ud83d"}',  # a pair the wrong way round
        b'{"text": "a\\u0000b"}',  # NUL: PostgreSQL cannot store it, so neither backend does
        b'{"text": "\\u0000"}',
    ],
    ids=["high-surrogate", "low-surrogate", "reversed-pair", "nul-inside", "only-nul"],
)
def test_text_a_database_cannot_store_gets_400_and_stores_nothing(
    client: FlaskClient, raw: bytes
) -> None:
    response = client.post("/api/messages", data=raw, content_type="application/json")
    assert response.status_code == 400
    assert "error" in response.get_json()
    assert client.get("/api/messages").get_json()["messages"] == []


@pytest.mark.parametrize(
    "limit",
    [
        *("0", "101", "abc", "-1", "\u00b2", "\u0663", "\uff15", "1\u00b2", "\uff15\uff10"),
        *("", "+5", " 5", "5 ", "5\n", "5.0", "1e2", "0x10", "\ufffd", "9" * 5000),
    ],
)
def test_bad_limit_gets_400(client: FlaskClient, limit: str) -> None:
    response = client.get("/api/messages", query_string=f"limit={quote(limit)}")
    assert response.status_code == 400
    assert "limit" in response.get_json()["error"]


@pytest.mark.parametrize("query", ["limit=%FF", "limit=%00", "limit=5%00", "limit=%C2%B2"])
def test_undecodable_limit_gets_400(client: FlaskClient, query: str) -> None:
    assert client.get(f"/api/messages?{query}").status_code == 400


@pytest.mark.parametrize(("limit", "count"), [("1", 1), ("007", 3), ("100", 3)])
def test_ascii_limits_are_accepted(client: FlaskClient, limit: str, count: int) -> None:
    for text in ("a", "b", "c"):
        client.post("/api/messages", json={"text": text})
    response = client.get(f"/api/messages?limit={limit}")
    assert response.status_code == 200
    assert len(response.get_json()["messages"]) == count


@pytest.mark.parametrize(
    "raw",
    [
        b"[" * 30_000 + b"]" * 30_000,
        b'{"a":' * 10_000 + b"1" + b"}" * 10_000,
        b'{"text": ' + b"[" * 30_000 + b"]" * 30_000 + b"}",
    ],
    ids=["arrays", "objects", "text-of-arrays"],
)
def test_json_nested_beyond_the_parser_gets_400(client: FlaskClient, raw: bytes) -> None:
    assert len(raw) <= MAX_BODY
    response = client.post("/api/messages", data=raw, content_type="application/json")
    assert response.status_code == 400
    assert "error" in response.get_json()


def test_json_nested_100000_deep_is_refused_without_recursion_error(
    application: Flask, client: FlaskClient
) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    # Over the size limit, so the parser never sees it...
    assert (
        client.post("/api/messages", data=deep, content_type="application/json").status_code == 413
    )
    # ...and with the limit lifted, the parser refuses it without a RecursionError.
    application.config["MAX_CONTENT_LENGTH"] = None
    response = client.post("/api/messages", data=deep, content_type="application/json")
    assert response.status_code == 400


def _padded_message(size: int) -> bytes:
    """A valid message whose JSON body is exactly SIZE bytes."""
    skeleton = b'{"text": "padded", "pad": ""}'
    return skeleton[:-2] + b"x" * (size - len(skeleton)) + b'"}'


def test_a_body_of_64_kb_is_accepted_and_one_byte_more_gets_413(client: FlaskClient) -> None:
    limit = _padded_message(MAX_BODY)
    assert len(limit) == MAX_BODY
    accepted = client.post("/api/messages", data=limit, content_type="application/json")
    assert accepted.status_code == 201
    over = client.post(
        "/api/messages", data=_padded_message(MAX_BODY + 1), content_type="application/json"
    )
    assert over.status_code == 413
    assert "error" in over.get_json()


@pytest.mark.parametrize("path", ["/api/messages", "/", "/healthz", "/nope"])
def test_dev_server_answers_413_without_reading_a_large_body(application: Flask, path: str) -> None:
    with dev_server(application) as port:
        # 64 MB announced, none sent: waiting for the body would time out instead.
        answer = declared_body(port, path, 64 * 1024 * 1024)
    assert answer.status == 413
    assert "error" in answer.json()


def test_dev_server_bounds_a_chunked_body(application: Flask) -> None:
    with dev_server(application) as port:
        answer = chunked_body(port, "/api/messages", b"[" * (MAX_BODY + 8192), finish=False)
        small = chunked_body(port, "/api/messages", json.dumps({"text": "chunked"}).encode())
        at_limit = chunked_body(port, "/api/messages", _padded_message(MAX_BODY))
        over = chunked_body(port, "/api/messages", _padded_message(MAX_BODY + 1))
    assert answer.status == 413
    assert "error" in answer.json()
    assert small.status == 201
    assert small.json()["text"] == "chunked"
    assert at_limit.status == 201
    assert over.status == 413


def test_both_backends_accept_and_refuse_the_same_text(
    postgres: Postgres, tmp_path_factory: pytest.TempPathFactory
) -> None:
    _fresh_postgres(postgres.url)
    sqlite_path = tmp_path_factory.mktemp("differential") / "g.db"
    clients = {
        "sqlite": demo_app.create_app(database_url="", sqlite_path=str(sqlite_path)).test_client(),
        "postgresql": demo_app.create_app(database_url=postgres.url).test_client(),
    }
    odd = st.sampled_from(["\x00", "\ud800", "\udfff", "\ufeff", "\u2028", "\x1c", " ", "\t"])
    alphabet = st.one_of(st.characters(), odd)

    @settings(max_examples=150, deadline=None)
    @given(text=st.text(alphabet, max_size=12))
    def check(text: str) -> None:
        raw = json.dumps({"text": text}).encode()  # ASCII: lone surrogates travel as escapes
        answers = {
            name: c.post("/api/messages", data=raw, content_type="application/json")
            for name, c in clients.items()
        }
        statuses = {name: a.status_code for name, a in answers.items()}
        assert set(statuses.values()) <= {201, 400}, statuses
        assert len(set(statuses.values())) == 1, (text, statuses)
        if statuses["sqlite"] == 201:
            stored = {name: a.get_json()["text"] for name, a in answers.items()}
            assert stored == {"sqlite": text.strip(), "postgresql": text.strip()}

    check()


# --- the database away -------------------------------------------------------------------------


def _assert_unavailable(client: FlaskClient) -> None:
    for method, path, body in [
        ("GET", "/", None),
        ("GET", "/api/messages", None),
        ("POST", "/api/messages", {"text": "lost?"}),
    ]:
        response = client.open(path, method=method, json=body)
        assert response.status_code == 503, (method, path)
        assert response.headers["Retry-After"] == str(demo_app.RETRY_AFTER_SECONDS)
        assert "unavailable" in response.get_json()["error"]
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 503


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_unreachable_database_gives_503_and_one_log_line(
    backend: str, tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo_app, "CONNECT_RETRY_SECONDS", 0.01)
    if backend == "sqlite":
        application = demo_app.create_app(database_url="", sqlite_path=str(tmp_path / "no/g.db"))
    else:  # nothing listens on port 1
        application = demo_app.create_app(database_url="postgresql://nobody@127.0.0.1:1/none")
    client = application.test_client()
    for _ in range(3):
        _assert_unavailable(client)
    assert len(_outage_lines(caplog, "database unavailable")) == 1


def test_postgres_readiness_fails_on_a_closed_port() -> None:
    application = demo_app.create_app(database_url="postgresql://nobody@127.0.0.1:1/none")
    response = application.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"


def test_an_outage_ends_by_itself_with_one_line_saying_so(
    own_postgres: PostgresServer, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo_app, "CONNECT_RETRY_SECONDS", 0.01)
    client = demo_app.create_app(database_url=own_postgres.url).test_client()
    assert client.post("/api/messages", json={"text": "before"}).status_code == 201
    own_postgres.stop()
    _assert_unavailable(client)
    _assert_unavailable(client)
    own_postgres.start()
    assert client.get("/readyz").status_code == 200
    assert client.post("/api/messages", json={"text": "after"}).status_code == 201
    texts = [m["text"] for m in client.get("/api/messages").get_json()["messages"]]
    assert texts == ["after", "before"]
    assert len(_outage_lines(caplog, "database unavailable")) == 1
    back = _outage_lines(caplog, "database available again")
    assert len(back) == 1
    assert "8 requests refused" in back[0]  # 2 x (3 data requests + /readyz)


def test_a_failed_connect_is_retried_once_so_a_write_survives_a_restart(
    own_postgres: PostgresServer, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A long pause, so that the server is surely up again before the one retry.
    monkeypatch.setattr(demo_app, "CONNECT_RETRY_SECONDS", 5.0)
    application = demo_app.create_app(database_url=own_postgres.url)
    assert application.test_client().get("/readyz").status_code == 200
    own_postgres.stop()
    with dev_server(application) as port:
        answers: list[int] = []
        writer = threading.Thread(target=lambda: answers.append(post_message(port, "kept").status))
        started = time.monotonic()
        writer.start()
        time.sleep(0.5)  # a refused connect takes milliseconds: the request is in its pause
        own_postgres.start()
        writer.join(timeout=30)
        waited = time.monotonic() - started
        listed = request(port, "GET", "/api/messages").json()["messages"]
    assert answers == [201]
    # It waited the pause, so its first connect had failed: the write is the retry's.
    assert waited >= demo_app.CONNECT_RETRY_SECONDS
    assert [m["text"] for m in listed] == ["kept"]
    assert not _outage_lines(caplog, "database unavailable")


@contextmanager
def refusing_database() -> Iterator[tuple[str, list[int]]]:
    """A port on 127.0.0.1 that accepts connections and closes them at once, counting them: a
    database URL whose every connect fails, and how many connects were tried."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    accepted = [0]
    done = threading.Event()

    def serve() -> None:
        while not done.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            accepted[0] += 1
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    port = listener.getsockname()[1]
    try:
        # No SSL or GSS negotiation: libpq would try again without them, a second connect.
        yield f"postgresql://u@127.0.0.1:{port}/db?sslmode=disable&gssencmode=disable", accepted
    finally:
        done.set()
        thread.join(timeout=5)
        listener.close()


def test_a_failed_connect_is_tried_once_more_but_not_for_the_probe(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(demo_app, "CONNECT_RETRY_SECONDS", 0.01)
    with refusing_database() as (url, accepted):
        client = demo_app.create_app(database_url=url).test_client()
        assert client.get("/readyz").status_code == 503
        assert accepted == [1]
        assert client.post("/api/messages", json={"text": "hi"}).status_code == 503
        assert accepted == [3]


def test_a_long_outage_is_no_restart_and_requests_fail_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(demo_app, "CONNECT_RETRY_SECONDS", 0.01)
    monkeypatch.setattr(demo_app, "RETRY_WINDOW_SECONDS", 0.0)  # every outage is long
    with refusing_database() as (url, accepted):
        client = demo_app.create_app(database_url=url).test_client()
        for _ in range(3):
            assert client.post("/api/messages", json={"text": "hi"}).status_code == 503
        assert accepted == [3]


def test_readiness_fails_when_database_is_unreachable(tmp_path: Path) -> None:
    missing_dir = tmp_path / "no" / "such" / "dir" / "g.db"
    application = demo_app.create_app(database_url="", sqlite_path=str(missing_dir))
    response = application.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"


def test_first_requests_of_many_workers_at_once_create_the_schema_without_error(
    postgres: Postgres,
) -> None:
    # Concurrent CREATE TABLE IF NOT EXISTS collide in PostgreSQL's catalog unless serialised.
    _fresh_postgres(postgres.url)
    workers = [demo_app.create_app(database_url=postgres.url).test_client() for _ in range(8)]
    start = threading.Barrier(len(workers))
    statuses: list[int] = []

    def first_request(client: FlaskClient) -> None:
        start.wait()
        statuses.append(client.post("/api/messages", json={"text": "first"}).status_code)

    threads = [threading.Thread(target=first_request, args=(c,)) for c in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [201] * len(workers)


# --- python app.py -----------------------------------------------------------------------------


@contextmanager
def app_py(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], int]]:
    """`python app.py` on SQLite, listening on 127.0.0.1: the process and its port."""
    port = free_port()
    env = {
        **os.environ,
        "LISTEN_ADDRESS": "127.0.0.1",
        "PORT": str(port),
        "SQLITE_PATH": str(tmp_path / "g.db"),
    }
    env.pop("DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "app.py"], cwd=DEMO, env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        wait_until(port, "/readyz", 200)
        yield server, port
    finally:
        if server.poll() is None:
            server.kill()
        server.communicate()


def test_python_app_py_stops_with_exit_0_on_sigterm(tmp_path: Path) -> None:
    with app_py(tmp_path) as (server, _port):
        server.send_signal(signal.SIGTERM)
        _, stderr = server.communicate(timeout=10)
    # Without a handler SIGTERM kills the process (-15 here; ignored altogether as PID 1).
    assert server.returncode == 0, stderr
    assert "Traceback" not in stderr


def test_python_app_py_lets_a_request_in_progress_finish_after_sigterm(tmp_path: Path) -> None:
    body = json.dumps({"text": "in flight"}).encode()
    with app_py(tmp_path) as (server, port):
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(
                b"POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/json\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body[:5]
            )
            time.sleep(0.2)  # the server is now reading the body, in a request thread
            server.send_signal(signal.SIGTERM)
            time.sleep(0.2)  # well within its grace period for requests in progress
            sock.sendall(body[5:])
            response = http.client.HTTPResponse(sock, method="POST")
            response.begin()
            assert response.status == 201
        server.communicate(timeout=10)
    assert server.returncode == 0
