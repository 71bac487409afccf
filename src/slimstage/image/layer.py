"""Read one layer (a tar, plain, gzip or zstd) as a stream into a table of its entries.

Nothing is extracted: each entry becomes its metadata, a content digest, and, for the few files
an analysis asked for (its ContentNeeds: package databases, RECORD files, candidate private
keys), their first bytes. Entries are kept as columns (EntryTable), not as one object each: an
image of a million files then fits in a few hundred megabytes. Hostile input ends in LayerError:
paths escaping the root, oversized tar headers, truncation, layers larger than the limits.
"""

from __future__ import annotations

import os
import re
import zlib
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import zstandard

from slimstage.image.blob import (
    CHUNK,
    DEFAULT_LIMITS,
    LayerError,
    Limits,
    compression_of,
    open_layer,
    peek,
)
from slimstage.image.tarstream import (
    DIRTYPE,
    LNKTYPE,
    REGTYPES,
    SYMTYPE,
    Source,
    TarError,
    TarStream,
)

REG, DIR, SYMLINK, HARDLINK, OTHER = "file", "dir", "symlink", "hardlink", "other"
#: An entry's kind as stored in EntryTable.kinds (a byte each), and back.
KIND_CODE = {REG: 0, DIR: 1, SYMLINK: 2, HARDLINK: 3, OTHER: 4}
KINDS = (REG, DIR, SYMLINK, HARDLINK, OTHER)
_TYPE_CODE = {**dict.fromkeys(REGTYPES, 0), DIRTYPE: 1, SYMTYPE: 2, LNKTYPE: 3}

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
class Entry:
    """One entry of a layer, for reading one at a time (EntryTable.entry)."""

    path: str  # normalized, relative to the root, no leading slash
    kind: str
    size: int
    linkname: str
    digest: int | None  # CRC-32 of a regular file's content; None when not read (see offset)
    content: bytes | None  # the first bytes of a file some analysis needs
    location: str | None  # the file holding the content, when it was skipped
    offset: int  # where in that file the content starts (-1: not skipped)


class EntryTable:
    """A layer's entries as columns, index by index in tar order."""

    __slots__ = (
        "contents",
        "digests",
        "kinds",
        "links",
        "location",
        "offsets",
        "paths",
        "sizes",
        "whiteouts",
    )

    def __init__(self, location: str | None = None) -> None:
        self.paths: list[str] = []
        self.kinds = bytearray()  # KIND_CODE
        self.sizes = array("q")  # content bytes of regular files, 0 for the rest
        self.digests = array("q")  # CRC-32 of the content, -1 when it was not read
        self.offsets = array("q")  # where the content starts in LOCATION, -1 when not skipped
        self.links: dict[int, str] = {}  # link targets of symlinks and hard links
        self.contents: dict[int, bytes] = {}  # first bytes of the files some need asked for
        self.whiteouts: list[int] = []  # entries named .wh.*: deletions of the layers below
        self.location = location  # the file skipped contents can be read back from

    def __len__(self) -> int:
        return len(self.paths)

    def add(self, path: str, kind: int, size: int, digest: int, offset: int) -> int:
        paths = self.paths
        index = len(paths)
        paths.append(path)
        self.kinds.append(kind)
        self.sizes.append(size)
        self.digests.append(digest)
        self.offsets.append(offset)
        if ".wh." in path and path.rpartition("/")[2].startswith(".wh."):
            self.whiteouts.append(index)
        return index

    def kind(self, index: int) -> str:
        return KINDS[self.kinds[index]]

    def entry(self, index: int) -> Entry:
        digest, offset = self.digests[index], self.offsets[index]
        return Entry(
            self.paths[index],
            self.kind(index),
            self.sizes[index],
            self.links.get(index, ""),
            None if digest < 0 else digest,
            self.contents.get(index),
            self.location if offset >= 0 else None,
            offset,
        )

    def __iter__(self) -> Iterator[Entry]:
        return (self.entry(i) for i in range(len(self.paths)))

    def digest(self, index: int) -> int | None:
        """The CRC-32 of a regular file's content, read back from its file if it was skipped."""
        digest = self.digests[index]
        if digest >= 0:
            return digest
        offset = self.offsets[index]
        if self.location is None or offset < 0:
            return None
        crc, left = 0, self.sizes[index]
        with open(self.location, "rb") as handle:
            handle.seek(offset)
            while left > 0:
                chunk = handle.read(min(left, CHUNK))
                if not chunk:
                    return None
                crc, left = zlib.crc32(chunk, crc), left - len(chunk)
        self.digests[index] = crc
        return crc


def same_content(a: EntryTable, i: int, b: EntryTable, j: int) -> bool:
    """Whether regular file I of A and J of B hold the same bytes: by their digests when both
    were taken, else by comparing the bytes where they lie (a difference ends it early)."""
    size = a.sizes[i]
    if size != b.sizes[j]:
        return False
    known_a, known_b = a.digests[i], b.digests[j]
    if known_a >= 0 and known_b >= 0:
        return known_a == known_b
    if a.location is None or b.location is None or a.offsets[i] < 0 or b.offsets[j] < 0:
        first = a.digest(i)
        return first is not None and first == b.digest(j)
    with open(a.location, "rb", buffering=0) as one, open(b.location, "rb", buffering=0) as two:
        position = 0
        while position < size:
            step = min(CHUNK, size - position)
            left = os.pread(one.fileno(), step, a.offsets[i] + position)
            if len(left) != step or left != os.pread(two.fileno(), step, b.offsets[j] + position):
                return False
            position += step
    return True


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


def _read_entries(
    tar: TarStream, table: EntryTable, name: str, keep: Callable[[str], int], base: int, limit: int
) -> None:
    """Every member of TAR into TABLE. With BASE >= 0 (the layer's place in the file the table
    names) contents nobody keeps are passed over (seeked over, when the stream can) and only
    their place is noted; otherwise each file's content is read for its digest. LIMIT caps the
    tar's size."""
    codes, links, contents, add = _TYPE_CODE, table.links, table.contents, table.add
    for member in tar:
        offset = member.offset
        if offset + member.size > limit:
            raise LayerError(f"{name}: its tar is larger than --max-layer-bytes ({limit} bytes)")
        path = normalize(member.name, name)
        if not path:
            continue
        code = codes.get(member.type, 4)
        if code:  # not a regular file: no content
            index = add(path, code, 0, -1, -1)
            if code in (2, 3):
                target = member.linkname
                links[index] = normalize(target, name) if code == 3 else target
            continue
        wanted = keep(path)
        if base >= 0 and not wanted:
            add(path, 0, member.size, -1, base + offset)
            continue
        crc, kept = 0, b""
        for chunk in tar.chunks():
            crc = zlib.crc32(chunk, crc)
            if len(kept) < wanted:
                kept += chunk[: wanted - len(kept)]
        index = add(path, 0, member.size, crc, -1)
        if wanted:
            contents[index] = kept


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
        raise LayerError(f"{name}: its tar is larger than --max-layer-bytes ({limits.max_bytes})")
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
    except (TarError, ValueError, EOFError, zlib.error, zstandard.ZstdError, OSError) as exc:
        raise LayerError(f"{name}: not a readable layer: {exc}") from None
    return LayerSummary(table, sum(table.sizes), compression)
