"""Read one layer (a tar, plain, gzip or zstd) as a stream into a summary of its entries.

Nothing is extracted: each entry becomes its metadata, a content digest, and, for the few files
an analysis asked for (its ContentNeeds: package databases, RECORD files, candidate private
keys), their first bytes. Hostile input ends in LayerError: paths escaping the root, oversized
tar headers, truncation, and layers that expand far beyond their compressed size.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import zstandard

from slimstage.errors import UsageError
from slimstage.image.tarstream import (
    LNKTYPE,
    SYMTYPE,
    Member,
    Source,
    TarError,
    TarStream,
    Window,
)

CHUNK = 1 << 20
#: A layer may expand this many times over its compressed size (beyond FLOOR) before it is
#: treated as a decompression bomb.
MAX_RATIO = 200
RATIO_FLOOR = 1 << 30

REG, DIR, SYMLINK, HARDLINK, OTHER = "file", "dir", "symlink", "hardlink", "other"

#: gzip at its default level, as `docker push` compresses layers.
GZIP_LEVEL = 6


@dataclass(frozen=True)
class ContentNeed:
    """Files whose first LIMIT bytes an analysis reads: paths matching PATTERN (no leading /)."""

    pattern: re.Pattern[str]
    limit: int

    def wants(self, path: str) -> bool:
        return self.pattern.match(path) is not None


def content_limit(needs: Sequence[ContentNeed]) -> Callable[[str], int]:
    """How many bytes of a file to keep: the most any need asks for, 0 when none wants it."""
    if not needs:
        return lambda _path: 0
    anyone = re.compile("|".join(f"(?:{need.pattern.pattern})" for need in needs))

    def limit(path: str) -> int:
        if anyone.match(path) is None:
            return 0
        return max(need.limit for need in needs if need.wants(path))

    return limit


class LayerError(UsageError):
    """A layer that cannot be read safely."""


@dataclass(frozen=True, slots=True)
class Entry:
    path: str  # normalized, relative to the root, no leading slash
    kind: str
    size: int
    mode: int
    uid: int
    gid: int
    linkname: str
    digest: int | None  # CRC-32 of a regular file's content; None when not read (see offset)
    content: bytes | None  # the first bytes of a file some analysis needs
    location: str | None  # the file holding the content, when it was skipped
    offset: int  # where in that file the content starts (-1: not skipped)


@dataclass(frozen=True)
class LayerSummary:
    entries: tuple[Entry, ...]
    file_bytes: int  # the sum of the layer's regular-file sizes (not the size of its tar)
    compression: str  # "none", "gzip" or "zstd"


@dataclass(frozen=True)
class LayerSizes:
    """A layer blob's size as stored and as a registry would transfer it."""

    size: int  # bytes of the blob
    compressed: int  # gzip size at GZIP_LEVEL (the blob's own size when already compressed)


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
    wrapped so the bytes read are handed out again first.
    """
    head = stream.read(size)
    seek = getattr(stream, "seek", None)
    seekable = getattr(stream, "seekable", None)
    if seek is not None and seekable is not None and seekable():
        seek(-len(head), 1)
        return head, stream, True
    return head, Prefixed(head, stream), False


def open_layer(stream: Source, name: str) -> tuple[Source, str]:
    """Wrap a raw blob stream: detect gzip/zstd by magic bytes; the second item names it."""
    head, rest, _ = peek(stream, 4)
    if head[:2] == b"\x1f\x8b":
        return io.BufferedReader(_Decompressed(_Counting(rest), _gzip(), name), CHUNK), "gzip"
    if head == b"\x28\xb5\x2f\xfd":
        return io.BufferedReader(_Decompressed(_Counting(rest), _zstd(), name), CHUNK), "zstd"
    return rest, "none"


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


def normalize(name: str, where: str) -> str:
    """A tar member name as a path below the root; refuses names that climb out of it."""
    if name.startswith("/"):
        raise LayerError(f"{where}: entry {name!r} has an absolute path")
    parts = []
    for part in name.replace("\\", "/").split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            raise LayerError(f"{where}: entry {name!r} escapes the image root")
        parts.append(part)
    return "/".join(parts)


def _kind(member: Member) -> str:
    if member.isreg():
        return REG
    if member.isdir():
        return DIR
    if member.type == SYMTYPE:
        return SYMLINK
    if member.type == LNKTYPE:
        return HARDLINK
    return OTHER


def measure(stream: Source, name: str, location: str | None = None) -> LayerSizes:
    """Measure one layer blob: its size, and what gzip would make of it, without keeping it."""
    head, rest, _ = peek(stream, 4)
    compressed_already = head[:2] == b"\x1f\x8b" or head == b"\x28\xb5\x2f\xfd"
    compressor = None if compressed_already else zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)
    read = written = 0
    while chunk := rest.read(CHUNK):
        read += len(chunk)
        if compressor is not None:
            written += len(compressor.compress(chunk))
    if compressor is None:
        return LayerSizes(read, read)
    return LayerSizes(read, written + len(compressor.flush()))


def scan(
    stream: Source, name: str, location: str | None = None, *, needs: Sequence[ContentNeed] = ()
) -> LayerSummary:
    """Summarize one layer blob read from STREAM (positioned at its start).

    NEEDS say which files' first bytes to keep. With LOCATION (the file the stream reads, when
    it can seek and the layer is not compressed) other file contents are skipped rather than
    read; each entry keeps its offset so the few contents needed later (digests of overwritten
    files) can be read from there.
    """
    keep = content_limit(needs)
    source, compression = open_layer(stream, name)
    lazy = location is not None and compression == "none"
    base = stream.start if lazy and isinstance(stream, Window) else 0
    tar = TarStream(source)
    entries: list[Entry] = []
    total = 0
    try:
        for member in tar:
            path = normalize(member.name, name)
            if not path:
                continue
            kind = _kind(member)
            digest: int | None = None
            content: bytes | None = None
            offset = -1
            size = member.size if kind == REG else 0
            if kind == REG:
                limit = keep(path)
                if lazy and not limit:
                    offset = base + member.offset
                else:
                    crc = 0
                    kept = bytearray()
                    for chunk in tar.chunks():
                        crc = zlib.crc32(chunk, crc)
                        if len(kept) < limit:
                            kept += chunk[: limit - len(kept)]
                    digest = crc
                    content = bytes(kept) if limit else None
                total += size
            linkname = normalize(member.linkname, name) if kind == HARDLINK else member.linkname
            entries.append(
                Entry(
                    path,
                    kind,
                    size,
                    member.mode,
                    member.uid,
                    member.gid,
                    linkname,
                    digest,
                    content,
                    location if offset >= 0 else None,
                    offset,
                )
            )
    except LayerError:
        raise
    except (TarError, ValueError, EOFError, zlib.error, zstandard.ZstdError, OSError) as exc:
        raise LayerError(f"{name}: not a readable layer: {exc}") from None
    return LayerSummary(tuple(entries), total, compression)
