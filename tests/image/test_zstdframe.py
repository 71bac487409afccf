"""The zstd frame walker: complete streams end between frames, cut ones do not."""

from __future__ import annotations

import pytest
import zstandard

from slimstage.image.zstdframe import FrameError, FrameWalker

DATA = bytes(range(256)) * 2000


def _walk(data: bytes, step: int = 7) -> FrameWalker:
    walker = FrameWalker()
    for start in range(0, len(data), step):
        walker.feed(data[start : start + step])
    return walker


@pytest.mark.parametrize("checksum", [True, False])
@pytest.mark.parametrize("size_known", [True, False])
def test_a_whole_stream_is_complete_and_every_cut_is_not(checksum: bool, size_known: bool) -> None:
    compressor = zstandard.ZstdCompressor(write_checksum=checksum, write_content_size=size_known)
    frame = compressor.compress(DATA)
    assert _walk(frame).complete
    assert _walk(frame + frame).frames == 2
    for cut in (1, 4, 5, 9, len(frame) // 2, len(frame) - 1):
        assert not _walk(frame[:cut]).complete, cut


def test_a_streamed_frame_of_many_blocks() -> None:
    # Without a known size, zstd writes blocks of at most 128 KiB: many of them here.
    chunks = [DATA[i : i + 1000] for i in range(0, len(DATA), 1000)]
    frame = zstandard.ZstdCompressor().compress(b"")  # an empty frame is a frame too
    streamed = zstandard.ZstdCompressor().compressobj()
    body = b"".join(streamed.compress(c) for c in chunks) + streamed.flush()
    walker = _walk(frame + body, step=4096)
    assert walker.complete
    assert walker.frames == 2


def test_skippable_frames_are_passed_over() -> None:
    skippable = b"\x5f\x2a\x4d\x18" + (5).to_bytes(4, "little") + b"12345"
    walker = _walk(skippable + zstandard.ZstdCompressor().compress(DATA))
    assert walker.complete
    assert walker.frames == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\0\0\0\0", "bad magic"),
        (b"\x28\xb5\x2f\xfd\x08", "reserved bit"),
        # single segment, no checksum; block header: last, type 3 (reserved)
        (b"\x28\xb5\x2f\xfd\x20\x00" + (1 | 3 << 1).to_bytes(3, "little"), "reserved block"),
        (b"\x28\xb5\x2f\xfd\x20\x00" + (1 | (1 << 20) << 3).to_bytes(3, "little"), "claims"),
    ],
)
def test_malformed_frames_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(FrameError, match=message):
        _walk(data)


def _raw_frame(flags: int, did: bytes, body: bytes) -> bytes:
    """A frame written by hand: single segment (a 1-byte content size), FLAGS' dictionary ID
    bits with DID, one raw last block of BODY."""
    block = (1 | 0 << 1 | len(body) << 3).to_bytes(3, "little")
    return b"\x28\xb5\x2f\xfd" + bytes([0x20 | flags]) + did + bytes([len(body)]) + block + body


@pytest.mark.parametrize(
    ("flags", "did"), [(0, b""), (1, b"\x07"), (2, b"\x07\0"), (3, b"\x07\0\0\0")]
)
def test_a_dictionary_id_of_any_width_is_passed_over(flags: int, did: bytes) -> None:
    frame = _raw_frame(flags, did, b"abc")
    assert _walk(frame, step=1).complete
    assert _walk(frame + frame, step=2).frames == 2
    assert not _walk(frame[:-1], step=1).complete


def test_run_length_blocks_are_one_byte_whatever_they_expand_to() -> None:
    frame = zstandard.ZstdCompressor().compress(bytes(300_000))
    assert len(frame) < 100  # RLE blocks: a byte and a length each
    assert _walk(frame, step=3).complete
    assert not _walk(frame[:-1], step=3).complete


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\0\0\0\0", "not a zstd frame (bad magic number)"),
        (b"\x28\xb5\x2f\xfd\x08", "reserved bit set in a zstd frame header"),
        (
            b"\x28\xb5\x2f\xfd\x20\x00" + (1 | 3 << 1).to_bytes(3, "little"),
            "reserved block type in a zstd frame",
        ),
    ],
)
def test_the_messages_in_full(data: bytes, message: str) -> None:
    with pytest.raises(FrameError) as info:
        _walk(data)
    assert str(info.value) == message


def test_a_frame_with_its_size_and_a_window_byte() -> None:
    # Content larger than the window: not single-segment, so the header holds both the frame
    # content size (4 bytes here) and a window descriptor byte.
    data = zstandard.ZstdCompressor(level=1).compress(bytes(20 << 20))
    assert data[4] & 0x20 == 0
    assert data[4] >> 6 == 2
    walker = FrameWalker()
    walker.feed(data)
    assert walker.complete
    assert walker.frames == 1


@pytest.mark.parametrize(
    ("flags", "did", "body"),
    [
        (0x40 | 1, b"\0", bytes(range(256)) + b"x" * 44),  # a 2-byte size, stored less 256
        (0x80 | 3, b"\0\0\0\0", b"abc"),
        (0xC0 | 1, b"\0", b"abc"),
    ],
)
def test_a_window_byte_a_dictionary_id_and_a_size_are_all_passed_over(
    flags: int, did: bytes, body: bytes
) -> None:
    # Not single-segment: the header holds a window descriptor byte (1 KiB) as well. A
    # dictionary ID of 0 is the same as none, so zstd itself can read the frame.
    width = (1, 2, 4, 8)[flags >> 6]
    size = (len(body) - (256 if width == 2 else 0)).to_bytes(width, "little")
    block = (1 | 0 << 1 | len(body) << 3).to_bytes(3, "little")
    frame = b"\x28\xb5\x2f\xfd" + bytes([flags, 0x00]) + did + size + block + body
    assert zstandard.ZstdDecompressor().decompress(frame) == body
    assert _walk(frame, step=1).complete
    assert _walk(frame + frame, step=5).frames == 2
    assert not _walk(frame[:-1], step=1).complete
