"""Visible bytes by folder, a few levels deep: what a treemap of the final filesystem draws."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from slimstage.analyze.secrets import redact

#: Folders this many levels below the root at most, holding this share of the bytes at least.
DEPTH = 4
SHARE = 0.001


@dataclass(frozen=True)
class FolderSize:
    path: str  # "/" for the root
    bytes: int  # of every visible file at any depth below it
    files: int
    base_bytes: int  # of bytes, those in files the base image brought


def folder_sizes(
    files: Iterable[tuple[str, int, bool]], total: int, depth: int = DEPTH, share: float = SHARE
) -> list[FolderSize]:
    """Folders (to DEPTH levels) holding at least SHARE of TOTAL bytes, by path; each file is
    (path, size, from the base image). A folder's figures include all its sub-folders'."""
    own: dict[str, list[int]] = {}  # the folder each file is in -> [bytes, files, base bytes]
    for path, size, from_base in files:
        folder = path.rpartition("/")[0]
        bucket = own.get(folder)
        if bucket is None:
            bucket = own[folder] = [0, 0, 0]
        bucket[0] += size
        bucket[1] += 1
        if from_base:
            bucket[2] += size
    totals: dict[str, list[int]] = {}
    for folder, (size, count, base) in own.items():
        folder = "/".join(folder.split("/")[:depth]) if folder else ""
        while True:
            bucket = totals.setdefault(folder, [0, 0, 0])
            bucket[0] += size
            bucket[1] += count
            bucket[2] += base
            if not folder:
                break
            folder = folder.rpartition("/")[0]
    least = max(1, int(total * share))
    return [
        FolderSize(redact("/" + folder), size, count, base)
        for folder, (size, count, base) in sorted(totals.items())
        if size >= least
    ]
