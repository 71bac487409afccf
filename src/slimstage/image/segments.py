"""One large layer read in parts, in parallel: an uncompressed layer of an archive on disk is
cut at member headers, each part read by its own worker, and the parts put back together.

A cut is found by looking for a valid header (the "ustar" magic and a checksum that adds up)
near each place a part should begin. A file's content may hold something that looks like a
header; then the part before the cut cannot end cleanly at it (a member reaches past it, or
extended headers wait for their member), the parts are dropped, and the layer is read whole
instead. Digests cannot be taken in parts: when verifying, one more job hashes the layer whole
(it reads, where the parts mostly seek).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol, TypeVar

from slimstage.image.blob import Hashing, compression_of
from slimstage.image.filerange import FileRange
from slimstage.image.layerlist import Blob
from slimstage.image.tarheader import TarError, checksum_ok
from slimstage.image.tarstream import BLOCK, Source

T = TypeVar("T")
#: Layers smaller than this are read whole: cutting costs more than it saves.
SPLIT_BYTES = 64 << 20
_WINDOW = 1 << 20
_META = b"xgLK"


class SegmentReader(Protocol):
    """A LayerReader that can also read a part of a layer, and put the parts together."""

    def __call__(self, stream: Source, name: str, location: str | None) -> Any: ...

    def segment(
        self, stream: Source, name: str, location: str | None, *, last: bool, offset: int
    ) -> Any:
        """Read the part of a layer STREAM holds, OFFSET bytes into the layer's tar; unless
        LAST, the part ends between two members."""

    def merge(self, parts: list[Any]) -> Any | None:
        """The layer made of PARTS, or None when they do not fit together."""


def _is_header(block: bytes) -> bool:
    if len(block) != BLOCK or block[257:262] != b"ustar":
        return False
    try:
        return checksum_ok(block)
    except TarError:
        return False


def _size(block: bytes) -> int:
    field = block[124:136].split(b"\0", 1)[0].strip()
    return int(field, 8) if field and not field.strip(b"01234567") else -1


def _extended_before(fd: int, start: int, cut: int) -> int | None:
    """Where the extended header (pax, GNU long name) that ends right at CUT begins, if one
    does: its data (up to 8 blocks are looked at) reaches exactly to CUT."""
    for back in range(1, 9):
        before = cut - back * BLOCK
        if before < 0:
            return None
        block = os.pread(fd, BLOCK, start + before)
        size = _size(block)
        if (
            block[156:157] in (b"x", b"g", b"L", b"K")
            and _is_header(block)
            and before + BLOCK + size + (-size % BLOCK) == cut
        ):
            return before
    return None


def _cut_near(fd: int, start: int, near: int) -> int | None:
    """Where a member's header begins at or after NEAR (from START), with every extended header
    that belongs to it: a place the tar can be cut. None when nothing is found close by, or
    when the member's headers begin the layer."""
    offset = near - near % BLOCK
    data = os.pread(fd, _WINDOW, start + offset)
    for at in range(0, len(data) - BLOCK + 1, BLOCK):
        if _is_header(data[at : at + BLOCK]):
            cut = offset + at
            # Extended headers just before belong to this member, one after another.
            while (before := _extended_before(fd, start, cut)) is not None:
                cut = before
            return cut if cut > 0 else None
    return None


def cuts(path: str, start: int, size: int, parts: int) -> list[int]:
    """Where to cut SIZE bytes of the tar at START in PATH into at most PARTS parts (offsets
    from START, the first 0)."""
    found = [0]
    with open(path, "rb", buffering=0) as handle:
        for part in range(1, parts):
            cut = _cut_near(handle.fileno(), start, size * part // parts)
            if cut is not None and cut > found[-1] and cut < size:
                found.append(cut)
    return found


def _hash(path: str, start: int, size: int, algorithm: str) -> str:
    with FileRange.open(path, start, size) as stream:
        hashing = Hashing(stream, algorithm)
        hashing.drain()
        return hashing.digest


def _segment(
    reader: SegmentReader, path: str, start: int, size: int, name: str, last: bool, offset: int
) -> Any:
    with FileRange.open(path, start, size) as stream:
        return reader.segment(stream, name, path, last=last, offset=offset)


@dataclass(frozen=True)
class Split:
    """A layer read in parts: the jobs for it, in order, the last one hashing it if verifying;
    the bytes each job reads."""

    jobs: list[Callable[[], Any]]
    verify: bool
    sizes: list[int]


def split(
    reader: SegmentReader,
    path: str,
    start: int,
    size: int,
    name: str,
    *,
    parts: int,
    algorithm: str | None,
) -> Split | None:
    """Jobs reading the layer at START in parts, or None when it is not worth it (small,
    compressed, or no place to cut)."""
    if parts < 2 or size < SPLIT_BYTES:
        return None
    with open(path, "rb", buffering=0) as handle:
        if compression_of(os.pread(handle.fileno(), 4, start)) != "none":
            return None
    places = cuts(path, start, size, parts)
    if len(places) < 2:
        return None
    ends = [*places[1:], size]
    jobs: list[Callable[[], Any]] = [
        partial(_segment, reader, path, start + a, b - a, name, b == size, a)
        for a, b in zip(places, ends, strict=True)
    ]
    sizes = [b - a for a, b in zip(places, ends, strict=True)]
    if algorithm is not None:
        jobs.append(partial(_hash, path, start, size, algorithm))
        sizes.append(size)
    return Split(jobs, algorithm is not None, sizes)


def gather(
    results: Iterator[Any],
    plan: Sequence[Split | None],
    whole: Sequence[Callable[[], Blob[T]]],
    reader: SegmentReader,
    sizes: Sequence[int],
) -> Iterator[Blob[T]]:
    """Each layer's Blob from the results of its jobs: one job's Blob, or a Split's parts put
    together (and, when they do not fit together, the layer read whole here instead)."""
    for index, planned in enumerate(plan):
        if planned is None:
            yield next(results)
            continue
        parts = [next(results) for _ in planned.jobs]
        digest = parts.pop() if planned.verify else None
        merged = reader.merge(parts)
        if merged is None:
            yield whole[index]()
        else:
            yield Blob(merged, digest, False, sizes[index])
