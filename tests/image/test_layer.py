"""One layer blob: measured for compare, summarized for analyze, keeping what analyses need."""

from __future__ import annotations

import gzip
import io
import json
import re
import tarfile
import zlib
from pathlib import Path

import pytest

from slimstage.errors import UsageError
from slimstage.image import archive
from slimstage.image.blob import DEFAULT_LIMITS, LayerError, Limits
from slimstage.image.filerange import FileRange
from slimstage.image.layer import (
    ContentNeed,
    LayerSizes,
    Segment,
    content_limit,
    measure,
    normalize,
    same_content,
    scan,
    scan_segment,
)
from tests.image import craft
from tests.imagebuild import layer_tar


def _tar_bytes(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def build_archive(path: Path, layers: list[bytes], *, layout: str, manifest_last: bool) -> Path:
    """A docker-save archive: classic (<id>/layer.tar) or OCI blobs (Docker 25+)."""
    members: dict[str, bytes] = {}
    names = []
    for i, blob in enumerate(layers):
        name = f"{i:064x}/layer.tar" if layout == "classic" else f"blobs/sha256/{i + 1:064x}"
        names.append(name)
        members[name] = blob
    config = "config.json" if layout == "classic" else f"blobs/sha256/{0:064x}"
    members[config] = b"{}"
    manifest = json.dumps([{"Config": config, "RepoTags": [], "Layers": names}]).encode()
    ordered = dict(members) if manifest_last else {"manifest.json": manifest, **members}
    if manifest_last:
        ordered["manifest.json"] = manifest
    path.write_bytes(_tar_bytes(ordered))
    return path


def _layers() -> list[bytes]:
    return [
        _tar_bytes({"etc/hello": b"hello world\n" * 1000}),
        _tar_bytes({"bin/tool": bytes(range(256)) * 400, "etc/hello": b"x"}),
    ]


def layer_sizes(stream: io.BufferedReader | io.BytesIO) -> list[LayerSizes]:
    # These archives name blobs by made-up digests: what is measured here is not their names.
    image = archive.read_stream(stream, "test", read_layer=measure, verify=False)
    return [item.summary for item in image.layers]


@pytest.mark.parametrize("layout", ["classic", "oci"])
@pytest.mark.parametrize("manifest_last", [True, False])
def test_layer_sizes_match_gzip_level_6_of_each_layer(
    tmp_path: Path, layout: str, manifest_last: bool
) -> None:
    layers = _layers()
    path = build_archive(tmp_path / "a.tar", layers, layout=layout, manifest_last=manifest_last)
    with path.open("rb") as stream:
        sizes = layer_sizes(stream)
    assert [s.size for s in sizes] == [len(blob) for blob in layers]
    # `docker push` compresses at gzip's default level, 6; the figure must be that one.
    expected = [len(gzip.compress(blob, compresslevel=6, mtime=0)) for blob in layers]
    # gzip's header may differ by a few bytes (name, mtime fields); the deflate stream is the same.
    for got, want in zip((s.compressed for s in sizes), expected, strict=True):
        assert abs(got - want) <= 16
    assert sizes[0].compressed < sizes[0].size / 10  # repetitive text compresses well


def test_the_level_is_gzips_default_not_its_fastest() -> None:
    # Text with structure: level 1 and level 6 differ by far more than a header's bytes.
    blob = layer_tar(
        [("file", f"f{i}", f"line {i * 7919 % 1000} of {i}\n" * 50) for i in range(200)]
    )
    fast, default = (len(gzip.compress(blob, compresslevel=n, mtime=0)) for n in (1, 6))
    assert fast - default > 1000
    assert abs(measure(io.BytesIO(blob), "t").compressed - default) <= 16


def test_a_blob_compressed_already_counts_its_own_size() -> None:
    blob = gzip.compress(layer_tar([("file", "a", "a" * 5000)]))
    assert measure(io.BytesIO(blob), "t") == LayerSizes(len(blob), len(blob))


def test_content_needs_keep_the_most_any_analysis_asks_for() -> None:
    small = ContentNeed(re.compile(r".*\.pem$"), 10, (".pem",))
    large = ContentNeed(re.compile(r"etc/.*"), 1000, (), ("etc/",))
    limit = content_limit([small, large])
    assert (limit("etc/ssl/a.pem"), limit("x/a.pem"), limit("etc/passwd"), limit("x/y")) == (
        1000,
        10,
        1000,
        0,
    )
    assert content_limit([])("etc/passwd") == 0
    # The cheap first test is a test only: the pattern decides.
    assert content_limit([small])("x/b.pem.pem") == 10
    assert not ContentNeed(re.compile(r"keys/.*\.pem$"), 1, (".pem",)).wants("other/a.pem")


def test_scan_keeps_only_the_needed_contents_up_to_their_limit() -> None:
    blob = layer_tar([("file", "keep/me", "k" * 50), ("file", "skip/me", "s" * 50)])
    need = ContentNeed(re.compile(r"keep/"), 20, ("me",))
    summary = scan(io.BytesIO(blob), "t", needs=[need])
    contents = {e.path: e.content for e in summary.entries}
    assert contents == {"keep/me": b"k" * 20, "skip/me": None}
    assert summary.file_bytes == 100
    # Streamed, every content is read for its digest (it cannot be read back later).
    assert {e.path: e.digest for e in summary.entries} == {
        "keep/me": zlib.crc32(b"k" * 50),
        "skip/me": zlib.crc32(b"s" * 50),
    }


def test_from_a_file_contents_are_skipped_and_read_back_when_needed(tmp_path: Path) -> None:
    blob = layer_tar([("dir", "a"), ("file", "a/one", "1" * 700), ("file", "a/two", "2" * 3)])
    path = tmp_path / "layer.tar"
    path.write_bytes(b"x" * 100 + blob)
    with FileRange.open(str(path), 100, len(blob)) as stream:
        table = scan(stream, "t", str(path)).table
    assert list(table.digests) == [-1, -1, -1]  # nothing read yet
    assert [table.offsets[1] - 100, table.offsets[2] - 100] == [1024, 2560]
    assert table.digest(1) == zlib.crc32(b"1" * 700)
    assert table.digests[1] == zlib.crc32(b"1" * 700)  # read once, then kept
    assert table.digest(0) is None  # a folder has no content


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("usr/bin/", "usr/bin"),
        ("./usr//bin/./x", "usr/bin/x"),
        ("a\\b", "a/b"),
    ],
)
def test_names_are_normalized(name: str, expected: str) -> None:
    assert normalize(name, "t") == expected


