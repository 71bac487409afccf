"""Tar members written byte by byte, for what tarfile refuses to write: hostile headers."""

from __future__ import annotations

BLOCK = 512
END = bytes(2 * BLOCK)


def checksum(header: bytearray) -> None:
    header[148:156] = b" " * 8
    header[148:156] = f"{sum(header):06o}\0 ".encode()


def header(
    name: str,
    size: int = 0,
    kind: bytes = b"0",
    *,
    size_field: bytes | None = None,
    link: str = "",
    prefix: str = "",
) -> bytes:
    """A USTAR header; SIZE_FIELD, when given, is written as the size field as it is."""
    block = bytearray(BLOCK)
    encoded = name.encode("utf-8", "surrogateescape")
    block[: len(encoded)] = encoded
    block[100:108] = b"0000644\0"
    block[108:116] = b"0000000\0"
    block[116:124] = b"0000000\0"
    block[124:136] = size_field if size_field is not None else f"{size:011o}\0".encode()
    block[136:148] = b"00000000000\0"
    block[156:157] = kind
    block[157 : 157 + len(link)] = link.encode()
    block[257:265] = b"ustar\x0000"
    block[345 : 345 + len(prefix)] = prefix.encode()
    checksum(block)
    return bytes(block)


def member(name: str, data: bytes = b"", kind: bytes = b"0", **more: object) -> bytes:
    """A member with its data padded to a block."""
    return header(name, len(data), kind, **more) + data + bytes(-len(data) % BLOCK)  # type: ignore[arg-type]


def pax(records: dict[str, str], name: str = "PaxHeader") -> bytes:
    """A pax extended header member holding RECORDS."""
    body = b""
    for key, value in records.items():
        text = f" {key}={value}\n".encode()
        length = len(text) + 1
        while len(str(length)) + len(text) != length:
            length = len(str(length)) + len(text)
        body += str(length).encode() + text
    return member(name, body, b"x")


def tar(*members: bytes, end: bool = True) -> bytes:
    return b"".join(members) + (END if end else b"")
