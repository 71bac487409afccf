"""The probe's own logic, against real HTTP servers on this machine's loopback, and its source
run as the engine runs it (`python3 -c SOURCE SPEC`)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from slimstage.compare import httpprobe


class _Guestbook(BaseHTTPRequestHandler):
    messages: ClassVar[list[str]] = []

    def _send(self, status: int, body: str) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path == "/api/messages":
            self._send(200, json.dumps({"messages": self.messages[-1:]}))
        elif self.path == "/teapot":
            self._send(418, "short and stout")
        else:
            self._send(200, "hello")

    def do_POST(self) -> None:
        size = int(self.headers["Content-Length"])
        self.messages.append(json.loads(self.rfile.read(size))["text"])
        self._send(201, "stored")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    handler = type("Handler", (_Guestbook,), {"messages": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()


def _run(spec: dict[str, Any]) -> tuple[bool, list[dict[str, Any]]]:
    events: list[dict[str, Any]] = []
    ok = httpprobe.run(spec, events.append)
    return ok, events


def _spec(port: int, *requests: dict[str, Any], timeout: float = 3) -> dict[str, Any]:
    return {"port": port, "timeout": timeout, "requests": list(requests) or [{"path": "/"}]}


def test_a_good_answer_is_ready_then_ok(server: ThreadingHTTPServer) -> None:
    before = time.time()
    ok, events = _run(_spec(server.server_address[1]))
    assert ok
    assert [e["event"] for e in events] == ["ready", "result"]
    assert before <= events[0]["at"] <= time.time()
    assert events[1] == {"event": "result", "ok": True, "status": 200, "detail": ""}


def test_it_waits_for_an_app_that_starts_late() -> None:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Guestbook)
    port = httpd.server_address[1]
    httpd.server_close()  # the port is free: nothing answers yet

    def start_late() -> None:
        time.sleep(0.6)
        late = ThreadingHTTPServer(("127.0.0.1", port), _Guestbook)
        threading.Thread(target=late.serve_forever, daemon=True).start()
        done.wait()
        late.shutdown()
        late.server_close()

    done = threading.Event()
    threading.Thread(target=start_late, daemon=True).start()
    started = time.time()
    try:
        ok, events = _run(_spec(port, timeout=10))
    finally:
        done.set()
    assert ok
    assert events[0]["at"] - started >= 0.5


def test_nothing_listening_fails_with_the_reason_after_the_timeout() -> None:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Guestbook)
    port = httpd.server_address[1]
    httpd.server_close()
    started = time.monotonic()
    ok, events = _run(_spec(port, timeout=0.5))
    assert not ok
    assert time.monotonic() - started >= 0.5
    [result] = events
    assert result["ok"] is False
    assert result["status"] is None
    assert result["detail"].startswith("not ready within 0.5s: GET /: no answer (Connection")


@pytest.mark.parametrize(
    ("request_", "why"),
    [
        ({"path": "/teapot"}, "GET /teapot: status 418, expected 2xx or 3xx"),
        ({"path": "/", "expect_status": 204}, "GET /: status 200, expected 204"),
        ({"path": "/", "expect_body": "^bye"}, "GET /: body does not match '^bye': 'hello'"),
    ],
)
def test_an_answer_that_is_not_the_expected_one_is_not_ready(
    server: ThreadingHTTPServer, request_: dict[str, Any], why: str
) -> None:
    ok, events = _run(_spec(server.server_address[1], request_, timeout=0.3))
    assert not ok
    assert events[-1]["detail"] == f"not ready within 0.3s: {why}"


def test_a_sequence_stores_a_message_and_reads_it_back(server: ThreadingHTTPServer) -> None:
    steps = (
        {"path": "/"},
        {"method": "POST", "path": "/api/messages", "body": '{"text": "round trip"}'},
        {"path": "/api/messages", "expect_body": r'"round trip"'},
    )
    ok, events = _run(_spec(server.server_address[1], *steps))
    assert ok, events
    assert server.RequestHandlerClass.messages == ["round trip"]  # type: ignore[attr-defined]


def test_a_later_step_that_fails_names_itself(server: ThreadingHTTPServer) -> None:
    steps = ({"path": "/"}, {"path": "/api/messages", "expect_body": "never stored"})
    ok, events = _run(_spec(server.server_address[1], *steps))
    assert not ok
    assert [e["event"] for e in events] == ["ready", "result"]
    assert events[1]["detail"].startswith("GET /api/messages: body does not match 'never stored'")
    assert events[1]["status"] == 200


def test_lines_carry_events_and_other_lines_are_ignored() -> None:
    event = {"event": "ready", "at": 12.5, "status": 200}
    assert httpprobe.parse(httpprobe.line(event)) == event
    assert httpprobe.parse("GET / 200 app log") is None
    assert httpprobe.parse(f"{httpprobe.MARK} not json") is None
    assert httpprobe.parse(f"{httpprobe.MARK} [1, 2]") is None


def test_the_source_runs_as_python3_dash_c(server: ThreadingHTTPServer) -> None:
    spec = _spec(server.server_address[1], {"path": "/", "expect_body": "hello"})
    done = subprocess.run(
        [sys.executable, "-c", httpprobe.source(), json.dumps(spec)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    events = [httpprobe.parse(line) for line in done.stdout.splitlines()]
    assert [e["event"] for e in events if e] == ["ready", "result"]
    # It runs in images without slimstage: the standard library only.
    assert "from slimstage" not in httpprobe.source()
    assert "import slimstage" not in httpprobe.source()
