"""Guestbook: the demo service every Dockerfile in this folder packages.

Storage is SQLite by default (a file at $SQLITE_PATH) and PostgreSQL when $DATABASE_URL is set,
through psycopg2, which is compiled against libpq: that is why the images need a compiler at
build time and libpq at run time. `python app.py` runs the development server (the seed's CMD);
production images run `gunicorn "app:create_app()"`.

Both backends accept and refuse the same input; bad input is a 400 and a body over 64 KB a 413,
never a 500. While the database is unreachable the data endpoints answer 503 with Retry-After,
and the log gets one line when an outage starts and one when it ends.
"""

from __future__ import annotations

import html
import json
import logging
import os
import platform
import re
import signal
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any, Protocol, TypeVar

from flask import Flask, Response, abort, jsonify, request
from werkzeug.exceptions import HTTPException

MAX_TEXT = 500
MAX_LIMIT = 100
#: Largest request body: a larger Content-Length gets 413 before the body is read, a chunked
#: body 413 as soon as it passes the limit.
MAX_BODY = 64 * 1024
#: ASCII digits only: str.isdigit() and int() also take superscript, Arabic-Indic and
#: full-width digits (U+00B2, U+0663, U+FF15).
LIMIT_PATTERN = re.compile(r"[0-9]{1,3}")
#: What 503 answers ask clients to wait: about one PostgreSQL restart.
RETRY_AFTER_SECONDS = 2
#: A failed connect is retried once after this pause; a restart usually fits in it...
CONNECT_RETRY_SECONDS = 1.0
#: ...but only this soon after the last good connect: a longer outage is no restart, and a
#: request that pauses first holds a worker that /healthz may need.
RETRY_WINDOW_SECONDS = 10.0
CONNECT_TIMEOUT_SECONDS = 3  # libpq's minimum is 2
#: On SIGTERM the development server waits this long for requests in progress.
STOP_GRACE_SECONDS = 1.0

T = TypeVar("T")


class DatabaseUnavailable(Exception):
    """The database could not be reached, or the connection broke during a statement."""


class Store(Protocol):
    backend: str

    def init_schema(self) -> None: ...
    def ping(self) -> None: ...
    def count_visit(self) -> int: ...
    def add_message(self, text: str) -> dict[str, Any]: ...
    def list_messages(self, limit: int) -> list[dict[str, Any]]: ...


class SQLiteStore:
    backend = "sqlite"

    def __init__(self, path: str) -> None:
        self.path = path

    @contextmanager
    def _conn(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = sqlite3.connect(self.path, timeout=10)
            try:
                with conn:
                    yield conn
            finally:
                conn.close()
        except sqlite3.OperationalError as exc:  # cannot open the file, locked too long, I/O
            raise DatabaseUnavailable(f"sqlite: {exc}") from None

    def init_schema(self) -> None:
        with self._conn() as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY AUTOINCREMENT,"
                " text TEXT NOT NULL, created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)"
            )
            conn.execute(
                "CREATE TABLE IF NOT EXISTS counters"
                " (name TEXT PRIMARY KEY, value INTEGER NOT NULL)"
            )

    def ping(self) -> None:
        with self._conn() as conn:
            conn.execute("SELECT 1").fetchone()

    def count_visit(self) -> int:
        with self._conn() as conn:
            conn.execute(
                "INSERT INTO counters (name, value) VALUES (?, 1)"
                " ON CONFLICT(name) DO UPDATE SET value = value + 1",
                ("visits",),
            )
            row = conn.execute("SELECT value FROM counters WHERE name = ?", ("visits",)).fetchone()
        return int(row[0])

    def add_message(self, text: str) -> dict[str, Any]:
        with self._conn() as conn:
            cur = conn.execute("INSERT INTO messages (text) VALUES (?)", (text,))
            row = conn.execute(
                "SELECT id, text, created_at FROM messages WHERE id = ?", (cur.lastrowid,)
            ).fetchone()
        return {"id": row[0], "text": row[1], "created_at": str(row[2])}

    def list_messages(self, limit: int) -> list[dict[str, Any]]:
        with self._conn() as conn:
            rows = conn.execute(
                "SELECT id, text, created_at FROM messages ORDER BY id DESC LIMIT ?", (limit,)
            ).fetchall()
        return [{"id": r[0], "text": r[1], "created_at": str(r[2])} for r in rows]


