"""A layer's entries as columns: kinds, links, whiteouts, and contents compared where they lie."""

from __future__ import annotations

import io
import os
import zlib
from pathlib import Path

import pytest

from slimstage.image.entries import EntryTable, same_content
from slimstage.image.filerange import FileRange
from slimstage.image.layer import scan
from tests.imagebuild import layer_tar


def test_entry_tables_hold_kinds_links_and_whiteouts() -> None:
    blob = layer_tar(
        [
            ("dir", "etc"),
            ("file", "etc/a", "aaa"),
            ("symlink", "etc/s", "/etc/a"),
            ("hardlink", "etc/h", "etc/a"),
            ("whiteout", "etc/gone"),
            ("opaque", "var"),
        ]
    )
    table = scan(io.BytesIO(blob), "t").table
    assert [table.kind(i) for i in range(len(table))] == [
        "dir",
        "file",
        "symlink",
        "hardlink",
        "file",
        "file",
    ]
    assert table.links == {2: "/etc/a", 3: "etc/a"}
    assert [table.paths[i] for i in table.whiteouts] == ["etc/.wh.gone", "var/.wh..wh..opq"]
    assert list(table.sizes) == [0, 3, 0, 0, 0, 0]


def _scanned_from_disk(tmp_path: Path, blob: bytes) -> EntryTable:
    """The layer BLOB's table, read from a file: contents skipped, their places kept."""
    path = tmp_path / "layer.tar"
    path.write_bytes(blob)
    with FileRange.open(str(path), 0, len(blob)) as stream:
        return scan(stream, "t", str(path)).table


def test_same_content_by_digest_or_by_bytes(tmp_path: Path) -> None:
    blob = layer_tar(
        [("file", "a", "x" * 3000), ("file", "b", "x" * 3000), ("file", "c", "x" * 2999 + "y")]
    )
    skipped = _scanned_from_disk(tmp_path, blob)
    assert same_content(skipped, 0, skipped, 1)
    assert not same_content(skipped, 0, skipped, 2)
    assert list(skipped.digests) == [-1, -1, -1]  # compared byte for byte, not digested
    streamed = scan(io.BytesIO(blob), "t").table
    for one in (skipped, streamed):
        for other in (skipped, streamed):
            assert same_content(one, 0, other, 1)
            assert not same_content(one, 0, other, 2)


