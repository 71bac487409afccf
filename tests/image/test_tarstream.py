"""The hand-written tar reader against archives Python's tarfile writes in every format, and
against hand-made headers tarfile would never write."""

from __future__ import annotations

import io
import os
import tarfile
import threading

import pytest

from slimstage.image.tarstream import Source, TarError, TarStream, Window
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
        (
            craft.tar(craft.pax({"size": "-5000000"}), craft.member("x")),
            "bad pax size record '-5000000'",
        ),
        (craft.tar(craft.pax({"size": "1e9"}), craft.member("x")), "bad pax size record '1e9'"),
        (craft.header("octal", size_field=b"-0000000001\0"), "bad size field in a tar header"),
        (craft.header("octal", size_field=b"0o000000017\0"), "bad size field in a tar header"),
        (craft.header("octal", size_field=b"00000_00017\0"), "bad size field in a tar header"),
    ],
)
def test_negative_and_malformed_sizes_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(TarError, match=f"^{message}$"):
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
        (100, "truncated: the data ends inside a tar header"),
        (512 + 3, "truncated: the data ends inside a member"),
        (512 + 512, "truncated: the data ends before the end-of-archive marker"),  # at a boundary
    ],
)
def test_truncation_anywhere_is_refused(seekable: bool, cut: int, message: str) -> None:
    whole = craft.tar(craft.member("a", b"a" * 10), craft.member("b", b"b" * 10))
    raw = io.BytesIO(whole[:cut])
    tar = TarStream(raw if seekable else _Pipe(raw))
    with pytest.raises(TarError, match=f"^{message}$"):
        _read_everything(tar)


def test_a_header_cut_short_comes_with_the_error() -> None:
    whole = craft.member("a", b"a" * 10)
    with pytest.raises(TarError) as caught:
        list(TarStream(io.BytesIO(whole[:100])))
    assert caught.value.block == whole[:100]


def _read_everything(tar: TarStream) -> None:
    for _ in tar:
        b"".join(tar.chunks())


def test_one_zero_block_ends_an_archive_and_padding_after_it_is_ignored() -> None:
    data = craft.member("a", b"x") + bytes(512) + b"anything after the end"
    tar = TarStream(io.BytesIO(data))
    assert [m.name for m in tar] == ["a"]
    assert tar.ended
    assert tar.read_data(100) == b""  # nothing after the end is a member's data


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


class _Trickle:
    """A pipe that hands out at most 1000 bytes per read: buffers run dry mid-member."""

    def __init__(self, data: bytes) -> None:
        self.raw = io.BytesIO(data)

    def read(self, size: int = -1, /) -> bytes:
        return self.raw.read(1000 if size < 0 else min(size, 1000))


BIG = bytes(range(256)) * 40  # 10240 bytes, each position recognisable
TWO = craft.tar(
    craft.member("first", b"f" * 700), craft.member("big", BIG), craft.member("z", b"z")
)


def _take(window: Window, size: int = -1) -> bytes:
    """SIZE bytes (all that is left with -1): a pipe's reads may come short."""
    out = b""
    while size < 0 or len(out) < size:
        data = window.read(-1 if size < 0 else size - len(out))
        if not data:
            break
        out += data
    return out


def _at_big(tar: TarStream) -> None:
    for member in tar:
        if member.name == "big":
            return
    raise AssertionError("no member named big")


@pytest.mark.parametrize("source", ["seekable", "pipe", "trickle"])
@pytest.mark.parametrize(("first", "skip"), [(10, 1), (10, 990), (0, 5000), (1, 1000), (100, 0)])
def test_skipping_inside_a_member_lands_exactly_where_asked(
    source: str, first: int, skip: int
) -> None:
    raw = io.BytesIO(TWO)
    sources: dict[str, Source] = {"seekable": raw, "pipe": _Pipe(raw), "trickle": _Trickle(TWO)}
    tar = TarStream(sources[source])
    _at_big(tar)
    window = tar.window()
    assert _take(window, first) == BIG[:first]
    assert window.seek(skip, 1) == first + skip  # the place in the member, whatever came before
    assert _take(window) == BIG[first + skip :]
    assert window.read(0) == b""
    # and the next member is read from its header, nothing lost or taken twice
    assert [(m.name, b"".join(tar.chunks())) for m in tar] == [("z", b"z")]


@pytest.mark.parametrize("source", ["pipe", "trickle"])
def test_skipping_whole_members_of_a_pipe(source: str) -> None:
    raw = io.BytesIO(TWO)
    tar = TarStream(_Pipe(raw) if source == "pipe" else _Trickle(TWO))
    assert [(m.name, m.size) for m in tar] == [("first", 700), ("big", len(BIG)), ("z", 1)]


def test_a_window_seeks_back_to_the_start_of_its_member_and_no_further() -> None:
    tar = TarStream(io.BytesIO(TWO))
    _at_big(tar)
    window = tar.window()
    window.read(10)
    assert window.seek(-10, 1) == 0
    assert window.read(3) == BIG[:3]
    with pytest.raises(OSError, match=r"^seek outside the member$"):
        window.seek(-4, 1)
    assert window.seek(len(BIG) - 3, 1) == len(BIG)  # to its very end: allowed
    assert window.read() == b""


