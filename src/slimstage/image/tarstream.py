"""A small streaming tar reader: headers parsed by hand, data handed out in large chunks.

Python's tarfile stacks several buffered layers per read, which makes reading a gigabyte of
nested tars (an archive of layer tars) several times slower than the disk. This reader keeps
one buffer: it parses 512-byte headers, pax and GNU long-name records (size-capped), and lets
the caller read or skip each member's data. Skipping seeks when the source can seek, so reading
a layer's file list from an archive on disk touches little more than its headers.

It is strict where a lenient reader would report wrong figures: a member may not claim more
bytes than the source holds, sizes are never negative, and a stream that ends before the
end-of-archive blocks is truncated.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from slimstage.image.tarheader import (
    DIRTYPE,
    LNKTYPE,
    REGTYPES,
    SYMTYPE,
    Member,
    TarError,
    checksum_ok,
    decimal,
    pax_records,
    size_field,
    text,
)

__all__ = ["DIRTYPE", "LNKTYPE", "REGTYPES", "SYMTYPE", "Member", "Source", "TarError", "TarStream"]

BLOCK = 512
CHUNK = 1 << 20
SEEK_CHUNK = 64 << 10  # buffer refills when data can be skipped by seeking
MAX_META = 1 << 20  # pax records and GNU long names larger than this are refused
ZERO_BLOCK = bytes(BLOCK)

_META = (b"x", b"g", b"L", b"K")


class Source(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


#: A member as TarStream.entries() hands it out: see there.
RawMember = tuple[str, int, bytes, int, bytes, dict[str, str] | None, str | None]


class TarStream:
    """Iterate members; between steps the caller may read the current member's data.

    SIZE, when known, is how many bytes the source holds from here on: a member claiming more
    is refused before anything is skipped over it. With OPEN_END the source is a part of a tar
    that ends between two members: its end is no truncation.
    """

    def __init__(self, source: Source, *, size: int | None = None, open_end: bool = False) -> None:
        self.source = source
        self.size = size
        self.position = 0  # bytes consumed, counted from where reading started
        self.ended = False  # the end-of-archive marker was read
        self.open_end = open_end
        self._buf = b""
        self._pos = 0  # where in _buf the position is
        self._left = 0  # unread data bytes of the current member
        self._pad = 0
        self._member_start = 0
        self.last_header = b""  # the last header block whose checksum added up, for messages
        seek = getattr(source, "seek", None)
        seekable = getattr(source, "seekable", None)
        self._seek = seek if seek is not None and seekable is not None and seekable() else None
        self._refill = SEEK_CHUNK if self._seek is not None else CHUNK

    # -- the buffer --------------------------------------------------------------------------

    def _take(self, size: int) -> bytes:
        """Exactly SIZE bytes, or fewer at the end of the source."""
        end = self._pos + size
        if end <= len(self._buf):
            data = self._buf[self._pos : end]
            self._pos = end
        else:
            parts = [self._buf[self._pos :]]
            have = len(parts[0])
            while have < size:
                more = self.source.read(max(self._refill, size - have))
                if not more:
                    break
                parts.append(more)
                have += len(more)
            joined = b"".join(parts)
            data, self._buf, self._pos = joined[:size], joined, min(size, len(joined))
        self.position += len(data)
        return data

    def _move(self, delta: int) -> None:
        """Move the position by DELTA bytes (backwards too), seeking when the buffer cannot."""
        target = self._pos + delta
        if 0 <= target <= len(self._buf):
            self._pos = target
        elif delta > 0 and self._seek is None:
            rest = delta - (len(self._buf) - self._pos)
            self._buf, self._pos = b"", 0
            while rest > 0:
                data = self.source.read(min(rest, CHUNK))
                if not data:
                    raise TarError("truncated: the data ends inside a member")
                rest -= len(data)
        elif self._seek is not None:
            self._seek(target - len(self._buf), 1)
            self._buf, self._pos = b"", 0
        else:
            raise TarError("cannot move backwards in a stream")
        self.position += delta

    # -- member data -------------------------------------------------------------------------

    def read_data(self, size: int) -> bytes:
        """Up to SIZE bytes of the current member's data (b"" at its end)."""
        size = min(size, self._left)
        if size <= 0:
            return b""
        buffered = len(self._buf) - self._pos
        if buffered:
            data = self._buf[self._pos : self._pos + size]
            self._pos += len(data)
        else:
            # Past the buffer: it no longer holds what is just behind the position, so a move
            # back must not land in it.
            self._buf, self._pos = b"", 0
            data = self.source.read(size)
            if not data:
                raise TarError("truncated: the data ends inside a member")
        self._left -= len(data)
        self.position += len(data)
        return data

    def chunks(self) -> Iterator[bytes]:
        """The rest of the current member's data."""
        while data := self.read_data(CHUNK):
            yield data

    def skip_data(self, size: int) -> None:
        if not -(self.position - self._member_start) <= size <= self._left:
            raise OSError("seek outside the member")
        self._move(size)
        self._left -= size

    def window(self) -> Window:
        """The current member's data as a stream of its own (seekable when the source is)."""
        return Window(self)

    def read_all(self, limit: int) -> bytes:
        if self._left > limit:
            raise TarError(f"member of {self._left} bytes is larger than {limit}")
        return b"".join(self.chunks())

    # -- headers -----------------------------------------------------------------------------

    def _header(self) -> bytes | None:
        """The next header block, or None at the end-of-archive marker."""
        skip = self._left + self._pad
        buf, pos = self._buf, self._pos + skip
        self._left = self._pad = 0
        if pos + BLOCK <= len(buf):  # the usual case: the next header is in the buffer
            header = buf[pos : pos + BLOCK]
            self._pos = pos + BLOCK
            self.position += skip + BLOCK
        else:
            if skip:
                self._move(skip)
            header = self._take(BLOCK)
        if len(header) < BLOCK:
            if header:
                raise TarError("truncated: the data ends inside a tar header", header)
            if self.open_end:
                return None
            raise TarError("truncated: the data ends before the end-of-archive marker")
        if header == ZERO_BLOCK:
            self.ended = True
            return None
        try:
            good = checksum_ok(header)
        except TarError:
            good = False
        if not good:
            raise TarError(f"bad header checksum at byte {self.position - BLOCK}", header)
        self.last_header = header
        return header

    def last_name(self) -> str:
        """The name in the last good header block read (its pax or GNU long name aside): never
        bytes of a block that is no header."""
        return text(self.last_header[:100]) if len(self.last_header) == BLOCK else ""

    def _claim(self, size: int) -> None:
        """Make SIZE bytes (padded to a block) the current member's data."""
        if size < 0:
            raise TarError("negative member size")
        self._left, self._pad = size, -size % BLOCK
        self._member_start = self.position
        if self.size is not None and self.position + size > self.size:
            raise TarError(
                f"truncated or inconsistent: a member claims {size} bytes, "
                f"{self.size - self.position} are left"
            )

    def __iter__(self) -> Iterator[Member]:
        for name, size, kind, offset, header, pax, link in self.entries():
            yield Member(name, size, kind, offset, header, pax, link)

    def entries(self) -> Iterator[RawMember]:
        """Every member as a tuple (name, size, type, offset, header, pax records, GNU long
        link name): Member's fields, without making an object of each."""
        pax: dict[str, str] | None = None
        long_name = long_link = None
        while (header := self._header()) is not None:
            kind = header[156:157]
            self._claim(size_field(header[124:136]))
            if kind in _META:
                if self._left > MAX_META:
                    raise TarError(f"tar meta header of {self._left} bytes")
                data = self.read_all(MAX_META)
                if kind == b"x":
                    pax = pax_records(data)
                elif kind == b"L":
                    long_name = text(data)
                elif kind == b"K":
                    long_link = text(data)
                continue  # global pax headers ('g') are read and set aside
            name = long_name
            if name is None:
                end = header.find(0, 0, 100)
                name = header[: end if end >= 0 else 100].decode("utf-8", "surrogateescape")
                if header[345] and header[257:263] == b"ustar\0":  # POSIX; GNU differs
                    name = f"{text(header[345:500])}/{name}"
            if pax:
                name = pax.get("path", name)
                if "size" in pax:
                    self._claim(decimal(pax["size"], "size"))
            yield name, self._left, kind, self.position, header, pax, long_link
            pax, long_name, long_link = None, None, None
        if pax or long_name is not None or long_link is not None:
            raise TarError("the data ends between a member's extended headers and the member")


class Window:
    """Reads (and seeks) within the current member of a TarStream, keeping its count right."""

    def __init__(self, tar: TarStream) -> None:
        self.tar = tar
        self.start = tar.position
        self.size = tar._left

    def read(self, size: int = -1, /) -> bytes:
        return self.tar.read_data(self.tar._left if size < 0 else size)

    def seekable(self) -> bool:
        return self.tar._seek is not None

    def seek(self, offset: int, whence: int = 0) -> int:
        if whence != 1:
            raise OSError("only relative seeks")
        if self.tar._seek is None and offset < 0:
            raise OSError("cannot seek backwards in a stream")
        self.tar.skip_data(offset)
        return self.tar.position - self.start
