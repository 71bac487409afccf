"""One tar header block, parsed: numbers (octal or base-256), names, pax records, checksums.

Strict where a lenient parser would let a hostile archive lie: sizes are never negative,
numbers are digits only (int() would take "-1", "0o7" and "1_0"), pax records must be exactly
as long as they say.
"""

from __future__ import annotations

import zlib

REGTYPES = (b"0", b"\0", b"7")
DIRTYPE, SYMTYPE, LNKTYPE = b"5", b"2", b"1"


class TarError(Exception):
    """A tar that cannot be read; BLOCK is the header block that failed its checks, if any."""

    def __init__(self, message: str, block: bytes | None = None) -> None:
        super().__init__(message)
        self.block = block


class Member:
    """One member. Fields nothing may need (mode, owner, link target) are parsed when asked for:
    a layer has hundreds of thousands of members."""

    __slots__ = ("_header", "_link", "_pax", "name", "offset", "size", "type")

    def __init__(
        self,
        name: str,
        size: int,
        type: bytes,
        offset: int,
        header: bytes,
        pax: dict[str, str] | None = None,
        link: str | None = None,
    ) -> None:
        self.name = name
        self.size = size
        self.type = type
        self.offset = offset  # position of the data in the source, from where reading started
        self._header = header
        self._pax = pax
        self._link = link

    @property
    def linkname(self) -> str:
        if self._pax and "linkpath" in self._pax:
            return self._pax["linkpath"]
        return text(self._header[157:257]) if self._link is None else self._link

    @property
    def mode(self) -> int:
        return _number(self._header[100:108], "mode")

    @property
    def uid(self) -> int:
        if self._pax and "uid" in self._pax:
            return decimal(self._pax["uid"], "uid")
        return _number(self._header[108:116], "uid")

    @property
    def gid(self) -> int:
        if self._pax and "gid" in self._pax:
            return decimal(self._pax["gid"], "gid")
        return _number(self._header[116:124], "gid")

    def isreg(self) -> bool:
        return self.type in REGTYPES

    def isdir(self) -> bool:
        return self.type == DIRTYPE


_OCTAL_DIGITS = b"01234567"


def _is_octal(digits: bytes) -> bool:
    """Octal digits only: int(x, 8) would also take "-1", "0o7", "1_0" and " 7 "."""
    return bool(digits) and not digits.strip(_OCTAL_DIGITS)


def _octal(field: bytes, what: str) -> int:
    digits = field.strip(b" \0")
    if not _is_octal(digits):
        digits = field.split(b"\0", 1)[0].strip(b" ")
        if not digits:
            return 0
        if not _is_octal(digits):
            raise TarError(f"bad {what} field in a tar header")
    return int(digits, 8)


def _number(field: bytes, what: str) -> int:
    if field[:1] in (b"\x80", b"\xff"):  # base-256 (GNU): big-endian two's complement
        value = int.from_bytes(field[1:], "big")
        return value - 256 ** (len(field) - 1) if field[:1] == b"\xff" else value
    return _octal(field, what)


def text(field: bytes) -> str:
    return field.split(b"\0", 1)[0].decode("utf-8", "surrogateescape")


def checksum_ok(header: bytes) -> bool:
    field = header[148:156]
    digits = field[:6]
    if field[6] == 0 and digits.isdigit() and b"8" not in digits and b"9" not in digits:
        stored = int(digits, 8)
    else:
        stored = _octal(field, "checksum")
    # Adler-32's low half is 1 + the byte sum (mod 65521): exact for 256 bytes at a time.
    adler = zlib.adler32
    total = (adler(header[:256]) & 0xFFFF) + (adler(header[256:]) & 0xFFFF) - 2
    unsigned = total - (adler(field) & 0xFFFF) + 1 + 256
    if stored == unsigned:
        return True
    high = sum(1 for byte in header[:148] + header[156:] if byte > 127)
    return stored == unsigned - 256 * high  # some old writers summed signed bytes


def size_field(field: bytes) -> int:
    digits = field[:11]
    if field[11] in (0, 32) and digits.isdigit():  # the usual: 11 octal digits
        try:
            return int(digits, 8)
        except ValueError:  # an 8 or a 9
            raise TarError("bad size field in a tar header") from None
    return _number(field, "size")


def decimal(value: str, key: str) -> int:
    if not value.isascii() or not value.isdigit():
        raise TarError(f"bad pax {key} record {value[:20]!r}")
    return int(value)


def pax_records(data: bytes) -> dict[str, str]:
    records: dict[str, str] = {}
    position = 0
    while position < len(data):
        space = data.find(b" ", position)
        length_text = data[position:space]
        if space < 0 or not length_text.isdigit():
            raise TarError("bad pax record")
        length = int(length_text)
        end = position + length
        if length <= space - position or end > len(data) or data[end - 1 : end] != b"\n":
            raise TarError("bad pax record")
        key, _, value = data[space + 1 : end - 1].partition(b"=")
        records[key.decode("utf-8", "surrogateescape")] = value.decode("utf-8", "surrogateescape")
        position = end
    return records
