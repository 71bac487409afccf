"""The hand-written tar reader against archives Python's tarfile writes in every format."""

from __future__ import annotations

import io
import tarfile

import pytest

from slimstage.image.tarstream import TarError, TarStream

LONG = "deep/" * 30 + "file-with-a-name-longer-than-one-hundred-characters.txt"


def _archive(fmt: int) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as tar:
        for name, data in (("short.txt", b"abc"), (LONG, b"x" * 700)):
            info = tarfile.TarInfo(name)
            info.size, info.uid, info.gid, info.mode = len(data), 1000, 1001, 0o640
            tar.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("link-" + "l" * 120)
        link.type, link.linkname = tarfile.SYMTYPE, "target/" + "t" * 120
        tar.addfile(link)
        folder = tarfile.TarInfo("dir")
        folder.type = tarfile.DIRTYPE
        tar.addfile(folder)
    return buf.getvalue()


@pytest.mark.parametrize("fmt", [tarfile.PAX_FORMAT, tarfile.GNU_FORMAT])
@pytest.mark.parametrize("seekable", [True, False])
def test_members_names_links_and_data(fmt: int, seekable: bool) -> None:
    raw = io.BytesIO(_archive(fmt))
    source = raw if seekable else _Pipe(raw)
    tar = TarStream(source)
    seen = []
    for member in tar:
        data = b"".join(tar.chunks()) if member.name == LONG else b""
        seen.append((member.name, member.size, member.type, member.linkname, data[:3]))
        if member.name == "short.txt":
            assert (member.uid, member.gid, member.mode) == (1000, 1001, 0o640)
    assert seen == [
        ("short.txt", 3, b"0", "", b""),  # its data is skipped, not read
        (LONG, 700, b"0", "", b"xxx"),
        ("link-" + "l" * 120, 0, b"2", "target/" + "t" * 120, b""),
        ("dir/", 0, b"5", "", b""),  # tarfile writes folders with a trailing slash
    ]


def test_window_reads_and_seeks_inside_one_member() -> None:
    tar = TarStream(io.BytesIO(_archive(tarfile.PAX_FORMAT)))
    for member in tar:
        if member.name == LONG:
            window = tar.window()
            assert window.read(10) == b"x" * 10
            window.seek(-5, 1)
            assert len(window.read(-1)) == 695
            assert window.read(5) == b""
            with pytest.raises(OSError, match="outside the member"):
                window.seek(1, 1)


def test_large_sizes_in_base_256() -> None:
    header = bytearray(tarfile.TarInfo("big").tobuf(format=tarfile.GNU_FORMAT))
    size = 9 * 1024**3  # beyond the 8 GiB that octal fields hold
    header[124:136] = b"\x80" + size.to_bytes(11, "big")
    header[148:156] = b" " * 8
    header[148:156] = f"{sum(header):06o}\0 ".encode()
    member = next(iter(TarStream(io.BytesIO(bytes(header)))))
    assert member.size == size


def test_corrupt_header_and_truncation() -> None:
    data = bytearray(_archive(tarfile.PAX_FORMAT))
    data[0] ^= 0xFF
    with pytest.raises(TarError, match="checksum"):
        list(TarStream(io.BytesIO(bytes(data))))
    whole = _archive(tarfile.PAX_FORMAT)
    with pytest.raises(TarError, match="unexpected end"):
        _read_everything(TarStream(_Pipe(io.BytesIO(whole[: len(whole) // 3]))))


def _read_everything(tar: TarStream) -> None:
    for _ in tar:
        b"".join(tar.chunks())


def test_oversized_pax_record_is_refused() -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo("x")
        info.pax_headers = {"comment": "c" * (2 << 20)}
        tar.addfile(info)
    with pytest.raises(TarError, match="meta header"):
        list(TarStream(io.BytesIO(buf.getvalue())))


class _Pipe:
    """A source that cannot seek, like `docker save` output."""

    def __init__(self, raw: io.BytesIO) -> None:
        self.raw = raw

    def read(self, size: int = -1, /) -> bytes:
        return self.raw.read(size)