@pytest.mark.parametrize(
    ("name", "message"),
    [("../x", "escapes the image root"), ("a/../../x", "escapes"), ("/abs", "absolute path")],
)
def test_names_climbing_out_are_refused(name: str, message: str) -> None:
    with pytest.raises(LayerError, match=message):
        normalize(name, "t")


def test_a_layer_larger_than_the_limit_is_refused_by_its_tar() -> None:
    blob = layer_tar([("file", "a", "a" * 5000)])
    with pytest.raises(LayerError, match=r"layer9: its tar is larger than --max-layer-bytes"):
        scan(_Stream(blob), "layer9", limits=Limits(max_bytes=4096))
    assert scan(_Stream(blob), "layer9", limits=Limits(max_bytes=len(blob))).file_bytes == 5000


def test_a_layer_without_its_end_marker_is_truncated() -> None:
    blob = layer_tar([("file", "a", "a" * 5000)])
    with pytest.raises(LayerError, match="truncated"):
        scan(io.BytesIO(blob[: 512 + 5120]), "cut")


class _Stream:
    def __init__(self, data: bytes) -> None:
        self.data = io.BytesIO(data)

    def read(self, size: int = -1, /) -> bytes:
        return self.data.read(size)


def test_archive_without_manifest_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bad.tar"
    path.write_bytes(_tar_bytes({"x/layer.tar": b"abc"}))
    with path.open("rb") as stream, pytest.raises(UsageError, match="no manifest"):
        layer_sizes(stream)


def test_manifest_naming_a_missing_layer_is_rejected(tmp_path: Path) -> None:
    manifest = json.dumps([{"Config": "c.json", "Layers": ["gone/layer.tar"]}]).encode()
    path = tmp_path / "bad.tar"
    path.write_bytes(_tar_bytes({"manifest.json": manifest, "c.json": b"{}"}))
    with path.open("rb") as stream, pytest.raises(UsageError, match="does not contain"):
        layer_sizes(stream)


def test_truncated_archive_is_a_clear_error(tmp_path: Path) -> None:
    full = build_archive(tmp_path / "a.tar", _layers(), layout="classic", manifest_last=True)
    cut = tmp_path / "cut.tar"
    cut.write_bytes(full.read_bytes()[:3000])
    with cut.open("rb") as stream, pytest.raises(UsageError):
        layer_sizes(stream)


def test_not_a_tar_is_a_clear_error() -> None:
    with pytest.raises(UsageError, match="not a readable image archive"):
        layer_sizes(io.BytesIO(b"this is not a tar archive" * 40))


