"""greeter-serve: answer every GET with an escaped greeting."""

from __future__ import annotations

import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from markupsafe import escape


class Greeter(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = f"<p>Hello, {escape(self.path.strip('/') or 'world')}!</p>".encode()
        self.send_response(200)
        self.end_headers()
        self.wfile.write(body)


def main() -> None:
    ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("PORT", "9000"))), Greeter).serve_forever()
