"""A range of a file as a stream: reads stop at its end, seeks stay inside it."""

from __future__ import annotations

import errno
import io
from pathlib import Path

import pytest

from slimstage.errors import UsageError
from slimstage.image.filerange import FileRange


def test_reads_and_seeks_stay_in_the_range(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"0123456789abcdef")
    with FileRange.open(str(path), 4, 6) as stream:
        assert (stream.start, stream.size) == (4, 6)
        assert stream.read(2) == b"45"
        assert stream.read(-1) == b"6789"
        assert stream.read(1) == b""
        assert stream.seek(-3, 1) == 3
        assert stream.read() == b"789"
        assert stream.seek(1) == 1
        assert stream.read(100) == b"56789"
        with pytest.raises(OSError, match="outside the range"):
            stream.seek(7)
        with pytest.raises(OSError, match="outside the range"):
            stream.seek(-7, 2)
        assert stream.seekable()


def test_a_range_past_the_end_of_the_file_reads_short(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"abc")
    with FileRange.open(str(path), 1, 100) as stream:
        assert stream.read(50) == b"bc"
        assert stream.read(50) == b""


def test_a_file_gone_or_unreadable_is_a_usage_error(tmp_path: Path) -> None:
    for path, message in ((tmp_path / "gone", "No such file"), (tmp_path, "Is a directory")):
        with pytest.raises(UsageError, match=message), FileRange.open(str(path), 0, 10):
            pass


def test_the_edges_of_reads_and_seeks(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"0123456789abcdef")
    with FileRange.open(str(path), 4, 6) as stream:
        assert stream.read(0) == b""  # nothing asked, nothing read
        assert stream.position == 0
        assert stream.read(1) == b"4"
        assert stream.seek(-2, 2) == 4  # from the end
        assert stream.read() == b"89"
        assert stream.seek(6) == 6  # the end itself is inside
        assert stream.read() == b""
        assert stream.seek(0, 2) == 6
        with pytest.raises(OSError, match=r"^seek outside the range$"):
            stream.seek(-1)


class _FailingDisk(io.BytesIO):
    """A file that opens, then fails to be read with ERROR."""

    name = "/images/a.tar"

    def __init__(self, error: OSError) -> None:
        super().__init__(b"0123456789")
        self.error = error

    def read(self, size: int | None = -1, /) -> bytes:
        raise self.error


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (OSError(errno.EIO, "Input/output error"), "/images/a.tar: Input/output error"),
        (OSError("stale file handle"), "/images/a.tar: stale file handle"),
    ],
)
def test_a_read_that_fails_is_a_usage_error_naming_the_file(error: OSError, message: str) -> None:
    stream = FileRange(_FailingDisk(error), 2, 5)
    with pytest.raises(UsageError) as caught:
        stream.read(3)
    assert str(caught.value) == message
