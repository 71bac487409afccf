"""Read one layer (a tar, plain, gzip or zstd) as a stream into a table of its entries.

Nothing is extracted: each entry becomes its metadata, a content digest, and, for the few files
an analysis asked for (its ContentNeeds: package databases, RECORD files, candidate private
keys), their first bytes. Entries are kept as columns (EntryTable), not as one object each: an
image of a million files then fits in a few hundred megabytes. Hostile input ends in LayerError:
paths escaping the root, oversized tar headers, truncation, layers larger than the limits.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from slimstage.image.blob import (
    CHUNK,
    DEFAULT_LIMITS,
    LayerError,
    Limits,
    compression_of,
    open_layer,
    peek,
)
from slimstage.image.entries import (
    DIR,
    HARDLINK,
    KIND_CODE,
    KINDS,
    OTHER,
    REG,
    SYMLINK,
    TYPE_CODE,
    Entry,
    EntryTable,
    same_content,
)
from slimstage.image.tarstream import Member, Source, TarError, TarStream

__all__ = [
    "DIR",
    "HARDLINK",
    "KINDS",
    "KIND_CODE",
    "OTHER",
    "REG",
    "SYMLINK",
    "ContentNeed",
    "Entry",
    "EntryTable",
    "LayerSizes",
    "LayerSummary",
    "content_limit",
    "measure",
    "normalize",
    "same_content",
    "scan",
    "scan_segment",
]

#: gzip at its default level, as `docker push` compresses layers.
GZIP_LEVEL = 6


@dataclass(frozen=True)
class ContentNeed:
    """Files whose first LIMIT bytes an analysis reads: paths matching PATTERN (no leading /),
    each of which ends with one of SUFFIXES or starts with one of PREFIXES (a cheap first test:
    most paths are no candidate)."""

    pattern: re.Pattern[str]
    limit: int
    suffixes: tuple[str, ...]
    prefixes: tuple[str, ...] = ()

    def wants(self, path: str) -> bool:
        if not (path.endswith(self.suffixes) or path.startswith(self.prefixes)):
            return False
        return self.pattern.match(path) is not None


def content_limit(needs: Sequence[ContentNeed]) -> Callable[[str], int]:
    """How many bytes of a file to keep: the most any need asks for, 0 when none wants it."""
    suffixes = tuple(suffix for need in needs for suffix in need.suffixes)
    prefixes = tuple(prefix for need in needs for prefix in need.prefixes)

    def limit(path: str) -> int:
        if not (path.endswith(suffixes) or path.startswith(prefixes)):
            return 0
        return max((need.limit for need in needs if need.wants(path)), default=0)

    return limit


@dataclass(frozen=True)
class LayerSummary:
    table: EntryTable
    file_bytes: int  # the sum of the layer's regular-file sizes (not the size of its tar)
    compression: str  # "none", "gzip" or "zstd"

    @property
    def entries(self) -> tuple[Entry, ...]:
        return tuple(self.table)


@dataclass(frozen=True)
class LayerSizes:
    """A layer blob's size as stored and as a registry would transfer it."""

    size: int  # bytes of the blob
    compressed: int  # gzip size at GZIP_LEVEL (the blob's own size when already compressed)


def normalize(name: str, where: str) -> str:
    """A tar member name as a path below the root; refuses names that climb out of it."""
    if not (name.startswith(("/", ".")) or "/." in name or "//" in name or "\\" in name):
        return name.rstrip("/")  # the common case: nothing to clean
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


def measure(
    stream: Source, name: str, location: str | None = None, *, limits: Limits = DEFAULT_LIMITS
) -> LayerSizes:
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


def _too_large(name: str, limit: int) -> LayerError:
    return LayerError(f"{name}: its tar is larger than --max-layer-bytes ({limit} bytes)")


