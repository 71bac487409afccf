"""What is in one image and not in the other: "what the multi-stage build removed"."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from slimstage.analyze.analysis import Examined, FileFacts, PathSize


@dataclass(frozen=True)
class Named:
    name: str
    bytes: int
    files: int


@dataclass(frozen=True)
class Side:
    """Files present in one image and absent (or different) in the other."""

    bytes: int
    files: int
    by_package: list[Named]
    by_leftover: list[Named]
    top: list[PathSize]


@dataclass(frozen=True)
class ImageDiff:
    """The JSON schema of `slimstage diff --format json` (docs/analyze.md)."""

    a: str
    b: str
    a_size_bytes: int
    b_size_bytes: int
    only_in_a: Side
    only_in_b: Side


def _group(items: Mapping[str, FileFacts], key: str) -> list[Named]:
    totals: dict[str, list[int]] = {}
    for facts in items.values():
        name = getattr(facts, key) or ("(no package)" if key == "owner" else None)
        if name is None:
            continue
        bucket = totals.setdefault(name, [0, 0])
        bucket[0] += facts.size
        bucket[1] += 1
    return sorted((Named(n, b, f) for n, (b, f) in totals.items()), key=lambda x: -x.bytes)


def _side(mine: Mapping[str, FileFacts], other: Mapping[str, FileFacts], top: int) -> Side:
    only = {
        path: facts
        for path, facts in mine.items()
        if path not in other or other[path].size != facts.size
    }
    largest = sorted(only.items(), key=lambda item: -item[1].size)[:top]
    return Side(
        bytes=sum(f.size for f in only.values()),
        files=len(only),
        by_package=_group(only, "owner")[:top],
        by_leftover=_group(only, "leftover"),
        top=[PathSize("/" + path, facts.size) for path, facts in largest],
    )


def diff(a: Examined, b: Examined, *, top: int = 10) -> ImageDiff:
    return ImageDiff(
        a=a.analysis.source,
        b=b.analysis.source,
        a_size_bytes=a.analysis.visible_bytes,
        b_size_bytes=b.analysis.visible_bytes,
        only_in_a=_side(a.files, b.files, top),
        only_in_b=_side(b.files, a.files, top),
    )
