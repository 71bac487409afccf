"""A blob as a byte stream: its first bytes sniffed, gzip and zstd decompressed to their very
end, digests taken as it passes, and the limits that stop decompression bombs.

Memory stays bounded whatever a layer expands to: output is asked for a chunk at a time (zlib's
max_length, zstandard's stream reader), never all the output of some input at once. Time is
linear in the bytes produced. What is inside the tar is layer.py's business.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from typing import Protocol

from slimstage.errors import UsageError
from slimstage.image.tarstream import Source
from slimstage.image.zstdframe import FrameError, FrameWalker

CHUNK = 1 << 20
IN_CHUNK = 64 << 10
GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
#: zstd frames may ask for a window this large at most (zstd's default level uses 8 MiB).
ZSTD_MAX_WINDOW = 32 << 20


class LayerError(UsageError):
    """A layer that cannot be read safely."""


@dataclass(frozen=True)
class Limits:
    """How far one layer's tar may expand (docs/analyze.md, "Limits").

    max_bytes: the tar of one layer, uncompressed, may not be larger.
    max_ratio: a compressed layer may not expand to more than this many times the compressed
    bytes read so far, once it has produced ratio_floor bytes (0: no ratio check).
    """

    max_bytes: int = 64 << 30
    max_ratio: int = 200
    ratio_floor: int = 1 << 30


DEFAULT_LIMITS = Limits()


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class Counting:
    """Counts the bytes read through it."""

    def __init__(self, raw: Source) -> None:
        self.raw = raw
        self.count = 0

    def read(self, size: int = -1, /) -> bytes:
        data = self.raw.read(size)
        self.count += len(data)
        return data


class Hashing:
    """Takes the digest of every byte read through it; it cannot seek, so nothing is skipped."""

    def __init__(self, raw: Source, algorithm: str = "sha256") -> None:
        self.raw = raw
        self.algorithm = algorithm
        self.hash = hashlib.new(algorithm)
        self.count = 0
        # Where the bytes are, when the raw stream knows: a layer's contents can be read back.
        self.start: int = getattr(raw, "start", 0)
        self.size: int | None = getattr(raw, "size", None)

    def read(self, size: int = -1, /) -> bytes:
        data = self.raw.read(size)
        self.hash.update(data)
        self.count += len(data)
        return data

    def drain(self) -> None:
        """Read what is left, so the digest covers the whole blob."""
        while self.read(CHUNK):
            pass

    @property
    def digest(self) -> str:
        return f"{self.algorithm}:{self.hash.hexdigest()}"


class _Gunzip:
    """gzip members, one after another, each to its trailer (CRC and length checked by zlib)."""

    def __init__(self, source: Readable, name: str) -> None:
        self.source = source
        self.name = name
        self.inflate: zlib._Decompress | None = None
        self.pending = b""  # compressed bytes not yet handed to zlib
        self.padding = False  # only zeros may follow now

    def _more(self) -> bytes:
        data = self.pending or self.source.read(IN_CHUNK)
        self.pending = b""
        return data

    def _between_members(self, data: bytes) -> bool:
        """Start the next member with DATA (True), or check DATA is end padding (False)."""
        while len(data) < 2 and not self.padding and (more := self.source.read(IN_CHUNK)):
            data += more
        if not self.padding and data[:2] == GZIP_MAGIC:
            self.inflate, self.pending = zlib.decompressobj(wbits=31), data
            return True
        if data.strip(b"\0"):
            raise LayerError(f"{self.name}: data after the end of the gzip stream")
        self.padding = True  # gzip(1) accepts zeros after the last member; so does this
        return False

    def read(self, size: int = -1, /) -> bytes:
        size = CHUNK if size < 0 else size
        while size > 0:
            data = self._more()
            if self.inflate is None:
                if not data:
                    return b""
                if not self._between_members(data):
                    continue
                data = self._more()
            inflate = self.inflate
            assert inflate is not None
            try:
                # With no input left, zlib may still hold output: ask for it before giving up.
                out = inflate.decompress(data, size)
            except zlib.error as exc:
                raise LayerError(f"{self.name}: not a readable gzip stream: {exc}") from None
            self.pending = inflate.unconsumed_tail
            if inflate.eof:
                self.pending, self.inflate = inflate.unused_data, None
            elif not data and not out:
                raise LayerError(f"{self.name}: truncated: the gzip stream ends before its trailer")
            if out:
                return out
        return b""


class _Unzstd:
    """zstd frames, one after another; a stream cut inside a frame is refused."""

    def __init__(self, source: Readable, name: str) -> None:
        import zstandard  # only for zstd layers: it takes a while to import

        self.zstd_error = zstandard.ZstdError
        self.name = name
        self.walker = FrameWalker()
        self.source = source
        decompressor = zstandard.ZstdDecompressor(max_window_size=ZSTD_MAX_WINDOW)
        self.reader = decompressor.stream_reader(
            self,  # type: ignore[arg-type]  # it only calls read()
            read_across_frames=True,
            closefd=False,
        )

    def read(self, size: int = -1, /) -> bytes:
        """The compressed side, as the stream reader asks for it (walked as it passes)."""
        data = self.source.read(size)
        try:
            self.walker.feed(data)
        except FrameError as exc:
            raise LayerError(f"{self.name}: not a readable zstd stream: {exc}") from None
        return data

    def read_out(self, size: int) -> bytes:
        if size == 0:  # nothing asked for: no output says nothing about the frame
            return b""
        try:
            out: bytes = self.reader.read(CHUNK if size < 0 else size)
        except self.zstd_error as exc:
            raise LayerError(f"{self.name}: not a readable zstd stream: {exc}") from None
        if not out and not self.walker.complete:
            raise LayerError(f"{self.name}: truncated: the zstd stream ends inside a frame")
        return out


class Expanded:
    """The decompressed side of a layer, with the limits that stop bombs."""

    def __init__(self, raw: Source, compression: str, name: str, limits: Limits) -> None:
        self.compressed = Counting(raw)
        self.name = name
        self.limits = limits
        self.produced = 0
        self._gunzip = _Gunzip(self.compressed, name) if compression == "gzip" else None
        self._unzstd = _Unzstd(self.compressed, name) if compression == "zstd" else None

    def read(self, size: int = -1, /) -> bytes:
        gunzip, unzstd = self._gunzip, self._unzstd
        out = gunzip.read(size) if gunzip is not None else unzstd.read_out(size)  # type: ignore[union-attr]
        self.produced += len(out)
        limits = self.limits
        if self.produced > limits.max_bytes:
            raise LayerError(
                f"{self.name}: its tar is larger than --max-layer-bytes ({limits.max_bytes} bytes)"
            )
        ratio = limits.max_ratio
        if ratio and self.produced > max(limits.ratio_floor, ratio * self.compressed.count):
            raise LayerError(
                f"{self.name}: expands more than {ratio}x its compressed size past "
                f"{limits.ratio_floor} bytes (a decompression bomb? --max-ratio raises the limit)"
            )
        return out


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
    skippable = len(head) >= 4 and head[1:4] == b"\x2a\x4d\x18" and head[0] & 0xF0 == 0x50
    return "zstd" if head[:4] == ZSTD_MAGIC or skippable else "none"


def open_layer(
    stream: Source, name: str, limits: Limits = DEFAULT_LIMITS
) -> tuple[Source, str, bool]:
    """Wrap a raw blob stream: detect gzip/zstd by magic bytes. Returns the tar stream, the
    compression's name, and whether the tar stream can seek (only an uncompressed one can)."""
    head, rest, seekable = peek(stream, 4)
    compression = compression_of(head)
    if compression == "none":
        return rest, compression, seekable
    return Expanded(rest, compression, name, limits), compression, False


class Prefixed:
    """A stream whose first bytes were already read (to sniff them), given back first."""

    def __init__(self, prefix: bytes, stream: Source) -> None:
        self.prefix = prefix
        self.stream = stream

    def read(self, size: int = -1, /) -> bytes:
        if size < 0:
            out = self.prefix + self.stream.read()
            self.prefix = b""
            return out
        if self.prefix:
            out = self.prefix[:size]
            self.prefix = self.prefix[size:]
            return out
        return self.stream.read(size)
