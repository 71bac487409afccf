"""The hand-written tar reader against archives Python's tarfile writes in every format, and
against hand-made headers tarfile would never write."""

from __future__ import annotations

import io
import tarfile

import pytest

from slimstage.image.tarstream import TarError, TarStream
from tests.image import craft

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


class _Pipe:
    """A source that cannot seek, like `docker save` output."""

    def __init__(self, raw: io.BytesIO) -> None:
        self.raw = raw

    def read(self, size: int = -1, /) -> bytes:
        return self.raw.read(size)


@pytest.mark.parametrize("fmt", [tarfile.PAX_FORMAT, tarfile.GNU_FORMAT])
@pytest.mark.parametrize("seekable", [True, False])
def test_members_names_links_and_data(fmt: int, seekable: bool) -> None:
    raw = io.BytesIO(_archive(fmt))
    source = raw if seekable else _Pipe(raw)
    tar = TarStream(source)
    seen = []
    owners = {}
    for member in tar:
        data = b"".join(tar.chunks()) if member.name == LONG else b""
        seen.append((member.name, member.size, member.type, member.linkname, data[:3]))
        owners[member.name] = (member.uid, member.gid, member.mode)
    assert seen == [
        ("short.txt", 3, b"0", "", b""),  # its data is skipped, not read
        (LONG, 700, b"0", "", b"xxx"),
        ("link-" + "l" * 120, 0, b"2", "target/" + "t" * 120, b""),
        ("dir/", 0, b"5", "", b""),  # tarfile writes folders with a trailing slash
    ]
    assert owners["short.txt"] == (1000, 1001, 0o640)
    assert tar.ended


def test_ustar_prefix_is_part_of_the_name() -> None:
    data = craft.tar(craft.member("file.txt", b"abc", prefix="usr/share/a-long-folder"))
    [member] = list(TarStream(io.BytesIO(data)))
    assert member.name == "usr/share/a-long-folder/file.txt"


def test_pax_size_and_path_win_over_the_header() -> None:
    body = b"p" * 700
    data = craft.tar(
        craft.pax({"size": "700", "path": "from/pax"}),
        craft.header("from-header", 0) + body + bytes(-700 % 512),
        craft.member("after", b"ok"),
    )
    tar = TarStream(io.BytesIO(data))
    members = []
    for member in tar:
        members.append((member.name, member.size, b"".join(tar.chunks())))
    assert members == [("from/pax", 700, body), ("after", 2, b"ok")]


def test_window_reads_and_seeks_inside_one_member() -> None:
    tar = TarStream(io.BytesIO(_archive(tarfile.PAX_FORMAT)))
    windows = 0
    for member in tar:
        if member.name == LONG:
            window = tar.window()
            assert window.read(10) == b"x" * 10
            window.seek(-5, 1)
            assert len(window.read(-1)) == 695
            assert window.read(5) == b""
            with pytest.raises(OSError, match="outside the member"):
                window.seek(1, 1)
            windows += 1
    assert windows == 1


def test_large_sizes_in_base_256() -> None:
    size = 9 * 1024**3  # beyond the 8 GiB that octal fields hold
    header = craft.header("big", size_field=b"\x80" + size.to_bytes(11, "big"))
    member = next(iter(TarStream(io.BytesIO(header))))
    assert member.size == size


@pytest.mark.parametrize(
    ("data", "message"),
    [
        # base-256 with the sign bit: -1
        (craft.header("neg", size_field=b"\xff" * 12), "negative member size"),
        (craft.tar(craft.pax({"size": "-5000000"}), craft.member("x")), "bad pax size"),
        (craft.tar(craft.pax({"size": "1e9"}), craft.member("x")), "bad pax size"),
        (craft.header("octal", size_field=b"-0000000001\0"), "bad size field"),
        (craft.header("octal", size_field=b"0o000000017\0"), "bad size field"),
        (craft.header("octal", size_field=b"00000_00017\0"), "bad size field"),
    ],
)
def test_negative_and_malformed_sizes_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(TarError, match=message):
        list(TarStream(io.BytesIO(data)))


def test_a_member_larger_than_what_is_left_is_refused_before_skipping() -> None:
    data = craft.tar(craft.header("huge", 10**9), b"x" * 512)
    with pytest.raises(TarError, match="claims 1000000000 bytes, 1536 are left"):
        list(TarStream(io.BytesIO(data), size=len(data)))


def test_corrupt_header() -> None:
    data = bytearray(_archive(tarfile.PAX_FORMAT))
    data[0] ^= 0xFF
    with pytest.raises(TarError, match="checksum") as caught:
        list(TarStream(io.BytesIO(bytes(data))))
    assert caught.value.block is not None
    assert len(caught.value.block) == 512


def test_old_writers_signed_checksums_are_accepted() -> None:
    block = bytearray(craft.header("caf\u00e9"))  # a byte above 127 in the name
    block[148:156] = b" " * 8
    signed = sum(b - 256 if b > 127 else b for b in block)
    block[148:156] = f"{signed:06o}\0 ".encode()
    assert [m.name for m in TarStream(io.BytesIO(bytes(block) + craft.END))] == ["caf\u00e9"]


@pytest.mark.parametrize("seekable", [True, False])
@pytest.mark.parametrize(
    ("cut", "message"),
    [
        (100, "ends inside a tar header"),
        (512 + 3, "ends inside a member"),
        (512 + 512, "before the end-of-archive marker"),  # at a member boundary
    ],
)
def test_truncation_anywhere_is_refused(seekable: bool, cut: int, message: str) -> None:
    whole = craft.tar(craft.member("a", b"a" * 10), craft.member("b", b"b" * 10))
    raw = io.BytesIO(whole[:cut])
    tar = TarStream(raw if seekable else _Pipe(raw))
    with pytest.raises(TarError, match=message):
        _read_everything(tar)


def _read_everything(tar: TarStream) -> None:
    for _ in tar:
        b"".join(tar.chunks())


def test_one_zero_block_ends_an_archive_and_padding_after_it_is_ignored() -> None:
    data = craft.member("a", b"x") + bytes(512) + b"anything after the end"
    tar = TarStream(io.BytesIO(data))
    assert [m.name for m in tar] == ["a"]
    assert tar.ended


def test_oversized_pax_record_is_refused() -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo("x")
        info.pax_headers = {"comment": "c" * (2 << 20)}
        tar.addfile(info)
    with pytest.raises(TarError, match="meta header"):
        list(TarStream(io.BytesIO(buf.getvalue())))


@pytest.mark.parametrize("body", [b"12 a=b\n", b"x a=b\n", b"5 a=b\n", b"99 toolong\n"])
def test_malformed_pax_records_are_refused(body: bytes) -> None:
    data = craft.tar(craft.member("PaxHeader", body, b"x"), craft.member("x"))
    with pytest.raises(TarError, match="bad pax record"):
        list(TarStream(io.BytesIO(data)))