def _read_entries(
    tar: TarStream,
    table: EntryTable,
    name: str,
    keep: Callable[[str], int],
    base: int,
    limit: int,
    shift: int = 0,
) -> None:
    """Every member of TAR into TABLE. With BASE >= 0 (the layer's place in the file the table
    names) contents nobody keeps are passed over (seeked over, when the stream can) and only
    their place is noted; otherwise each file's content is read for its digest. LIMIT caps the
    size of the layer's tar, of which TAR starts SHIFT bytes in."""
    codes, links, contents = TYPE_CODE, table.links, table.contents
    paths, kinds, sizes, digests, offsets = (
        table.paths,
        table.kinds,
        table.sizes,
        table.digests,
        table.offsets,
    )
    whiteouts = table.whiteouts
    for member_name, size, member_type, offset, header, pax, link in tar.entries():
        if shift + offset + size > limit:
            raise _too_large(name, limit)
        path = normalize(member_name, name)
        if not path:
            continue
        index = len(paths)
        code = codes.get(member_type, 4)
        if code:  # not a regular file: no content
            size, digest, place = 0, -1, -1
            if code in (2, 3):
                target = Member(member_name, 0, member_type, offset, header, pax, link).linkname
                links[index] = normalize(target, name) if code == 3 else target
        elif base >= 0 and not (wanted := keep(path)):
            digest, place = -1, base + offset
        else:
            wanted = keep(path)
            digest, kept = 0, b""
            for chunk in tar.chunks():
                digest = zlib.crc32(chunk, digest)
                if len(kept) < wanted:
                    kept += chunk[: wanted - len(kept)]
            place = -1
            if wanted:
                contents[index] = kept
        paths.append(path)
        kinds.append(code)
        sizes.append(size)
        digests.append(digest)
        offsets.append(place)
        if ".wh." in path and path.rpartition("/")[2].startswith(".wh."):
            whiteouts.append(index)
    if shift + tar.position > limit:  # the padding and end blocks after the last member count
        raise _too_large(name, limit)


@dataclass(frozen=True)
class Segment:
    """A part of a layer, read on its own (segments.py): its entries, and whether it ended
    cleanly, between two members (or at the tar's end, for the last part)."""

    table: EntryTable
    clean: bool


def scan_segment(
    stream: Source,
    name: str,
    location: str | None,
    *,
    last: bool,
    offset: int,
    needs: Sequence[ContentNeed] = (),
    limits: Limits = DEFAULT_LIMITS,
) -> Segment:
    """The part of an uncompressed layer STREAM holds (its `start` and `size` say where),
    OFFSET bytes into the layer's tar. A part that is not the LAST ends between two members;
    when it does not, it is not clean (the cut was wrong) and its entries are not to be used."""
    table = EntryTable(location)
    size = getattr(stream, "size", None)
    if last and size is not None and offset + size > limits.max_bytes:  # as a whole read does
        raise _too_large(name, limits.max_bytes)
    tar = TarStream(stream, size=size, open_end=not last)
    start = getattr(stream, "start", 0)
    try:
        _read_entries(tar, table, name, content_limit(needs), start, limits.max_bytes, offset)
    except LayerError:
        if last:
            raise
        return Segment(table, False)
    except (TarError, ValueError, OSError) as exc:
        if last:
            raise LayerError(f"{name}: not a readable layer: {exc}") from None
        return Segment(table, False)
    return Segment(table, True)


def scan(
    stream: Source,
    name: str,
    location: str | None = None,
    *,
    needs: Sequence[ContentNeed] = (),
    limits: Limits = DEFAULT_LIMITS,
) -> LayerSummary:
    """Summarize one layer blob read from STREAM (positioned at its start), to its very end.

    NEEDS say which files' first bytes to keep. With LOCATION (the file the stream reads, from
    the offset its `start` says, when the layer is not compressed) other file contents are not
    digested: each entry keeps its offset, so the few contents needed later (digests of
    overwritten files) can be read from there; a stream that can seek skips them unread.
    """
    source, compression, _ = open_layer(stream, name, limits)
    size = getattr(stream, "size", None) if compression == "none" else None
    if size is not None and size > limits.max_bytes:
        raise _too_large(name, limits.max_bytes)
    readback = location is not None and compression == "none"
    table = EntryTable(location if readback else None)
    tar = TarStream(source, size=size)
    try:
        base = getattr(stream, "start", 0) if readback else -1
        _read_entries(tar, table, name, content_limit(needs), base, limits.max_bytes)
        if compression != "none":  # to the compressed stream's end: its trailer is checked
            while source.read(CHUNK):
                pass
    except LayerError:
        raise
    except (TarError, ValueError, EOFError, zlib.error, OSError) as exc:
        raise LayerError(f"{name}: not a readable layer: {exc}") from None
    return LayerSummary(table, sum(table.sizes), compression)