def test_a_window_on_a_pipe_seeks_forward_only_and_only_relatively() -> None:
    tar = TarStream(_Trickle(TWO))
    _at_big(tar)
    window = tar.window()
    assert _take(window, 1500) == BIG[:1500]  # past what the header read buffered
    assert window.seek(0, 1) == 1500
    assert window.seek(1, 1) == 1501  # one byte, past what is buffered: read and dropped
    assert window.read(1) == BIG[1501:1502]
    with pytest.raises(OSError, match=r"^cannot seek backwards in a stream$"):
        window.seek(-1, 1)
    with pytest.raises(OSError, match=r"^only relative seeks$"):
        window.seek(0)
    with pytest.raises(OSError, match=r"^only relative seeks$"):
        window.seek(0, 2)
    # Below the window: a pipe cannot give back what it handed out.
    with pytest.raises(TarError, match=r"^cannot move backwards in a stream$"):
        tar.skip_data(-1)


def test_skipping_past_the_end_of_a_pipe_is_truncation() -> None:
    cut = craft.tar(craft.member("big", BIG), end=False)[: 512 + 3000]
    tar = TarStream(_Trickle(cut))
    with pytest.raises(TarError, match=r"^truncated: the data ends inside a member$"):
        _read_names(tar)


def _read_names(tar: TarStream) -> list[str]:
    return [m.name for m in tar]


def test_read_all_takes_a_member_up_to_its_limit_across_chunks() -> None:
    data = bytes(range(256)) * 5000  # more than one chunk
    tar = TarStream(io.BytesIO(craft.tar(craft.member("m", data))))
    next(iter(tar))
    assert tar.read_all(len(data)) == data
    tar = TarStream(io.BytesIO(craft.tar(craft.member("m", data))))
    next(iter(tar))
    with pytest.raises(
        TarError, match=f"member of {len(data)} bytes is larger than {len(data) - 1}"
    ):
        tar.read_all(len(data) - 1)


def test_the_last_name_is_the_whole_name_field() -> None:
    name = "n" * 100  # fills the field: no NUL ends it
    tar = TarStream(io.BytesIO(craft.member(name, b"x" * 10)[:600]))
    with pytest.raises(TarError):
        _read_names(tar)
    assert tar.last_name() == name


def test_seeking_back_after_reading_past_the_buffer_gives_the_bytes_read() -> None:
    big = bytes(range(251)) * 1000  # larger than what one refill buffers
    tar = TarStream(io.BytesIO(craft.tar(craft.member("big", big))))
    next(iter(tar))
    window = tar.window()
    assert _take(window, 200_000) == big[:200_000]
    window.seek(-1, 1)
    assert window.read(1) == big[199_999:200_000]
    window.seek(-150_000, 1)
    assert _take(window, 10) == big[50_000:50_010]


def test_a_bad_header_is_reported_at_the_byte_where_it_starts() -> None:
    data = bytearray(craft.tar(craft.member("a", b"a" * 10), craft.member("b", b"b")))
    with tarfile.open(fileobj=io.BytesIO(bytes(data))) as reference:
        at = reference.getmembers()[1].offset
    data[at + 1] ^= 0xFF
    with pytest.raises(TarError, match=rf"^bad header checksum at byte {at}$"):
        list(TarStream(io.BytesIO(bytes(data))))


def test_a_block_that_is_no_header_leaves_no_last_header() -> None:
    tar = TarStream(io.BytesIO(b"not a tar header".ljust(512, b".") + craft.END))
    with pytest.raises(TarError, match=r"^bad header checksum at byte 0$"):
        list(tar)
    assert (tar.last_header, tar.last_name()) == (b"", "")


def _odd_names() -> list[bytes]:
    beyond = bytearray(craft.header("file", prefix="p" * 155))
    beyond[500] = ord("X")  # the byte after the prefix field: no part of the name
    craft.checksum(beyond)
    return [
        craft.member("n" * 100),  # fills the name field: no NUL ends it
        craft.member(""),
        craft.member("caf\udce9"),  # not UTF-8
        craft.member("file", prefix="a"),
        bytes(beyond),
    ]


@pytest.mark.parametrize("member", _odd_names())
def test_names_are_read_as_pythons_tarfile_reads_them(member: bytes) -> None:
    data = craft.tar(member)
    with tarfile.open(
        fileobj=io.BytesIO(data), encoding="utf-8", errors="surrogateescape"
    ) as reference:
        expected = reference.getnames()
    assert [m.name for m in TarStream(io.BytesIO(data))] == expected


@pytest.mark.parametrize(
    "extended",
    [
        craft.pax({"path": "p"}),
        craft.member("././@LongLink", b"long-name\0", b"L"),
        craft.member("././@LongLink", b"long-target\0", b"K"),
    ],
)
def test_extended_headers_without_their_member_are_refused(extended: bytes) -> None:
    data = craft.tar(craft.member("a"), extended)
    with pytest.raises(
        TarError, match=r"^the data ends between a member's extended headers and the member$"
    ):
        list(TarStream(io.BytesIO(data)))