@pytest.mark.parametrize(("name", "expected"), [("a//b", "a/b"), ("usr/binX/", "usr/binX")])
def test_doubled_slashes_go_and_names_keep_their_last_letter(name: str, expected: str) -> None:
    assert normalize(name, "t") == expected


def _on_disk(tmp_path: Path, blob: bytes) -> tuple[Path, int]:
    path = tmp_path / "layer.tar"
    path.write_bytes(b"p" * 512 + blob)  # the layer starts inside the file, as in an archive
    return path, 512


def test_a_layer_on_disk_larger_than_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    blob = layer_tar([("file", "a", "a" * 5000)])
    path, start = _on_disk(tmp_path, blob)
    with FileRange.open(str(path), start, len(blob)) as stream, pytest.raises(LayerError) as caught:
        scan(stream, "l", str(path), limits=Limits(max_bytes=len(blob) - 1))
    assert (
        str(caught.value) == f"l: its tar is larger than --max-layer-bytes ({len(blob) - 1} bytes)"
    )
    with FileRange.open(str(path), start, len(blob)) as stream:
        assert scan(stream, "l", str(path), limits=Limits(max_bytes=len(blob))).file_bytes == 5000


def test_a_member_claiming_more_than_the_layer_on_disk_holds_is_inconsistent(
    tmp_path: Path,
) -> None:
    blob = layer_tar([("file", "a", "a" * 5000)])
    path, start = _on_disk(tmp_path, blob[:2048])  # the member says 5000 bytes, 1536 follow
    with FileRange.open(str(path), start, 2048) as stream, pytest.raises(LayerError) as caught:
        scan(stream, "l", str(path))
    assert str(caught.value) == (
        "l: not a readable layer: "
        "truncated or inconsistent: a member claims 5000 bytes, 1536 are left"
    )


def test_a_compressed_layer_is_read_with_the_limits_given() -> None:
    packed = gzip.compress(layer_tar([("file", "a", "a" * 5000)]))
    with pytest.raises(LayerError, match="larger than --max-layer-bytes"):
        scan(io.BytesIO(packed), "l", limits=Limits(max_bytes=4096))


def test_only_names_starting_with_the_marker_are_whiteouts() -> None:
    blob = layer_tar([("file", "a.wh.b", "x"), ("file", "d.wh.x/c", "y"), ("whiteout", "e/f")])
    table = scan(io.BytesIO(blob), "t").table
    assert [table.paths[i] for i in table.whiteouts] == ["e/.wh.f"]


def test_a_member_of_a_type_tar_knows_but_no_file_kind_is_other() -> None:
    blob = b"".join([craft.member("fifo", kind=b"6"), craft.member("dev", kind=b"3"), craft.END])
    table = scan(io.BytesIO(blob), "t").table
    assert [table.kind(i) for i in range(len(table))] == ["other", "other"]
    assert list(table.offsets) == [-1, -1]


def test_a_long_link_target_comes_from_the_extended_header() -> None:
    target = "/opt/" + "t" * 150
    blob = craft.tar(craft.pax({"linkpath": target}), craft.member("link", kind=b"2"))
    assert scan(io.BytesIO(blob), "t").table.links == {0: target}
    long_hard = "d/" + "h" * 150
    gnu = craft.tar(
        craft.member("././@LongLink", long_hard.encode() + b"\0", kind=b"K"),
        craft.member("hard", kind=b"1"),
    )
    assert scan(io.BytesIO(gnu), "t").table.links == {0: long_hard}


