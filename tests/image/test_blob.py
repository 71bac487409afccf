"""A layer blob as a stream: sniffed, decompressed, bombs stopped."""

from __future__ import annotations

import gzip
import io

import pytest
import zstandard

from slimstage.image import blob
from slimstage.image.blob import LayerError, Prefixed, compression_of, open_layer, peek


class _OneWay:
    """A stream that cannot seek and, like a pipe, hands out at most 3 bytes per sized read."""

    def __init__(self, data: bytes) -> None:
        self.data = io.BytesIO(data)

    def read(self, size: int = -1, /) -> bytes:
        return self.data.read(size if size < 0 else min(size, 3))


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


def test_prefixed_readinto_gives_the_prefix_then_the_stream() -> None:
    stream = io.BufferedReader(Prefixed(b"ab", io.BytesIO(b"cdef")), 4)
    assert stream.read() == b"abcdef"


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


@pytest.mark.parametrize(
    ("packed", "kind"),
    [
        (DATA, "none"),
        (gzip.compress(DATA), "gzip"),
        (zstandard.ZstdCompressor().compress(DATA), "zstd"),
        # Some writers concatenate gzip members; all of them are the layer.
        (gzip.compress(DATA[:5000]) + gzip.compress(DATA[5000:]), "gzip"),
    ],
)
def test_open_layer_decompresses_what_it_recognises(packed: bytes, kind: str) -> None:
    stream, found = open_layer(_OneWay(packed), "layer")
    assert found == kind
    out = b""
    while chunk := stream.read(7000):
        out += chunk
    assert out == DATA


def test_a_layer_expanding_beyond_the_ratio_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(blob, "RATIO_FLOOR", 1 << 20)
    monkeypatch.setattr(blob, "MAX_RATIO", 50)
    bomb = gzip.compress(b"\0" * (8 << 20))
    stream, _ = open_layer(io.BytesIO(bomb), "blobs/sha256/bomb")

    def read_all() -> None:
        while stream.read(1 << 20):
            pass

    with pytest.raises(LayerError, match=r"blobs/sha256/bomb: expands more than 50x"):
        read_all()
