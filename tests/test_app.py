"""The demo app, on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import sys
from pathlib import Path

import psycopg2
import pytest
from flask.testing import FlaskClient

from tests.conftest import DEMO, Postgres

sys.path.insert(0, str(DEMO))
import app as demo_app


@pytest.fixture(params=["sqlite", "postgresql"])
def client(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> FlaskClient:
    monkeypatch.setenv("IMAGE_VARIANT", "test-variant")
    if request.param == "sqlite":
        application = demo_app.create_app(database_url="", sqlite_path=str(tmp_path / "g.db"))
    else:
        server: Postgres = request.getfixturevalue("postgres")
        with psycopg2.connect(server.url) as conn, conn.cursor() as cur:
            cur.execute("DROP TABLE IF EXISTS messages, counters")
        conn.close()
        application = demo_app.create_app(database_url=server.url)
    return application.test_client()


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


@pytest.mark.parametrize(
    ("body", "kwargs"),
    [
        ("not json", {"data": "not json", "content_type": "application/json"}),
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


@pytest.mark.parametrize("limit", ["0", "101", "abc", "-1"])
def test_bad_limit_gets_400(client: FlaskClient, limit: str) -> None:
    response = client.get(f"/api/messages?limit={limit}")
    assert response.status_code == 400
    assert "limit" in response.get_json()["error"]


def test_unknown_path_and_method_answer_json(client: FlaskClient) -> None:
    assert client.get("/nope").status_code == 404
    assert "error" in client.get("/nope").get_json()
    assert client.delete("/api/messages").status_code == 405


def test_readiness_fails_when_database_is_unreachable(tmp_path: Path) -> None:
    missing_dir = tmp_path / "no" / "such" / "dir" / "g.db"
    application = demo_app.create_app(database_url="", sqlite_path=str(missing_dir))
    response = application.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"


def test_postgres_readiness_fails_on_a_closed_port() -> None:
    application = demo_app.create_app(database_url="postgresql://nobody@127.0.0.1:1/none")
    assert application.test_client().get("/readyz").status_code == 503