def test_a_global_pax_header_at_the_end_belongs_to_no_member() -> None:
    data = craft.tar(craft.member("a"), craft.member("global", b"13 comment=c\n", b"g"))
    assert [m.name for m in TarStream(io.BytesIO(data))] == ["a"]


def test_a_gnu_long_name_of_one_mib_is_read_and_one_byte_more_is_refused() -> None:
    limit = 1 << 20  # docs/analyze.md: GNU long names and pax records up to 1 MiB
    name = "d/" + "n" * (limit - 3)  # with its NUL, exactly the limit
    data = craft.tar(
        craft.member("././@LongLink", name.encode() + b"\0", b"L"), craft.member("short")
    )
    assert [m.name for m in TarStream(io.BytesIO(data))] == [name]
    over = craft.tar(
        craft.member("././@LongLink", name.encode() + b"n\0", b"L"), craft.member("short")
    )
    with pytest.raises(TarError, match=rf"^tar meta header of {limit + 1} bytes$"):
        list(TarStream(io.BytesIO(over)))


def test_reading_nothing_from_a_window_takes_nothing() -> None:
    tar = TarStream(io.BytesIO(TWO))
    _at_big(tar)
    window = tar.window()
    assert window.read(3) == BIG[:3]
    assert window.read(0) == b""
    assert window.read(3) == BIG[3:6]


def test_a_part_of_a_tar_may_end_right_after_a_member() -> None:
    data = craft.member("a", b"x" * 100) + craft.member("b", b"y" * 512)  # b fills its blocks
    tar = TarStream(io.BytesIO(data), size=len(data), open_end=True)
    assert [(m.name, b"".join(tar.chunks())) for m in tar] == [("a", b"x" * 100), ("b", b"y" * 512)]
    assert not tar.ended  # no end-of-archive marker was read
    short = TarStream(io.BytesIO(data), size=len(data) - 1, open_end=True)
    with pytest.raises(TarError, match=r"claims 512 bytes, 511 are left$"):
        _read_everything(short)


@pytest.mark.parametrize("seekable", [True, False])
def test_before_the_first_member_a_window_is_empty_and_a_seek_by_nothing_moves_nothing(
    seekable: bool,
) -> None:
    raw = io.BytesIO(TWO)
    tar = TarStream(raw if seekable else _Pipe(raw))
    window = tar.window()
    assert window.read() == b""
    assert window.seek(0, 1) == 0
    assert [m.name for m in tar] == ["first", "big", "z"]


def test_a_file_object_on_a_pipe_is_read_not_seeked() -> None:
    data = craft.tar(craft.member("big", BIG * 20), craft.member("z", b"z"))  # over 64 KiB
    read_end, write_end = os.pipe()

    def write() -> None:
        with open(write_end, "wb") as out:
            out.write(data)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        with open(read_end, "rb") as pipe:
            assert not pipe.seekable()
            assert [(m.name, m.size) for m in TarStream(pipe)] == [
                ("big", len(BIG) * 20),
                ("z", 1),
            ]
    finally:
        writer.join()


class _Counting:
    """A stream that counts the reads asked of it and the bytes it hands out; at most STEP
    bytes a read, when given."""

    def __init__(self, data: bytes, *, seekable: bool, step: int | None = None) -> None:
        self.raw = io.BytesIO(data)
        self._seekable = seekable
        self.step = step
        self.reads = 0
        self.taken = 0

    def read(self, size: int = -1, /) -> bytes:
        if self.step is not None:
            size = self.step if size < 0 else min(size, self.step)
        data = self.raw.read(size)
        self.reads += 1
        self.taken += len(data)
        return data

    def seekable(self) -> bool:
        return self._seekable

    def seek(self, offset: int, whence: int = 0) -> int:
        if not self._seekable:
            raise io.UnsupportedOperation("seek")
        return self.raw.seek(offset, whence)


def test_listing_a_seekable_archive_reads_little_more_than_its_headers() -> None:
    data = craft.tar(*(craft.member(f"m{i}", bytes(2 << 20)) for i in range(4)))
    source = _Counting(data, seekable=True)
    assert [m.name for m in TarStream(source)] == ["m0", "m1", "m2", "m3"]
    assert source.taken < len(data) // 8


def test_a_pipe_is_read_in_large_pieces_not_a_header_at_a_time() -> None:
    data = craft.tar(*(craft.member(f"m{i}", b"d" * 512) for i in range(2000)))  # 2 MB
    source = _Counting(data, seekable=False)
    assert len(list(TarStream(source))) == 2000
    assert source.reads < 10


def test_a_header_in_hand_is_handed_out_without_reading_further() -> None:
    # A slow stream handing out half a block at a time is not waited on for more.
    source = _Counting(craft.tar(craft.member("a"), craft.member("b")), seekable=False, step=256)
    members = iter(TarStream(source))
    assert next(members).name == "a"
    assert source.taken == 512
