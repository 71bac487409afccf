"""A layer blob as a byte stream: its first bytes sniffed, gzip and zstd decompressed, bombs
stopped. What is inside the tar is layer.py's business."""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable

import zstandard

from slimstage.errors import UsageError
from slimstage.image.tarstream import Source

CHUNK = 1 << 20
#: A layer may expand this many times over its compressed size (beyond FLOOR) before it is
#: treated as a decompression bomb.
MAX_RATIO = 200
RATIO_FLOOR = 1 << 30
GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


class LayerError(UsageError):
    """A layer that cannot be read safely."""


class _Counting(io.RawIOBase):
    """Counts bytes read through it (the compressed side)."""

    def __init__(self, raw: Source) -> None:
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override,unused-ignore]
        data = self.raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.count += n
        return n


class _Decompressed(io.RawIOBase):
    """A readable stream of decompressed bytes that stops bombs."""

    def __init__(self, source: _Counting, decompress: Callable[[bytes], bytes], name: str) -> None:
        self.source = source
        self.decompress = decompress
        self.pending = b""
        self.produced = 0
        self.eof = False
        self.name = name

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override,unused-ignore]
        while not self.pending and not self.eof:
            chunk = self.source.read(CHUNK)
            if not chunk:
                self.eof = True
                break
            self.pending = self.decompress(chunk)
        n = min(len(buffer), len(self.pending))
        buffer[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        self.produced += n
        if self.produced > RATIO_FLOOR and self.produced > MAX_RATIO * max(self.source.count, 1):
            raise LayerError(
                f"{self.name}: expands more than {MAX_RATIO}x its compressed size "
                "(a decompression bomb?)"
            )
        return n


def _gzip() -> Callable[[bytes], bytes]:
    state = zlib.decompressobj(wbits=47)

    def decompress(chunk: bytes) -> bytes:
        nonlocal state
        out = state.decompress(chunk)
        # Concatenated gzip members continue with a fresh decompressor.
        while state.eof and state.unused_data:
            rest = state.unused_data
            state = zlib.decompressobj(wbits=47)
            out += state.decompress(rest)
        return out

    return decompress


def _zstd() -> Callable[[bytes], bytes]:
    obj = zstandard.ZstdDecompressor().decompressobj()
    return obj.decompress


def peek(stream: Source, size: int) -> tuple[bytes, Source, bool]:
    """The first SIZE bytes, a stream that still starts at them, and whether it can seek.

    A seekable stream is rewound and returned as it is (so it stays seekable); any other is
    wrapped so the bytes read are handed out again first. A pipe may hand out fewer bytes than
    asked for: reading goes on until SIZE bytes or the end.
    """
    head = stream.read(size)
    while len(head) < size and (more := stream.read(size - len(head))):
        head += more
    seek = getattr(stream, "seek", None)
    seekable = getattr(stream, "seekable", None)
    if seek is not None and seekable is not None and seekable():
        seek(-len(head), 1)
        return head, stream, True
    return head, Prefixed(head, stream), False


def compression_of(head: bytes) -> str:
    """The compression a blob's first four bytes announce: "gzip", "zstd" or "none"."""
    if head[:2] == GZIP_MAGIC:
        return "gzip"
    return "zstd" if head[:4] == ZSTD_MAGIC else "none"


def open_layer(stream: Source, name: str) -> tuple[Source, str]:
    """Wrap a raw blob stream: detect gzip/zstd by magic bytes; the second item names it."""
    head, rest, _ = peek(stream, 4)
    compression = compression_of(head)
    if compression == "none":
        return rest, compression
    decompress = _gzip() if compression == "gzip" else _zstd()
    return io.BufferedReader(_Decompressed(_Counting(rest), decompress, name), CHUNK), compression


class Prefixed(io.RawIOBase):
    """A stream whose first bytes were already read (to sniff them), given back first."""

    def __init__(self, prefix: bytes, stream: Source) -> None:
        self.prefix = prefix
        self.stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override,unused-ignore]
        if self.prefix:
            n = min(len(buffer), len(self.prefix))
            buffer[:n] = self.prefix[:n]
            self.prefix = self.prefix[n:]
            return n
        data = self.stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            out = self.prefix + self.stream.read()
            self.prefix = b""
            return out
        if self.prefix:
            out = self.prefix[:size]
            self.prefix = self.prefix[size:]
            return out
        return self.stream.read(size)