def test_contents_over_a_chunk_are_digested_and_kept_up_to_the_limit() -> None:
    data = bytes(range(256)) * (10 << 10)  # 2.5 MiB
    need = ContentNeed(re.compile(r"db/status$"), (3 << 20) // 2, ("status",))
    table = scan(
        io.BytesIO(layer_tar([("file", "db/status", data.decode("latin-1"))])), "t", needs=[need]
    ).table
    assert table.digests[0] == zlib.crc32(data.decode("latin-1").encode())
    assert table.contents[0] == data.decode("latin-1").encode()[: (3 << 20) // 2]


def test_measure_compresses_every_chunk_of_a_large_layer() -> None:
    data = bytes(range(256)) * 8192 + b"z" * (3 << 20)  # over two chunks
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
    expected = len(compressor.compress(data) + compressor.flush())
    assert measure(io.BytesIO(data), "l") == LayerSizes(len(data), expected)


def test_a_layer_that_lists_its_root_as_dot_slash_keeps_every_entry() -> None:
    # `tar -C rootfs .` writes the root first, as "./"; it is no entry, the rest all are.
    blob = layer_tar([("dir", "./"), ("dir", "./etc"), ("file", "./etc/hello", "hi")])
    assert scan(io.BytesIO(blob), "t").table.paths == ["etc", "etc/hello"]


def test_contents_read_whole_have_no_place_to_be_read_back_from(tmp_path: Path) -> None:
    blob = layer_tar([("file", "keep/me", "k" * 50), ("file", "skip/me", "k" * 50)])
    need = ContentNeed(re.compile(r"keep/"), 20, ("me",))
    assert list(scan(io.BytesIO(blob), "t", needs=[need]).table.offsets) == [-1, -1]
    path, start = _on_disk(tmp_path, blob)
    with FileRange.open(str(path), start, len(blob)) as stream:
        table = scan(stream, "t", str(path), needs=[need]).table
    kept, skipped = table.paths.index("keep/me"), table.paths.index("skip/me")
    assert table.offsets[kept] == -1  # read for its first bytes, and digested then
    assert table.digests[kept] == zlib.crc32(b"k" * 50)
    assert table.digests[skipped] == -1
    assert same_content(table, kept, table, skipped)  # one digested, the other read back


def test_a_compressed_layer_expanding_past_its_ratio_is_refused() -> None:
    packed = gzip.compress(layer_tar([("file", "zeros", "\0" * (1 << 20))]))
    limits = Limits(max_ratio=10, ratio_floor=64 << 10)
    with pytest.raises(LayerError, match=r"^l: expands more than 10x its compressed size past "):
        scan(io.BytesIO(packed), "l", limits=limits)


def test_a_compressed_layer_names_no_file_to_read_contents_back_from(tmp_path: Path) -> None:
    packed = gzip.compress(layer_tar([("file", "a", "a" * 700)]))
    path, start = _on_disk(tmp_path, packed)
    with FileRange.open(str(path), start, len(packed)) as stream:
        table = scan(stream, "l", str(path)).table
    assert table.location is None
    assert list(table.digests) == [zlib.crc32(b"a" * 700)]  # digested as it went by


def test_a_layer_file_opened_on_its_own_is_read_back_from_its_own_offsets(tmp_path: Path) -> None:
    blob = layer_tar([("file", "a/one", "1" * 700), ("file", "a/two", "2" * 3)])
    path = tmp_path / "layer.tar"
    path.write_bytes(blob)
    with path.open("rb") as stream:
        table = scan(stream, "t", str(path)).table
    with tarfile.open(path) as reference:
        assert list(table.offsets) == [m.offset_data for m in reference.getmembers()]
    assert list(table.digests) == [-1, -1]
    assert [table.digest(0), table.digest(1)] == [zlib.crc32(b"1" * 700), zlib.crc32(b"222")]


def test_an_uncompressed_layer_is_read_no_further_than_its_end_marker() -> None:
    blob = layer_tar([("file", "a", "a" * 700)])
    stream = io.BytesIO(blob + bytes(4 << 20))  # whatever follows is not the layer's
    assert scan(stream, "t").file_bytes == 700
    assert stream.tell() < len(stream.getvalue())


# A layer in parts: "a" (header at 0, 700 bytes of data from 512), "b" (header at 1536, 100
# bytes from 2048), "c" (header at 2560, 600 bytes from 3072), the end marker from 4096.
PARTED = craft.tar(
    craft.member("a", b"a" * 700), craft.member("b", b"b" * 100), craft.member("c", b"c" * 600)
)


def _part(
    tmp_path: Path,
    layer: bytes,
    begin: int,
    end: int,
    *,
    last: bool,
    limits: Limits = DEFAULT_LIMITS,
) -> Segment:
    path, start = _on_disk(tmp_path, layer)
    with FileRange.open(str(path), start + begin, end - begin) as stream:
        return scan_segment(stream, "l", str(path), last=last, offset=begin, limits=limits)


def test_parts_cut_between_members_are_clean_and_read_back_from_the_file(tmp_path: Path) -> None:
    first = _part(tmp_path, PARTED, 0, 1536, last=False)
    rest = _part(tmp_path, PARTED, 1536, len(PARTED), last=True)
    assert (first.clean, rest.clean) == (True, True)
    assert (first.table.paths, rest.table.paths) == (["a"], ["b", "c"])
    assert rest.table.location == str(tmp_path / "layer.tar")
    assert [rest.table.digest(0), rest.table.digest(1)] == [
        zlib.crc32(b"b" * 100),
        zlib.crc32(b"c" * 600),
    ]


def test_a_part_cut_inside_a_member_is_not_clean_and_as_the_last_is_inconsistent(
    tmp_path: Path,
) -> None:
    assert not _part(tmp_path, PARTED, 0, 1024, last=False).clean
    with pytest.raises(LayerError) as caught:
        _part(tmp_path, PARTED, 0, 1024, last=True)
    assert str(caught.value) == (
        "l: not a readable layer: "
        "truncated or inconsistent: a member claims 700 bytes, 512 are left"
    )


def test_a_part_with_a_name_climbing_out_is_not_clean_and_as_the_last_is_refused(
    tmp_path: Path,
) -> None:
    layer = craft.tar(craft.member("a", b"a"), craft.member("../evil", b"e"))
    assert not _part(tmp_path, layer, 1024, 2048, last=False).clean
    with pytest.raises(LayerError, match=r"^l: entry '\.\./evil' escapes the image root$"):
        _part(tmp_path, layer, 1024, len(layer), last=True)


def test_the_size_limit_of_a_part_counts_from_the_layer_s_start(tmp_path: Path) -> None:
    # c's data ends 3672 bytes into the layer, 2136 bytes into the part; the message gives the
    # limit as set, not what is left of it in the part
    with pytest.raises(LayerError) as caught:
        _part(tmp_path, PARTED, 1536, len(PARTED), last=True, limits=Limits(max_bytes=3671))
    assert str(caught.value) == "l: its tar is larger than --max-layer-bytes (3671 bytes)"
    whole = Limits(max_bytes=len(PARTED))
    assert _part(tmp_path, PARTED, 1536, len(PARTED), last=True, limits=whole).clean


def test_the_last_part_is_held_to_the_limit_as_the_whole_layer_is(tmp_path: Path) -> None:
    """Over the limit only by the blocks after the last member's data: the layer read whole
    is refused, and so is its last part."""
    (tmp_path / "layer.tar").write_bytes(PARTED)
    limits = Limits(max_bytes=len(PARTED) - 1)
    message = f"l: its tar is larger than --max-layer-bytes ({len(PARTED) - 1} bytes)"
    with (
        FileRange.open(str(tmp_path / "layer.tar"), 0, len(PARTED)) as stream,
        pytest.raises(LayerError) as whole,
    ):
        scan(stream, "l", str(tmp_path / "layer.tar"), limits=limits)
    with pytest.raises(LayerError) as part:
        _part(tmp_path, PARTED, 1536, len(PARTED), last=True, limits=limits)
    assert str(whole.value) == str(part.value) == message
    # A part that is not the last ends before the blocks that make the layer too large.
    assert _part(tmp_path, PARTED, 0, 1536, last=False, limits=limits).clean


def test_a_stream_of_unknown_size_counts_the_blocks_after_its_last_member() -> None:
    # one 512-byte header, 5000 bytes of data padded to 5120, and the zero block that ends the
    # archive: 6144 bytes read (the second zero block is not needed to know the end)
    blob = craft.tar(craft.member("a", b"a" * 5000))
    with pytest.raises(LayerError, match=r"\(6143 bytes\)$"):
        scan(_Stream(blob), "l", limits=Limits(max_bytes=6143))
    assert scan(_Stream(blob), "l", limits=Limits(max_bytes=6144)).file_bytes == 5000


def test_a_part_that_is_a_file_of_its_own_is_read_back_from_its_own_offsets(
    tmp_path: Path,
) -> None:
    path = tmp_path / "layer.tar"
    path.write_bytes(PARTED)
    with path.open("rb") as stream:
        table = scan_segment(stream, "l", str(path), last=True, offset=0).table
    with tarfile.open(path) as reference:
        assert list(table.offsets) == [m.offset_data for m in reference.getmembers()]
    assert table.digest(2) == zlib.crc32(b"c" * 600)


@pytest.mark.parametrize(
    ("limit", "message"),
    [
        # the member's data would end at byte 2560 (512 + 2048), one past the limit: refused
        # there, before its missing data is read
        (2559, "l: its tar is larger than --max-layer-bytes (2559 bytes)"),
        # it would end right at the limit: allowed, so its missing data is found missing
        (2560, "l: not a readable layer: truncated: the data ends inside a member"),
    ],
)
def test_a_member_is_held_to_the_limit_by_where_its_data_would_end(
    limit: int, message: str
) -> None:
    blob = craft.header("a", 2048) + b"a" * 100  # the header claims 2048 bytes; 100 follow
    with pytest.raises(LayerError) as caught:
        scan(_Stream(blob), "l", limits=Limits(max_bytes=limit))
    assert str(caught.value).startswith(message)
