"""A layer's entries as columns (EntryTable), not as one object each: an image of a million
files then fits in a few hundred megabytes. Contents are not kept, only where they lie, and
read back when an analysis must compare two files' bytes."""

from __future__ import annotations

import os
import zlib
from array import array
from collections.abc import Iterator
from dataclasses import dataclass

from slimstage.image.tarheader import DIRTYPE, LNKTYPE, REGTYPES, SYMTYPE

CHUNK = 1 << 20
REG, DIR, SYMLINK, HARDLINK, OTHER = "file", "dir", "symlink", "hardlink", "other"
#: An entry's kind as stored in EntryTable.kinds (a byte each), and back.
KIND_CODE = {REG: 0, DIR: 1, SYMLINK: 2, HARDLINK: 3, OTHER: 4}
KINDS = (REG, DIR, SYMLINK, HARDLINK, OTHER)
TYPE_CODE = {**dict.fromkeys(REGTYPES, 0), DIRTYPE: 1, SYMTYPE: 2, LNKTYPE: 3}


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

    def extend(self, other: EntryTable) -> None:
        """OTHER's entries after these (the next part of the same layer)."""
        shift = len(self.paths)
        self.paths += other.paths
        self.kinds += other.kinds
        self.sizes += other.sizes
        self.digests += other.digests
        self.offsets += other.offsets
        self.links.update((index + shift, target) for index, target in other.links.items())
        self.contents.update((index + shift, data) for index, data in other.contents.items())
        self.whiteouts += [index + shift for index in other.whiteouts]

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