class PostgresStore:
    backend = "postgresql"

    def __init__(self, dsn: str) -> None:
        import psycopg2  # only images that talk to PostgreSQL need libpq at run time

        self._psycopg2 = psycopg2
        self.dsn = dsn
        self._last_connected = time.monotonic()

    def _connect(self, *, retry: bool) -> Any:
        """Connect, and after a failure once more after a pause while the outage is young:
        nothing was sent yet, so even a write is safe to retry."""
        try:
            conn = self._psycopg2.connect(self.dsn, connect_timeout=CONNECT_TIMEOUT_SECONDS)
        except self._psycopg2.OperationalError as exc:
            young = time.monotonic() - self._last_connected < RETRY_WINDOW_SECONDS
            if not (retry and young):
                raise DatabaseUnavailable(_first_line(exc)) from None
            time.sleep(CONNECT_RETRY_SECONDS)
            try:
                conn = self._psycopg2.connect(self.dsn, connect_timeout=CONNECT_TIMEOUT_SECONDS)
            except self._psycopg2.OperationalError as again:
                raise DatabaseUnavailable(_first_line(again)) from None
        self._last_connected = time.monotonic()
        return conn

    @contextmanager
    def _cursor(self, *, retry: bool = True) -> Iterator[Any]:
        conn = self._connect(retry=retry)
        try:
            with conn, conn.cursor() as cur:
                yield cur
        except (self._psycopg2.OperationalError, self._psycopg2.InterfaceError) as exc:
            # The statement may have run: not retried, the client decides.
            raise DatabaseUnavailable(_first_line(exc)) from None
        finally:
            conn.close()

    def init_schema(self) -> None:
        with self._cursor() as cur:
            # Concurrent CREATE TABLE IF NOT EXISTS can collide in PostgreSQL's catalog (two
            # gunicorn workers starting under load): one schema change at a time.
            cur.execute("SELECT pg_advisory_xact_lock(20251)")
            cur.execute(
                "CREATE TABLE IF NOT EXISTS messages (id SERIAL PRIMARY KEY, text TEXT NOT NULL,"
                " created_at TIMESTAMPTZ NOT NULL DEFAULT now())"
            )
            cur.execute(
                "CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)"
            )

    def ping(self) -> None:
        with self._cursor(retry=False) as cur:  # a probe answers now, it does not wait
            cur.execute("SELECT 1")
            cur.fetchone()

    def count_visit(self) -> int:
        with self._cursor() as cur:
            cur.execute(
                "INSERT INTO counters (name, value) VALUES (%s, 1)"
                " ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value",
                ("visits",),
            )
            return int(cur.fetchone()[0])

    def add_message(self, text: str) -> dict[str, Any]:
        with self._cursor() as cur:
            cur.execute(
                "INSERT INTO messages (text) VALUES (%s) RETURNING id, text, created_at", (text,)
            )
            row = cur.fetchone()
        return {"id": row[0], "text": row[1], "created_at": row[2].isoformat()}

    def list_messages(self, limit: int) -> list[dict[str, Any]]:
        with self._cursor() as cur:
            cur.execute(
                "SELECT id, text, created_at FROM messages ORDER BY id DESC LIMIT %s", (limit,)
            )
            rows = cur.fetchall()
        return [{"id": r[0], "text": r[1], "created_at": r[2].isoformat()} for r in rows]


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def make_store(database_url: str | None, sqlite_path: str | None) -> Store:
    if database_url:
        return PostgresStore(database_url)
    path = sqlite_path or os.path.join(tempfile.gettempdir(), "guestbook.db")
    return SQLiteStore(path)


class Outage:
    """Whether the database answers, as requests find out: one log line per change."""

    def __init__(self, logger: logging.Logger) -> None:
        self._logger = logger
        self._lock = threading.Lock()
        self._since: float | None = None
        self._refused = 0

    def failed(self, reason: str) -> None:
        with self._lock:
            self._refused += 1
            if self._since is None:
                self._since = time.monotonic()
                self._logger.warning("database unavailable, answering 503: %s", reason)

    def succeeded(self) -> None:
        if self._since is None:  # the common case, without the lock
            return
        with self._lock:
            if self._since is not None:
                seconds = time.monotonic() - self._since
                self._logger.info(
                    "database available again after %.1fs; %d requests refused",
                    seconds,
                    self._refused,
                )
                self._since, self._refused = None, 0


def message_text(payload: object) -> str:
    """The text to store, or abort with 400: the same rules whatever the backend."""
    if not isinstance(payload, dict):
        abort(400, "body must be a JSON object")
    text = payload.get("text")
    if not isinstance(text, str):
        abort(400, "'text' must be a string")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, e.g. "\ud800": no database can store it
        abort(400, "'text' must be valid Unicode (no lone surrogates)")
    if "\x00" in text:  # PostgreSQL cannot store NUL; SQLite could, but the two must agree
        abort(400, "'text' must not contain NUL characters")
    text = text.strip()
    if not 1 <= len(text) <= MAX_TEXT:
        abort(400, f"'text' must be 1 to {MAX_TEXT} characters")
    return text


