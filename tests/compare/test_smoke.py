from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from slimstage.compare.smoke import exposed_port, http_status


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/" else 404)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server_port() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def test_http_status_of_a_real_server(server_port: int) -> None:
    assert http_status(server_port, "/") == 200
    assert http_status(server_port, "/missing") == 404


def test_http_status_is_none_when_nothing_listens() -> None:
    assert http_status(1, "/", timeout=0.5) is None


def test_exposed_port_picks_the_lowest_port_number() -> None:
    # The image config keeps EXPOSE as a map: the order of the lines is gone. Numbers, not
    # strings, are compared: 8000 comes before 10000.
    assert exposed_port({"ExposedPorts": {"8000/tcp": {}, "5000/tcp": {}}}) == "5000/tcp"
    assert exposed_port({"ExposedPorts": {"10000/tcp": {}, "8000/tcp": {}}}) == "8000/tcp"
    assert exposed_port({"ExposedPorts": {"53/udp": {}, "9000/tcp": {}}}) == "53/udp"
    assert exposed_port({"ExposedPorts": None}) is None
    assert exposed_port({}) is None
