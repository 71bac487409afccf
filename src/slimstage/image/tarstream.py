"""A small streaming tar reader: headers parsed by hand, data handed out in large chunks.

Python's tarfile stacks several buffered layers per read, which makes reading a gigabyte of
nested tars (an archive of layer tars) several times slower than the disk. This reader keeps
one level: it reads 512-byte headers, pax and GNU long-name records (size-capped), and lets the
caller read or skip each member's data. Skipping seeks when the source can seek, so reading a
layer's file list from an archive on disk touches little more than its headers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

BLOCK = 512
CHUNK = 1 << 20
MAX_META = 1 << 20  # pax records and GNU long names larger than this are refused

REGTYPES = (b"0", b"\0", b"7")
DIRTYPE, SYMTYPE, LNKTYPE = b"5", b"2", b"1"


class TarError(Exception):
    pass


class Source(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


@dataclass
class Member:
    name: str
    size: int
    type: bytes
    linkname: str
    mode: int
    uid: int
    gid: int
    offset: int  # position of the data in the source, counted from where reading started

    def isreg(self) -> bool:
        return self.type in REGTYPES

    def isdir(self) -> bool:
        return self.type == DIRTYPE


def _number(field: bytes) -> int:
    if field[:1] in (b"\x80", b"\xff"):  # base-256 (GNU) for large values
        value = int.from_bytes(field[1:], "big")
        return -value if field[:1] == b"\xff" else value
    text = field.split(b"\0", 1)[0].strip()
    return int(text, 8) if text else 0


def _string(field: bytes) -> str:
    return field.split(b"\0", 1)[0].decode("utf-8", "surrogateescape")


def _pax(data: bytes) -> dict[str, str]:
    records: dict[str, str] = {}
    position = 0
    while position < len(data):
        space = data.find(b" ", position)
        if space < 0:
            break
        length = int(data[position:space])
        if length <= 0:
            raise TarError("bad pax record")
        record = data[space + 1 : position + length - 1]
        key, _, value = record.partition(b"=")
        records[key.decode("utf-8", "surrogateescape")] = value.decode("utf-8", "surrogateescape")
        position += length
    return records


class TarStream:
    """Iterate members; between steps the caller may read the current member's data."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.position = 0
        self._left = 0  # unread data bytes of the current member
        self._pad = 0
        seek = getattr(source, "seek", None)
        seekable = getattr(source, "seekable", None)
        self._seek = seek if seek is not None and seekable is not None and seekable() else None

    def _read(self, size: int) -> bytes:
        data = self.source.read(size)
        while len(data) < size:
            more = self.source.read(size - len(data))
            if not more:
                break
            data += more
        self.position += len(data)
        return data

    def _skip(self, size: int) -> None:
        if size <= 0:
            return
        if self._seek is not None:
            self._seek(size, 1)
            self.position += size
            return
        while size > 0:
            data = self.source.read(min(size, CHUNK))
            if not data:
                raise TarError("unexpected end of data")
            size -= len(data)
            self.position += len(data)

    def chunks(self) -> Iterator[bytes]:
        """The rest of the current member's data."""
        while self._left > 0:
            data = self.source.read(min(self._left, CHUNK))
            if not data:
                raise TarError("unexpected end of data")
            self._left -= len(data)
            self.position += len(data)
            yield data

    def window(self) -> Window:
        """The current member's data as a stream of its own (seekable when the source is)."""
        return Window(self)

    def read_all(self, limit: int) -> bytes:
        if self._left > limit:
            raise TarError(f"member of {self._left} bytes is larger than {limit}")
        return b"".join(self.chunks())

    def _finish(self) -> None:
        self._skip(self._left + self._pad)
        self._left = self._pad = 0

    def __iter__(self) -> Iterator[Member]:
        pax: dict[str, str] = {}
        long_name = long_link = None
        while True:
            self._finish()
            header = self._read(BLOCK)
            if not header:
                return  # some writers omit the end-of-archive blocks
            if len(header) < BLOCK:
                raise TarError("unexpected end of archive")
            if header == bytes(BLOCK):
                return
            checksum = _number(header[148:156])
            computed = sum(header[:148]) + 256 + sum(header[156:])
            if checksum != computed:
                raise TarError(f"bad header checksum at byte {self.position - BLOCK}")
            kind = header[156:157]
            size = _number(header[124:136])
            if size < 0:
                raise TarError("negative member size")
            self._left, self._pad = size, -size % BLOCK
            if kind in (b"x", b"g", b"L", b"K"):
                if size > MAX_META:
                    raise TarError(f"tar meta header of {size} bytes")
                data = self.read_all(MAX_META)
                if kind == b"x":
                    pax = _pax(data)
                elif kind == b"L":
                    long_name = _string(data)
                elif kind == b"K":
                    long_link = _string(data)
                continue  # global pax headers ('g') are read and set aside
            name = _string(header[0:100])
            if header[257:263] == b"ustar\0":  # POSIX; GNU keeps other fields there
                prefix = _string(header[345:500])
                if prefix:
                    name = f"{prefix}/{name}"
            name = pax.get("path", long_name or name)
            linkname = pax.get("linkpath", long_link or _string(header[157:257]))
            if "size" in pax:
                size = int(pax["size"])
                self._left, self._pad = size, -size % BLOCK
            member = Member(
                name=name,
                size=size,
                type=kind,
                linkname=linkname,
                mode=_number(header[100:108]),
                uid=int(pax.get("uid", _number(header[108:116]))),
                gid=int(pax.get("gid", _number(header[116:124]))),
                offset=self.position,
            )
            pax, long_name, long_link = {}, None, None
            yield member


class Window:
    """Reads (and seeks) within the current member of a TarStream, keeping its count right."""

    def __init__(self, tar: TarStream) -> None:
        self.tar = tar
        self.start = tar.position

    def read(self, size: int = -1, /) -> bytes:
        tar = self.tar
        if size < 0 or size > tar._left:
            size = tar._left
        if size == 0:
            return b""
        data = tar.source.read(size)
        tar._left -= len(data)
        tar.position += len(data)
        return data

    def seekable(self) -> bool:
        return self.tar._seek is not None

    def seek(self, offset: int, whence: int = 0) -> int:
        tar = self.tar
        if tar._seek is None or whence != 1:
            raise OSError("only relative seeks on a seekable source")
        done = tar.position - self.start
        remaining = tar._left
        if not -done <= offset <= remaining:
            raise OSError("seek outside the member")
        tar._seek(offset, 1)
        tar.position += offset
        tar._left -= offset
        return tar.position - self.start
