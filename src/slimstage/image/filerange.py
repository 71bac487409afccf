"""A byte range of a file on disk as a stream of its own: a layer inside an archive, or a blob."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from slimstage.errors import UsageError


class FileRange:
    """SIZE bytes of HANDLE from START on; reads stop at the range's end, seeks stay inside it."""

    def __init__(self, handle: BinaryIO, start: int, size: int) -> None:
        self.handle = handle
        self.start = start  # where the range begins in the file
        self.size = size
        self.position = 0  # within the range
        handle.seek(start)

    @classmethod
    @contextmanager
    def open(cls, path: str, start: int, size: int) -> Iterator[FileRange]:
        """The range, its file opened; a file gone or unreadable by now is a usage error."""
        try:
            handle = open(path, "rb", buffering=0)  # noqa: SIM115 - closed below
        except OSError as exc:
            raise UsageError(f"{path}: {exc.strerror or exc}") from None
        with handle:
            yield cls(handle, start, size)

    def read(self, size: int = -1, /) -> bytes:
        left = self.size - self.position
        size = left if size < 0 else min(size, left)
        if size <= 0:
            return b""
        try:
            data = self.handle.read(size)
        except OSError as exc:
            raise UsageError(f"{self.handle.name}: {exc.strerror or exc}") from None
        self.position += len(data)
        return data

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_CUR:
            offset += self.position
        elif whence == os.SEEK_END:
            offset += self.size
        if not 0 <= offset <= self.size:
            raise OSError("seek outside the range")
        self.handle.seek(self.start + offset)
        self.position = offset
        return offset
