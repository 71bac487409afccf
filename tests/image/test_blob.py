"""A layer blob as a stream: sniffed, decompressed to its very end, bombs stopped."""

from __future__ import annotations

import gzip
import hashlib
import io
import random
import zlib

import pytest
import zstandard

from slimstage.image import blob
from slimstage.image.blob import (
    Hashing,
    LayerError,
    Limits,
    Prefixed,
    compression_of,
    open_layer,
    peek,
)
from slimstage.image.tarstream import Source

MIB = 1 << 20
GIB = 1 << 30


class _OneWay:
    """A stream that cannot seek and, like a pipe, hands out at most 3 bytes per sized read."""

    def __init__(self, data: bytes) -> None:
        self.data = io.BytesIO(data)

    def read(self, size: int = -1, /) -> bytes:
        return self.data.read(size if size < 0 else min(size, 3))


def zeros_gzip(total: int, member: int = MIB) -> bytes:
    """TOTAL zero bytes as concatenated gzip members (cheap to make, however large)."""
    one = gzip.compress(bytes(member), compresslevel=9, mtime=0)
    return one * (total // member) + gzip.compress(bytes(total % member), mtime=0)


def zeros_zstd(total: int, frame: int = MIB) -> bytes:
    compressor = zstandard.ZstdCompressor(level=19)
    one = compressor.compress(bytes(frame))
    return one * (total // frame) + compressor.compress(bytes(total % frame))


def _drain(stream: Source, size: int = MIB) -> int:
    produced = 0
    while chunk := stream.read(size):
        assert len(chunk) <= size  # never more than asked for: memory stays bounded
        produced += len(chunk)
    return produced


def test_peek_rewinds_a_seekable_stream_and_keeps_it_seekable() -> None:
    stream = io.BytesIO(b"0123456789")
    head, rest, seekable = peek(stream, 4)
    assert (head, seekable) == (b"0123", True)
    assert rest is stream
    assert rest.read() == b"0123456789"


def test_peek_hands_the_bytes_back_first_on_a_pipe() -> None:
    head, rest, seekable = peek(_OneWay(b"0123456789"), 5)
    assert (head, seekable) == (b"01234", False)
    assert isinstance(rest, Prefixed)
    assert rest.read(2) == b"01"
    assert rest.read(-1) == b"23456789"
    assert peek(_OneWay(b"ab"), 4)[0] == b"ab"  # shorter than asked: all there is
    assert rest.read(5) == b""


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\x1f\x8b\x08\x00", "gzip"),
        (b"\x28\xb5\x2f\xfd", "zstd"),
        (b"ustar", "none"),
        (b"", "none"),
    ],
)
def test_compression_is_told_by_magic_bytes(head: bytes, kind: str) -> None:
    assert compression_of(head) == kind


DATA = b"layer bytes " * 10_000
ZSTD = zstandard.ZstdCompressor()


@pytest.mark.parametrize(
    ("packed", "kind"),
    [
        (DATA, "none"),
        (gzip.compress(DATA), "gzip"),
        (ZSTD.compress(DATA), "zstd"),
        # Some writers concatenate gzip members or zstd frames; all of them are the layer.
        (gzip.compress(DATA[:5000]) + gzip.compress(DATA[5000:]), "gzip"),
        (ZSTD.compress(DATA[:5000]) + ZSTD.compress(DATA[5000:]), "zstd"),
        # A skippable zstd frame (magic 0x184D2A5?) carries no data.
        (b"\x50\x2a\x4d\x18\x03\x00\x00\x00abc" + ZSTD.compress(DATA), "zstd"),
        # gzip(1) accepts zeros after the last member, and so does this.
        (gzip.compress(DATA) + bytes(700), "gzip"),
    ],
)
def test_open_layer_decompresses_what_it_recognises(packed: bytes, kind: str) -> None:
    stream, found, _ = open_layer(_OneWay(packed), "layer")
    assert found == kind
    out = b""
    while chunk := stream.read(7000):
        out += chunk
    assert out == DATA


def _flushed_gzip(data: bytes) -> bytes:
    """gzip cut right after a full flush: every byte so far decompresses, the trailer is gone."""
    compressor = zlib.compressobj(wbits=31)
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


