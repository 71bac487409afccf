"""Read one layer (a tar, plain, gzip or zstd) as a stream into a summary of its entries.

Nothing is extracted: each entry becomes its metadata, a content digest, and, for the few files
an analysis asked for (its ContentNeeds: package databases, RECORD files, candidate private
keys), their first bytes. Hostile input ends in LayerError: paths escaping the root, oversized
tar headers, truncation, and layers that expand far beyond their compressed size.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import zstandard

from slimstage.image.blob import CHUNK, LayerError, compression_of, open_layer, peek
from slimstage.image.tarstream import (
    LNKTYPE,
    SYMTYPE,
    Member,
    Source,
    TarError,
    TarStream,
    Window,
)

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
    compressed_already = compression_of(head) != "none"
    compressor = None if compressed_already else zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)
    read = written = 0
    while chunk := rest.read(CHUNK):
        read += len(chunk)
        if compressor is not None:
            written += len(compressor.compress(chunk))
    if compressor is None:
        return LayerSizes(read, read)
    return LayerSizes(read, written + len(compressor.flush()))


@dataclass(frozen=True)
class _SkipContents:
    """Where skipped contents can be read back: the file, and where the layer starts in it."""

    location: str
    start: int


def _entry(
    tar: TarStream, member: Member, path: str, keep: int, skip: _SkipContents | None, where: str
) -> Entry:
    """One member (at PATH, of the layer named WHERE) as an Entry. A regular file's content is
    read for its digest and its first KEEP bytes, or, with SKIP and nothing to keep, skipped
    and left to be read back later."""
    kind = _kind(member)
    linkname = normalize(member.linkname, where) if kind == HARDLINK else member.linkname
    common = (member.mode, member.uid, member.gid, linkname)
    if kind != REG:
        return Entry(path, kind, 0, *common, None, None, None, -1)
    if skip is not None and not keep:
        return Entry(
            path, kind, member.size, *common, None, None, skip.location, skip.start + member.offset
        )
    crc = 0
    kept = bytearray()
    for chunk in tar.chunks():
        crc = zlib.crc32(chunk, crc)
        if len(kept) < keep:
            kept += chunk[: keep - len(kept)]
    return Entry(path, kind, member.size, *common, crc, bytes(kept) if keep else None, None, -1)


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
    skip = None
    if location is not None and compression == "none":
        skip = _SkipContents(location, stream.start if isinstance(stream, Window) else 0)
    tar = TarStream(source)
    entries: list[Entry] = []
    try:
        for member in tar:
            path = normalize(member.name, name)
            if path:
                entries.append(_entry(tar, member, path, keep(path), skip, name))
    except LayerError:
        raise
    except (TarError, ValueError, EOFError, zlib.error, zstandard.ZstdError, OSError) as exc:
        raise LayerError(f"{name}: not a readable layer: {exc}") from None
    return LayerSummary(tuple(entries), sum(e.size for e in entries), compression)
