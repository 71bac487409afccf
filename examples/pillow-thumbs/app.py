"""Thumbnails: Pillow (from source: libjpeg, zlib) draws a JPEG and a PNG; cffi (from source:
libffi) calls the C library's strlen."""

from __future__ import annotations

import io
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cffi import FFI
from PIL import Image

ffi = FFI()
ffi.cdef("size_t strlen(const char *);")
libc = ffi.dlopen(None)


class Thumbs(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        image = Image.new("RGB", (64, 48), (200, 80, 40))
        jpeg, png = io.BytesIO(), io.BytesIO()
        image.save(jpeg, "JPEG")
        image.save(png, "PNG")
        body = (
            f"jpeg {len(jpeg.getvalue())} png {len(png.getvalue())} strlen {libc.strlen(b'thumbs')}"
        )
        self.send_response(200)
        self.end_headers()
        self.wfile.write(body.encode())


if __name__ == "__main__":
    ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("PORT", "8080"))), Thumbs).serve_forever()
