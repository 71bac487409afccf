"""HTTP to the demo app on 127.0.0.1, byte by byte where a test needs a hostile request."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def _read_answer(sock: socket.socket, method: str) -> Answer:
    response = http.client.HTTPResponse(sock, method=method)
    response.begin()
    body = response.read()
    return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, body)


def exchange(port: int, head: str, parts: Iterable[bytes] = (), *, timeout: float = 10.0) -> Answer:
    """Send a request head and body parts as given, then read the answer.

    Sending stops quietly when the server closes the connection: an early answer (413) is
    what the caller wants to see.
    """
    method = head.split(" ", 1)[0]
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(head.encode("latin-1"))
        for part in parts:
            try:
                sock.sendall(part)
            except (BrokenPipeError, ConnectionResetError):
                break
        return _read_answer(sock, method)


def request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    *,
    content_type: str = "application/json",
    timeout: float = 10.0,
) -> Answer:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Content-Type": content_type} if body is not None else {}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        headers = {k.lower(): v for k, v in response.getheaders()}
        return Answer(response.status, headers, response.read())
    finally:
        conn.close()


def post_message(port: int, text: str, *, timeout: float = 10.0) -> Answer:
    return request(
        port, "POST", "/api/messages", json.dumps({"text": text}).encode(), timeout=timeout
    )


def declared_body(port: int, path: str, length: int) -> Answer:
    """POST that announces LENGTH bytes and sends none: only a server that answers without
    reading the body replies before the timeout."""
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {length}\r\nConnection: close\r\n\r\n"
    )
    return exchange(port, head)


def chunked_body(port: int, path: str, data: bytes, *, finish: bool = True) -> Answer:
    """POST DATA with Transfer-Encoding: chunked (no Content-Length), 4 KB a chunk.

    With finish=False the closing chunk is never sent: the body looks endless, so only a
    server that stops reading at its limit answers.
    """
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(data), 4096):
            piece = data[start : start + 4096]
            yield f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
        if finish:
            yield b"0\r\n\r\n"

    return exchange(port, head, chunks())


def wait_until(port: int, path: str, status: int, *, timeout: float = 30.0) -> Answer:
    """Poll PATH until it answers STATUS; fail with the last answer after TIMEOUT."""
    deadline = time.monotonic() + timeout
    last: Answer | str = "no answer"
    while time.monotonic() < deadline:
        try:
            last = request(port, "GET", path, timeout=5)
            if last.status == status:
                return last
        except (OSError, http.client.HTTPException) as exc:
            last = repr(exc)
        time.sleep(0.1)
    raise AssertionError(f"{path} did not answer {status} within {timeout}s: {last}")


@contextmanager
def dev_server(app: Any) -> Iterator[int]:
    """The app on Werkzeug's development server (what `python app.py` runs), in a thread."""
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.port
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