@pytest.mark.parametrize(
    ("packed", "message"),
    [
        (gzip.compress(DATA)[:-8], "truncated: the gzip stream ends before its trailer"),
        (gzip.compress(DATA)[:-3], "truncated"),
        (gzip.compress(DATA)[:200], "truncated"),
        (_flushed_gzip(DATA), "truncated: the gzip stream ends before its trailer"),
        (gzip.compress(DATA)[:-8] + b"\0\0\0\0" + gzip.compress(DATA)[-4:], "incorrect data check"),
        (gzip.compress(DATA) + b"garbage", "data after the end of the gzip stream"),
        (ZSTD.compress(DATA)[:-1], "truncated: the zstd stream ends inside a frame"),
        (ZSTD.compress(DATA)[:30], "truncated"),
        (ZSTD.compress(DATA) + b"garbage", "not a readable zstd stream"),
    ],
)
def test_a_stream_that_stops_short_or_runs_on_is_refused(packed: bytes, message: str) -> None:
    stream, _, _ = open_layer(io.BytesIO(packed), "blobs/sha256/cut")
    with pytest.raises(LayerError, match=message) as caught:
        _drain(stream)
    assert str(caught.value).startswith("blobs/sha256/cut: ")  # the layer is named


def test_a_zstd_window_too_large_to_bound_memory_is_refused() -> None:
    data = bytes(blob.ZSTD_MAX_WINDOW * 2)
    params = zstandard.ZstdCompressionParameters.from_level(3, window_log=26)
    packed = zstandard.ZstdCompressor(compression_params=params).compress(data)
    stream, _, _ = open_layer(io.BytesIO(packed), "big-window")
    with pytest.raises(LayerError, match="big-window: not a readable zstd stream"):
        _drain(stream)


def test_the_limit_on_expanded_bytes_names_the_layer() -> None:
    stream, _, _ = open_layer(io.BytesIO(zeros_gzip(10 * MIB)), "blobs/sha256/big", Limits(4 * MIB))
    with pytest.raises(LayerError, match=r"blobs/sha256/big: .*larger than --max-layer-bytes"):
        _drain(stream)


def test_the_ratio_counts_only_past_its_floor() -> None:
    # 300 MB of zeros from about 300 kB, some 1000 times: under the 1 GiB floor, allowed.
    bomblet = zeros_gzip(300 * MIB)
    assert len(bomblet) * 900 < 300 * MIB
    assert _drain(open_layer(io.BytesIO(bomblet), "ok")[0]) == 300 * MIB
    # The same expansion past the floor is refused, with the default limits.
    bomb = zeros_zstd(GIB + 64 * MIB)
    stream, _, _ = open_layer(io.BytesIO(bomb), "blobs/sha256/bomb")
    with pytest.raises(LayerError, match=r"blobs/sha256/bomb: expands more than 200x"):
        _drain(stream)


def test_the_ratio_check_can_be_lowered_raised_or_turned_off() -> None:
    packed = zeros_gzip(8 * MIB)
    strict = Limits(max_ratio=50, ratio_floor=MIB)
    with pytest.raises(LayerError, match="expands more than 50x"):
        _drain(open_layer(io.BytesIO(packed), "l", strict)[0])
    off = Limits(max_ratio=0, ratio_floor=MIB)
    assert _drain(open_layer(io.BytesIO(packed), "l", off)[0]) == 8 * MIB


def test_a_bomb_is_read_in_bounded_pieces() -> None:
    stream, _, _ = open_layer(io.BytesIO(zeros_gzip(64 * MIB, 64 * MIB)), "l")
    assert isinstance(stream, blob.Expanded)
    gunzip = stream._gunzip
    assert gunzip is not None
    produced = 0
    while chunk := stream.read(MIB):
        assert len(chunk) <= MIB
        assert len(gunzip.pending) <= blob.IN_CHUNK  # compressed input held back: bounded too
        produced += len(chunk)
    assert produced == 64 * MIB


def test_hashing_covers_every_byte_read_and_drained() -> None:
    data = bytes(range(256)) * 5000
    hashing = Hashing(io.BytesIO(data))
    assert hashing.read(1000) == data[:1000]
    hashing.drain()
    assert hashing.digest == "sha256:" + hashlib.sha256(data).hexdigest()
    assert hashing.count == len(data)
    assert Hashing(io.BytesIO(b""), "sha512").digest == "sha512:" + hashlib.sha512().hexdigest()