@pytest.mark.filterwarnings("error")
def test_contents_are_read_once_a_chunk_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chunk = 1 << 20
    data = b"abcdefgh" * (chunk // 4) + b"t"  # two chunks and one byte
    (tmp_path / "blob").write_bytes(data + data)
    table = EntryTable(str(tmp_path / "blob"))
    table.add("a", 0, len(data), -1, 0)
    table.add("b", 0, len(data), -1, len(data))
    reads: list[tuple[int, int]] = []
    real_pread = os.pread

    def pread(fd: int, size: int, offset: int) -> bytes:
        reads.append((size, offset))
        if len(reads) > 20:
            raise AssertionError("the same bytes are read again and again")
        return real_pread(fd, size, offset)

    monkeypatch.setattr(os, "pread", pread)
    assert same_content(table, 0, table, 1)
    second = len(data)
    assert reads == [
        (chunk, 0),
        (chunk, second),
        (chunk, chunk),
        (chunk, second + chunk),
        (1, 2 * chunk),
        (1, second + 2 * chunk),
    ]


def test_entries_added_one_by_one_and_which_are_whiteouts() -> None:
    table = EntryTable("layer.tar")
    names = ["a/.wh.b", ".wh.top", "a.wh.b/c", "x/y.wh.z", "d/.wh..wh..opq"]
    for index, name in enumerate(names):
        assert table.add(name, 0, index * 10, index, 512 * index) == index
    assert (table.paths, list(table.sizes), list(table.digests), list(table.offsets)) == (
        names,
        [0, 10, 20, 30, 40],
        [0, 1, 2, 3, 4],
        [0, 512, 1024, 1536, 2048],
    )
    assert table.whiteouts == [0, 1, 4]  # only a name that starts with .wh. deletes
    assert len(table) == 5


def test_digests_and_offsets_of_zero_are_real_ones(tmp_path: Path) -> None:
    data = b"z" * 3 + b"hello" + b"world!"
    (tmp_path / "blob").write_bytes(data)
    table = EntryTable(str(tmp_path / "blob"))
    table.add("zero-crc", 0, 0, 0, -1)  # an empty file's CRC-32 is 0
    table.add("at-0", 0, 3, -1, 0)  # its content starts at the file's first byte
    table.add("at-3", 0, 5, -1, 3)
    table.add("unread", 0, 6, -1, -1)
    table.links[2] = "target"
    first, at0, at3, unread = table
    assert (first.digest, first.location) == (0, None)
    assert (at0.digest, at0.location, at0.offset) == (None, str(tmp_path / "blob"), 0)
    assert at3.linkname == "target"
    assert first.linkname == ""
    assert unread.location is None
    assert table.digest(0) == 0
    assert table.digest(1) == zlib.crc32(b"zzz")
    assert table.digest(2) == zlib.crc32(b"hello")
    assert table.digest(3) is None
    # the digests read back are kept
    assert list(table.digests) == [0, zlib.crc32(b"zzz"), zlib.crc32(b"hello"), -1]
    # a content read back in many chunks is the CRC of all of it
    big = EntryTable(str(tmp_path / "big"))
    (tmp_path / "big").write_bytes(bytes(range(256)) * 4096)
    big.add("big", 0, 256 * 4096, -1, 0)
    assert big.digest(0) == zlib.crc32(bytes(range(256)) * 4096)


def test_tables_extended_keep_every_column_and_shift_indexes() -> None:
    one, two = EntryTable(), EntryTable()
    one.add("a", 0, 1, 11, -1)
    one.add(".wh.x", 0, 0, -1, -1)
    two.add("b", 0, 2, 22, -1)
    two.add("d/.wh.y", 0, 0, -1, -1)
    two.links[0] = "a"
    two.contents[0] = b"#!"
    one.extend(two)
    assert one.paths == ["a", ".wh.x", "b", "d/.wh.y"]
    assert list(one.digests) == [11, -1, 22, -1]
    assert one.whiteouts == [1, 3]
    assert one.links == {2: "a"}
    assert one.contents == {2: b"#!"}


def test_same_content_when_one_digest_is_zero_or_one_offset_is_zero(tmp_path: Path) -> None:
    (tmp_path / "blob").write_bytes(b"")
    empty_known, empty_at_0 = EntryTable(), EntryTable(str(tmp_path / "blob"))
    empty_known.add("e", 0, 0, 0, -1)
    empty_at_0.add("e", 0, 0, -1, 0)
    assert same_content(empty_known, 0, empty_at_0, 0)
    (tmp_path / "two").write_bytes(b"abcabd")
    pair = EntryTable(str(tmp_path / "two"))
    pair.add("x", 0, 3, -1, 0)
    pair.add("y", 0, 3, -1, 3)
    assert not same_content(pair, 0, pair, 1)  # read where they lie, from offset 0 on
    known = EntryTable()
    known.add("k", 0, 3, zlib.crc32(b"abc"), -1)
    assert same_content(known, 0, pair, 0)
    assert not same_content(known, 0, pair, 1)


def test_contents_larger_than_a_chunk_are_compared_and_digested_whole(tmp_path: Path) -> None:
    chunk = 1 << 20
    base = "abcdefgh" * (chunk // 8) + "t"  # a chunk and one byte
    late = base[:-1] + "!"  # differs in the last byte, in the second chunk
    early = "!" + base[1:]
    blob = layer_tar(
        [("file", "a", base), ("file", "b", base), ("file", "c", late), ("file", "d", early)]
    )
    table = _scanned_from_disk(tmp_path, blob)
    assert same_content(table, 0, table, 1)
    assert not same_content(table, 0, table, 2)
    assert not same_content(table, 0, table, 3)
    assert not same_content(table, 2, table, 3)
    assert table.digest(0) == zlib.crc32(base.encode())
    assert table.digest(2) == zlib.crc32(late.encode())


def test_known_digests_answer_without_reading_the_files(tmp_path: Path) -> None:
    gone = str(tmp_path / "removed.tar")  # the layer file is no longer there to read
    one, two = EntryTable(gone), EntryTable(gone)
    one.add("empty", 0, 0, 0, 512)  # an empty file: its CRC-32 is 0
    two.add("empty", 0, 0, 0, 1024)
    one.add("a", 0, 3, zlib.crc32(b"abc"), 1536)
    two.add("a", 0, 3, zlib.crc32(b"abd"), 2048)
    assert same_content(one, 0, two, 0)
    assert same_content(two, 0, one, 0)
    assert not same_content(one, 1, two, 1)


def test_a_content_read_while_scanning_is_compared_by_its_digest(tmp_path: Path) -> None:
    (tmp_path / "layer.tar").write_bytes(b"--abc")
    on_disk = EntryTable(str(tmp_path / "layer.tar"))
    on_disk.add("skipped", 0, 3, -1, 2)
    read = EntryTable(str(tmp_path / "other.tar"))  # has a file, but this content was read
    read.add("read", 0, 3, zlib.crc32(b"abc"), -1)
    read.add("other", 0, 3, zlib.crc32(b"abd"), -1)
    assert same_content(read, 0, on_disk, 0)
    assert same_content(on_disk, 0, read, 0)
    assert not same_content(read, 1, on_disk, 0)
    assert not same_content(on_disk, 0, read, 1)


def test_contents_at_offset_zero_are_compared_byte_for_byte(tmp_path: Path) -> None:
    (tmp_path / "two").write_bytes(b"abcabcabd")
    table = EntryTable(str(tmp_path / "two"))
    table.add("x", 0, 3, -1, 0)
    table.add("y", 0, 3, -1, 3)
    table.add("z", 0, 3, -1, 6)
    assert same_content(table, 0, table, 1)
    assert same_content(table, 1, table, 0)
    assert not same_content(table, 2, table, 0)
    assert not same_content(table, 0, table, 2)
    assert list(table.digests) == [-1, -1, -1]  # no digest was taken
