"""The ELF reader on real shared objects of this machine, and on files built byte by byte."""

from __future__ import annotations

import glob
import io
import struct
from pathlib import Path

import pytest

from slimstage.optimize import elf


def _host_library(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/*/{name}") + glob.glob(f"/lib/*/{name}"))
    if not found:
        pytest.fail(f"{name} is not on this machine")
    return found[0]


def test_libz_needs_only_libc_and_names_itself() -> None:
    found = elf.dynamic_of(_host_library("libz.so.1"))
    assert found is not None
    assert found.needed == ("libc.so.6",)
    assert found.soname == "libz.so.1"


def test_a_python_extension_module_of_the_venv_needs_libpq() -> None:
    import psycopg2

    modules = glob.glob(str(Path(psycopg2.__file__).parent / "_psycopg*.so"))
    assert modules, "psycopg2 is built from source in the dev environment"
    found = elf.dynamic_of(modules[0])
    assert found is not None
    assert "libpq.so.5" in found.needed
    assert found.soname is None


def test_the_interpreters_ssl_module_needs_openssl() -> None:
    import _ssl

    found = elf.dynamic_of(str(_ssl.__file__))
    assert found is not None
    assert any(name.startswith("libssl.so") for name in found.needed)


def test_non_elf_and_missing_files_are_none(tmp_path: Path) -> None:
    text = tmp_path / "x.so"
    text.write_text("not a library")
    assert elf.dynamic_of(str(text)) is None
    assert elf.dynamic_of(str(tmp_path / "missing.so")) is None
    assert not elf.is_elf(str(text))
    assert elf.is_elf(_host_library("libz.so.1"))


def _elf32_big_endian(needed: list[str], runpath: str) -> bytes:
    """A minimal 32-bit big-endian ELF: one PT_LOAD and one PT_DYNAMIC over a string table."""
    strings = b"\0" + b"\0".join(n.encode() for n in [*needed, runpath]) + b"\0"
    offsets, at = [], 1
    for name in [*needed, runpath]:
        offsets.append(at)
        at += len(name) + 1
    header_size, ph_size = 52, 32
    strtab_at = header_size + 2 * ph_size
    dyn_at = strtab_at + len(strings)
    entries = [(1, o) for o in offsets[:-1]] + [(29, offsets[-1]), (5, strtab_at), (0, 0)]
    dynamic = b"".join(struct.pack(">iI", t, v) for t, v in entries)
    total = dyn_at + len(dynamic)
    ident = b"\x7fELF" + bytes([1, 2, 1]) + bytes(9)
    header = ident + struct.pack(
        ">HHIIIIIHHHHHH", 3, 8, 1, 0, header_size, 0, 0, 52, 32, 2, 0, 0, 0
    )
    load = struct.pack(">8I", 1, 0, 0, 0, total, total, 5, 4096)
    dyn = struct.pack(">8I", 2, dyn_at, dyn_at, 0, len(dynamic), len(dynamic), 6, 4)
    return header + load + dyn + strings + dynamic


def test_32_bit_big_endian_files_are_read() -> None:
    data = _elf32_big_endian(["libfoo.so.1", "libbar.so.2"], "$ORIGIN/../lib:/opt/x")
    found = elf.read_dynamic(io.BytesIO(data))
    assert found == elf.ElfDynamic(
        ("libfoo.so.1", "libbar.so.2"), None, ("$ORIGIN/../lib", "/opt/x")
    )


def test_truncated_or_garbled_files_raise_not_elf() -> None:
    data = _elf32_big_endian(["libfoo.so.1"], "/x")
    with pytest.raises(elf.NotElf):
        elf.read_dynamic(io.BytesIO(data[:60]))
    with pytest.raises(elf.NotElf):
        elf.read_dynamic(io.BytesIO(b"\x7fELF\x09\x01" + bytes(60)))


def test_a_static_file_has_no_dynamic_section() -> None:
    data = bytearray(_elf32_big_endian(["libfoo.so.1"], "/x"))
    data[52 + 32 : 52 + 36] = struct.pack(">I", 4)  # the PT_DYNAMIC header becomes PT_NOTE
    assert elf.read_dynamic(io.BytesIO(bytes(data))) is None
