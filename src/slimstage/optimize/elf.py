"""The dynamic section of an ELF file: the libraries it needs (DT_NEEDED), its own soname and its
search paths (DT_RPATH, DT_RUNPATH).

This module also runs inside images (the probe sends its source to the image's own interpreter),
so it uses the standard library only, imports nothing from slimstage, and keeps to what Python
3.8 understands. It reads only the header, the program headers, the dynamic segment and the
strings those name, whatever the file's size.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import BinaryIO

MAGIC = b"\x7fELF"
_PT_LOAD, _PT_DYNAMIC = 1, 2
_DT_NULL, _DT_NEEDED, _DT_STRTAB, _DT_SONAME, _DT_RPATH, _DT_RUNPATH = 0, 1, 5, 14, 15, 29
_MAX_STRING = 4096


@dataclass(frozen=True)
class ElfDynamic:
    needed: tuple[str, ...]
    soname: str | None
    search_paths: tuple[str, ...]  # DT_RPATH then DT_RUNPATH entries, $ORIGIN unexpanded


class NotElf(ValueError):
    """The file is not a well-formed ELF file."""


def _layout(header: bytes) -> tuple[str, bool]:
    """The struct byte order and whether the file is 64-bit, from e_ident."""
    if header[:4] != MAGIC:
        raise NotElf("no ELF magic")
    if header[4] not in (1, 2) or header[5] not in (1, 2):
        raise NotElf("unknown ELF class or byte order")
    return ("<" if header[5] == 1 else ">"), header[4] == 2


def _read(handle: BinaryIO, offset: int, size: int) -> bytes:
    handle.seek(offset)
    data = handle.read(size)
    if len(data) != size:
        raise NotElf("truncated")
    return data


def _segments(handle: BinaryIO, order: str, wide: bool) -> list[tuple[int, int, int, int, int]]:
    """(type, offset, vaddr, filesz, memsz) of every program header."""
    head = _read(handle, 0, 64 if wide else 52)
    if wide:
        phoff, phentsize, phnum = struct.unpack_from(order + "32xQ14xHH", head)
        fmt, fields = order + "II6Q", (0, 2, 3, 5, 6)
    else:
        phoff, phentsize, phnum = struct.unpack_from(order + "28xI10xHH", head)
        fmt, fields = order + "8I", (0, 1, 2, 4, 5)
    if phnum == 0 or phentsize < struct.calcsize(fmt) or phnum > 4096:
        return []
    table = _read(handle, phoff, phentsize * phnum)
    out = []
    for i in range(phnum):
        values = struct.unpack_from(fmt, table, i * phentsize)
        kind, offset, vaddr, filesz, memsz = (values[j] for j in fields)
        out.append((kind, offset, vaddr, filesz, memsz))
    return out


def _file_offset(segments: list[tuple[int, int, int, int, int]], vaddr: int) -> int:
    for kind, offset, start, filesz, _memsz in segments:
        if kind == _PT_LOAD and start <= vaddr < start + filesz:
            return vaddr - start + offset
    raise NotElf(f"address {vaddr:#x} is in no loaded segment")


def _string(handle: BinaryIO, offset: int) -> str:
    handle.seek(offset)
    raw = handle.read(_MAX_STRING).split(b"\0", 1)[0]
    return raw.decode("utf-8", "replace")


def read_dynamic(handle: BinaryIO) -> ElfDynamic | None:
    """The dynamic section of the ELF file HANDLE reads; None for a static file. Raises NotElf."""
    order, wide = _layout(_read(handle, 0, 16))
    segments = _segments(handle, order, wide)
    dynamic = [s for s in segments if s[0] == _PT_DYNAMIC]
    if not dynamic:
        return None
    _kind, offset, _vaddr, filesz, _memsz = dynamic[0]
    entry = struct.Struct(order + ("qQ" if wide else "iI"))
    data = _read(handle, offset, filesz - filesz % entry.size)
    tags: list[tuple[int, int]] = []
    for tag, value in entry.iter_unpack(data):
        if tag == _DT_NULL:
            break
        tags.append((tag, value))
    strtab = [value for tag, value in tags if tag == _DT_STRTAB]
    if not strtab:
        raise NotElf("dynamic section without a string table")
    base = _file_offset(segments, strtab[0])

    def strings(wanted: int) -> list[str]:
        return [_string(handle, base + value) for tag, value in tags if tag == wanted]

    sonames = strings(_DT_SONAME)
    paths = [p for text in strings(_DT_RPATH) + strings(_DT_RUNPATH) for p in text.split(":") if p]
    return ElfDynamic(tuple(strings(_DT_NEEDED)), sonames[0] if sonames else None, tuple(paths))


def dynamic_of(path: str) -> ElfDynamic | None:
    """The dynamic section of the file at PATH; None when it is not ELF or is linked statically."""
    try:
        with open(path, "rb") as handle:
            return read_dynamic(handle)
    except (OSError, NotElf, struct.error):
        return None


def is_elf(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(4) == MAGIC
    except OSError:
        return False