def read_json() -> object:
    """The request's JSON body; None when it is not JSON or nested too deep to parse."""
    if not request.is_json:
        return None
    data = request.get_data()  # 413 when Content-Length is over the limit
    limit = request.max_content_length
    if request.content_length is None and limit is not None and len(data) >= limit:
        # A streamed (chunked) body is cut at the limit without a word: look for one more byte.
        if request.environ["wsgi.input"].read(1):
            abort(413, f"request body larger than {limit} bytes")
    try:
        return json.loads(data)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the parser goes
        return None


def _error(status: int, message: str) -> tuple[Response, int]:
    return jsonify({"error": message}), status


def create_app(database_url: str | None = None, sqlite_path: str | None = None) -> Flask:
    """Build the app; arguments default to $DATABASE_URL and $SQLITE_PATH."""
    store = make_store(
        database_url if database_url is not None else os.environ.get("DATABASE_URL"),
        sqlite_path if sqlite_path is not None else os.environ.get("SQLITE_PATH"),
    )
    variant = os.environ.get("IMAGE_VARIANT", "unknown")
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY  # also bounds chunked bodies
    outage = Outage(app.logger)
    schema_ready = False

    def db(call: Callable[[], T], *, needs_schema: bool = True) -> T:
        nonlocal schema_ready
        try:
            if needs_schema and not schema_ready:
                store.init_schema()
                schema_ready = True
            result = call()
        except DatabaseUnavailable as exc:
            outage.failed(str(exc))
            raise
        outage.succeeded()
        return result

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[Response, int]:
        return _error(exc.code or 500, exc.description or exc.name)

    @app.errorhandler(DatabaseUnavailable)
    def database_unavailable(_exc: DatabaseUnavailable) -> tuple[Response, int]:
        response, status = _error(503, "database unavailable, retry later")
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response, status

    @app.before_request
    def refuse_large_bodies() -> None:
        # Every endpoint, even those that ignore the body, so the answer never depends on it.
        limit = request.max_content_length
        if limit is not None and (request.content_length or 0) > limit:
            abort(413, f"request body larger than {limit} bytes")

    @app.get("/")
    def index() -> str:
        visits = db(store.count_visit)
        return (
            "<!doctype html><title>Guestbook</title>"
            "<h1>Hello from the multi-stage build demo</h1>"
            f"<p>Image variant: <b>{html.escape(variant)}</b></p>"
            f"<p>Python {html.escape(platform.python_version())},"
            f" database: {html.escape(store.backend)}</p>"
            f"<p>Visits: {visits}</p>"
        )

    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify({"status": "ok"})  # the process answers; the database is /readyz

    @app.get("/readyz")
    def readyz() -> tuple[Response, int]:
        try:
            db(store.ping, needs_schema=False)
        except DatabaseUnavailable:
            return jsonify({"status": "unavailable", "error": "database unavailable"}), 503
        return jsonify({"status": "ready", "database": store.backend}), 200

    @app.post("/api/messages")
    def add_message() -> tuple[Response, int]:
        text = message_text(read_json())
        return jsonify(db(lambda: store.add_message(text))), 201

    @app.get("/api/messages")
    def list_messages() -> tuple[Response, int]:
        raw = request.args.get("limit", "20")
        if not LIMIT_PATTERN.fullmatch(raw) or not 1 <= int(raw) <= MAX_LIMIT:
            return _error(400, f"'limit' must be a whole number from 1 to {MAX_LIMIT}")
        return jsonify({"messages": db(lambda: store.list_messages(int(raw)))}), 200

    app.logger.setLevel(logging.INFO)  # the line saying an outage ended is INFO
    return app


def _stop(_signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(0)


def serve(app: Flask, host: str, port: int) -> None:
    """Run the development server until SIGTERM or Ctrl-C, then let requests in progress end.

    As PID 1 in a container (`CMD ["python", "app.py"]`) a process has no default SIGTERM
    action: without a handler `docker stop` waits its whole grace period, then kills.
    """
    signal.signal(signal.SIGTERM, _stop)
    try:
        app.run(host=host, port=port)
    finally:
        # The listening socket is closed; request threads are daemons that exit would cut off.
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        main = threading.main_thread()
        while time.monotonic() < deadline and any(
            t is not main and t.daemon for t in threading.enumerate()
        ):
            time.sleep(0.02)


if __name__ == "__main__":
    # The development server, as in the seed's `CMD ["python", "app.py"]`.
    serve(
        create_app(),
        os.environ.get("LISTEN_ADDRESS", "0.0.0.0"),
        int(os.environ.get("PORT", "5000")),
    )