class _Pieces:
    """A stream that hands out the given pieces, one per read, whatever size is asked for."""

    def __init__(self, *pieces: bytes) -> None:
        self.pieces = list(pieces)

    def read(self, size: int = -1, /) -> bytes:
        return self.pieces.pop(0) if self.pieces else b""


def test_counting_adds_up_every_read() -> None:
    counting = blob.Counting(io.BytesIO(bytes(100)))
    assert counting.count == 0
    counting.read(30)
    counting.read(50)
    counting.read()
    assert counting.count == 100


@pytest.mark.parametrize("kind", ["gzip", "zstd", "none"])
def test_a_sized_read_gives_at_most_that_many_bytes_and_none_for_zero(kind: str) -> None:
    packed = {"gzip": gzip.compress(DATA), "zstd": ZSTD.compress(DATA), "none": DATA}[kind]
    stream, found, _ = open_layer(io.BytesIO(packed), "layer")
    assert found == kind
    assert stream.read(0) == b""
    assert stream.read(1) == DATA[:1]
    assert stream.read(5) == DATA[1:6]
    assert stream.read(0) == b""


def test_zeros_after_the_last_gzip_member_end_it_whatever_follows_in_later_reads() -> None:
    member = gzip.compress(DATA)
    # Zeros, then a whole new member: after the padding, nothing but zeros may come.
    stream, _, _ = open_layer(_Pieces(member, bytes(512), member), "padded")
    with pytest.raises(LayerError, match="padded: data after the end of the gzip stream"):
        _drain(stream)
    stream, _, _ = open_layer(_Pieces(member, bytes(512), bytes(512), b"junk"), "padded")
    with pytest.raises(LayerError, match="data after the end of the gzip stream"):
        _drain(stream)
    stream, _, _ = open_layer(_Pieces(member, bytes(512), bytes(100)), "padded")
    assert _drain(stream) == len(DATA)


def test_data_after_a_gzip_stream_is_refused_whatever_its_bytes() -> None:
    stream, _, _ = open_layer(io.BytesIO(gzip.compress(DATA) + b"XX"), "x")
    with pytest.raises(LayerError, match="data after the end of the gzip stream"):
        _drain(stream)


def test_a_gzip_magic_split_across_reads_starts_the_next_member() -> None:
    first, second = gzip.compress(DATA[:5000]), gzip.compress(DATA[5000:])
    pieces = [first, second[:1], second[1:2], second[2:]]  # the magic arrives byte by byte
    stream, _, _ = open_layer(_Pieces(*pieces), "split")
    out = b"".join(iter(lambda: stream.read(MIB), b""))
    assert out == DATA


def test_every_zstd_frame_is_read_not_only_the_first() -> None:
    frames = ZSTD.compress(DATA[:5000]) + ZSTD.compress(DATA[5000:])
    stream, _, _ = open_layer(io.BytesIO(frames), "frames")
    assert _drain(stream, 1000) == len(DATA)


def test_the_byte_limit_allows_a_tar_of_exactly_that_size() -> None:
    packed = gzip.compress(DATA)
    exact = Limits(max_bytes=len(DATA))
    assert _drain(open_layer(io.BytesIO(packed), "l", exact)[0]) == len(DATA)
    one_less = Limits(max_bytes=len(DATA) - 1)
    with pytest.raises(LayerError, match="larger than --max-layer-bytes"):
        _drain(open_layer(io.BytesIO(packed), "l", one_less)[0])


def test_the_ratio_is_expanded_over_compressed_bytes_and_its_floor_is_allowed() -> None:
    noise = hashlib.sha256(b"seed").digest() * 2
    random_ish = b"".join(
        hashlib.sha256(noise + bytes([i, j])).digest() for i in range(64) for j in range(64)
    )
    packed = gzip.compress(random_ish)  # hardly compresses: a ratio near 1
    assert len(packed) * 2 > len(random_ish)
    modest = Limits(max_ratio=2, ratio_floor=1000)
    assert _drain(open_layer(io.BytesIO(packed), "l", modest)[0]) == len(random_ish)
    # Zeros expand far more than once, but reaching exactly the floor is still allowed.
    zeros = gzip.compress(bytes(MIB))
    at_floor = Limits(max_ratio=1, ratio_floor=MIB)
    assert _drain(open_layer(io.BytesIO(zeros), "l", at_floor)[0]) == MIB
    under_floor = Limits(max_ratio=1, ratio_floor=MIB - 1)
    with pytest.raises(LayerError, match="expands more than 1x"):
        _drain(open_layer(io.BytesIO(zeros), "l", under_floor)[0])


