"""Guestbook: the demo service every Dockerfile in this folder packages.

Storage is SQLite by default (a file at $SQLITE_PATH) and PostgreSQL when $DATABASE_URL is set,
through psycopg2, which is compiled against libpq: that is why the images need a compiler at
build time and libpq at run time. `python app.py` runs the development server (the seed's CMD);
production images run `gunicorn "app:create_app()"`.
"""

from __future__ import annotations

import html
import os
import platform
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

MAX_TEXT = 500
MAX_LIMIT = 100


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
        conn = sqlite3.connect(self.path, timeout=10)
        try:
            with conn:
                yield conn
        finally:
            conn.close()

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

    @contextmanager
    def _cursor(self) -> Iterator[Any]:
        conn = self._psycopg2.connect(self.dsn, connect_timeout=5)
        try:
            with conn, conn.cursor() as cur:
                yield cur
        finally:
            conn.close()

    def init_schema(self) -> None:
        with self._cursor() as cur:
            cur.execute(
                "CREATE TABLE IF NOT EXISTS messages (id SERIAL PRIMARY KEY, text TEXT NOT NULL,"
                " created_at TIMESTAMPTZ NOT NULL DEFAULT now())"
            )
            cur.execute(
                "CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)"
            )

    def ping(self) -> None:
        with self._cursor() as cur:
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


def make_store(database_url: str | None, sqlite_path: str | None) -> Store:
    if database_url:
        return PostgresStore(database_url)
    path = sqlite_path or os.path.join(tempfile.gettempdir(), "guestbook.db")
    return SQLiteStore(path)


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
    schema_ready = False

    def ensure_schema() -> None:
        nonlocal schema_ready
        if not schema_ready:
            store.init_schema()
            schema_ready = True

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[Response, int]:
        return _error(exc.code or 500, exc.description or exc.name)

    @app.get("/")
    def index() -> str:
        ensure_schema()
        visits = store.count_visit()
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
        return jsonify({"status": "ok"})

    @app.get("/readyz")
    def readyz() -> tuple[Response, int]:
        try:
            ensure_schema()
            store.ping()
        except Exception as exc:  # any driver error means "not ready"
            return jsonify({"status": "unavailable", "error": type(exc).__name__}), 503
        return jsonify({"status": "ready", "database": store.backend}), 200

    @app.post("/api/messages")
    def add_message() -> tuple[Response, int]:
        payload = request.get_json(silent=True)
        if not isinstance(payload, dict):
            return _error(400, "body must be a JSON object")
        text = payload.get("text")
        if not isinstance(text, str):
            return _error(400, "'text' must be a string")
        text = text.strip()
        if not 1 <= len(text) <= MAX_TEXT:
            return _error(400, f"'text' must be 1 to {MAX_TEXT} characters")
        ensure_schema()
        return jsonify(store.add_message(text)), 201

    @app.get("/api/messages")
    def list_messages() -> tuple[Response, int]:
        raw = request.args.get("limit", "20")
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
            return _error(400, f"'limit' must be a whole number from 1 to {MAX_LIMIT}")
        ensure_schema()
        return jsonify({"messages": store.list_messages(int(raw))}), 200

    return app


if __name__ == "__main__":
    # The development server, as in the seed's `CMD ["python", "app.py"]`.
    create_app().run(host="0.0.0.0", port=int(os.environ.get("PORT", "5000")))