def test_prefixed_gives_nothing_for_a_zero_read() -> None:
    stream = Prefixed(b"ab", io.BytesIO(b"cd"))
    assert stream.read(0) == b""
    assert stream.read(1) == b"a"
    assert stream.read(0) == b""
    assert stream.read() == b"bcd"


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        # Skippable frames have the magic 0x184D2A50 to 0x184D2A5F, stored little-endian.
        (b"\x5f\x2a\x4d\x18", "zstd"),
        (b"\x53\x2a\x4d\x18", "zstd"),
        (b"\x4f\x2a\x4d\x18", "none"),
        (b"\x60\x2a\x4d\x18", "none"),
        (b"\x50\x2a\x4d\x19", "none"),
    ],
)
def test_every_skippable_zstd_magic_is_zstd_and_its_neighbours_are_not(
    head: bytes, kind: str
) -> None:
    assert compression_of(head) == kind


@pytest.mark.parametrize(
    ("packed", "kind"),
    [
        (gzip.compress(DATA), "gzip"),
        (ZSTD.compress(DATA), "zstd"),
        (b"\x5a\x2a\x4d\x18\x03\x00\x00\x00abc" + ZSTD.compress(DATA), "zstd"),
        (DATA, "none"),
    ],
)
def test_the_bytes_after_the_fourth_do_not_change_the_compression(packed: bytes, kind: str) -> None:
    assert compression_of(packed) == kind
    assert compression_of(packed[:4]) == kind


@pytest.mark.parametrize(
    ("packed", "kind", "seekable"),
    [
        (DATA, "none", True),
        (gzip.compress(DATA), "gzip", False),
        (ZSTD.compress(DATA), "zstd", False),
    ],
)
def test_only_an_uncompressed_layer_read_from_a_file_can_seek(
    packed: bytes, kind: str, seekable: bool
) -> None:
    stream, found, can_seek = open_layer(io.BytesIO(packed), "layer")
    assert (found, can_seek) == (kind, seekable)
    assert hasattr(stream, "seek") == seekable
    assert open_layer(_OneWay(packed), "layer")[2] is False  # a pipe never can


@pytest.mark.parametrize("kind", ["gzip", "zstd"])
def test_a_read_without_a_size_gives_one_bounded_piece_then_the_rest(kind: str) -> None:
    data = bytes(3 * MIB) + DATA
    packed = gzip.compress(data) if kind == "gzip" else ZSTD.compress(data)
    stream, _, _ = open_layer(io.BytesIO(packed), "layer")
    first = stream.read()
    assert 0 < len(first) <= MIB  # not the whole layer at once
    rest = b"".join(iter(stream.read, b""))
    assert first + rest == data


def test_gzip_input_is_read_a_piece_at_a_time() -> None:
    noise = random.Random(7).randbytes(300_000)  # hardly compresses
    packed = gzip.compress(noise[:100_000]) + gzip.compress(noise[100_000:])
    source = io.BytesIO(packed)
    stream, _, _ = open_layer(source, "layer")
    assert stream.read(1000) == noise[:1000]
    assert source.tell() <= len(packed) // 4  # the rest of the blob is still unread
    assert b"".join(iter(lambda: stream.read(MIB), b"")) == noise[1000:]


def test_a_zstd_read_goes_on_into_the_next_frame() -> None:
    frames = ZSTD.compress(DATA[:5000]) + ZSTD.compress(DATA[5000:])
    stream, _, _ = open_layer(io.BytesIO(frames), "frames")
    assert stream.read(4000) == DATA[:4000]
    assert stream.read(7000) == DATA[4000:11000]  # 1000 bytes of one frame, 6000 of the next
