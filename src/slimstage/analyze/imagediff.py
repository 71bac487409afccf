"""What is in one image and not in the other: "what the multi-stage build removed".

By identity, not by path: packages are compared by name and version (a Python distribution
wherever it is installed: one that moved from site-packages to /opt/venv is reported as moved,
not as removed and added), and files by content where their paths differ (a file copied to
another place, or a symlink in one image that is a real file in the other, is not new).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from slimstage.analyze.analysis import Examined, FileFacts, PathSize
from slimstage.analyze.packages import Owned
from slimstage.analyze.secrets import redact


@dataclass(frozen=True)
class Named:
    name: str
    bytes: int
    files: int


@dataclass(frozen=True)
class Side:
    """Files whose content is in one image and nowhere in the other."""

    bytes: int
    files: int
    by_package: list[Named]
    by_leftover: list[Named]
    top: list[PathSize]


@dataclass(frozen=True)
class Move:
    a_path: str
    b_path: str
    bytes: int


@dataclass(frozen=True)
class Moved:
    """Files at a path in one image whose very content is at another path in the other."""

    bytes: int
    files: int
    examples: list[Move]


@dataclass(frozen=True)
class PackageChange:
    name: str
    manager: str
    a_version: str  # "" when the package is not in A
    b_version: str
    a_location: str  # a Python distribution's site-packages folder
    b_location: str
    a_bytes: int
    b_bytes: int


@dataclass(frozen=True)
class PackageDiff:
    only_in_a: list[PackageChange]
    only_in_b: list[PackageChange]
    changed: list[PackageChange]  # the same package at another version
    moved: list[PackageChange]  # the same name and version, installed elsewhere


@dataclass(frozen=True)
class ImageDiff:
    """The JSON schema of `slimstage diff --format json` (docs/analyze.md)."""

    a: str
    b: str
    a_size_bytes: int
    b_size_bytes: int
    packages: PackageDiff
    only_in_a: Side
    only_in_b: Side
    moved: Moved


def canonical(name: str) -> str:
    """A Python distribution's name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _keyed(examined: Examined) -> dict[tuple[str, str], list[Owned]]:
    packages = examined.analysis.packages
    out: dict[tuple[str, str], list[Owned]] = {}
    for owned in (*packages.os, *packages.python):
        name = canonical(owned.name) if owned.manager == "python" else owned.name
        out.setdefault((owned.manager, name), []).append(owned)
    return out


def _change(name: str, manager: str, a: Owned | None, b: Owned | None) -> PackageChange:
    return PackageChange(
        name,
        manager,
        a.version if a else "",
        b.version if b else "",
        a.location if a else "",
        b.location if b else "",
        a.bytes if a else 0,
        b.bytes if b else 0,
    )


def package_diff(a: Examined, b: Examined) -> PackageDiff:
    mine, theirs = _keyed(a), _keyed(b)
    result: dict[str, list[PackageChange]] = {"a": [], "b": [], "changed": [], "moved": []}
    for key in sorted(mine.keys() | theirs.keys()):
        manager = key[0]
        left = {o.version: o for o in mine.get(key, [])}
        right = {o.version: o for o in theirs.get(key, [])}
        for version in sorted(left.keys() & right.keys()):
            one, other = left[version], right[version]
            if one.location != other.location:
                result["moved"].append(_change(one.name, manager, one, other))
        only_left = [left[v] for v in sorted(left.keys() - right.keys())]
        only_right = [right[v] for v in sorted(right.keys() - left.keys())]
        while only_left and only_right:
            one, other = only_left.pop(0), only_right.pop(0)
            result["changed"].append(_change(one.name, manager, one, other))
        result["a"] += [_change(o.name, manager, o, None) for o in only_left]
        result["b"] += [_change(o.name, manager, None, o) for o in only_right]
    return PackageDiff(
        sorted(result["a"], key=lambda c: -c.a_bytes),
        sorted(result["b"], key=lambda c: -c.b_bytes),
        result["changed"],
        result["moved"],
    )


def _group(items: Mapping[str, FileFacts], key: str) -> list[Named]:
    totals: dict[str, list[int]] = {}
    for facts in items.values():
        name = getattr(facts, key) or ("(no package)" if key == "owner" else None)
        if name is None:
            continue
        bucket = totals.setdefault(name, [0, 0])
        bucket[0] += facts.size
        bucket[1] += 1
    return sorted((Named(redact(n), b, f) for n, (b, f) in totals.items()), key=lambda x: -x.bytes)


def _by_size(examined: Examined) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for path, facts in examined.files.items():
        if facts.size:
            out.setdefault(facts.size, []).append(path)
    return out


def _elsewhere(
    path: str, mine: Examined, other: Examined, sizes: dict[int, list[str]]
) -> str | None:
    """A path in OTHER holding the content of PATH in MINE, if there is one."""
    candidates = sizes.get(mine.files[path].size)
    if not candidates:
        return None
    digest = mine.digest(path)
    if digest is None:
        return None
    return next((c for c in candidates if other.digest(c) == digest), None)


def _split(
    mine: Examined, other: Examined, sizes: dict[int, list[str]]
) -> tuple[dict[str, FileFacts], list[Move]]:
    """MINE's files that OTHER lacks at their path (or holds there changed): those whose
    content OTHER lacks too, and those whose content is elsewhere in OTHER (a file changed in
    place whose old content OTHER keeps at another path was moved there)."""
    only: dict[str, FileFacts] = {}
    moves: list[Move] = []
    for path, facts in mine.files.items():
        there = other.files.get(path)
        if there is not None and there.size == facts.size:
            continue
        found = _elsewhere(path, mine, other, sizes)
        if found is None:
            only[path] = facts
        else:
            moves.append(Move("/" + path, "/" + found, facts.size))
    return only, moves


def _side(only: Mapping[str, FileFacts], top: int) -> Side:
    largest = sorted(only.items(), key=lambda item: -item[1].size)[:top]
    return Side(
        bytes=sum(f.size for f in only.values()),
        files=len(only),
        by_package=_group(only, "owner")[:top],
        by_leftover=_group(only, "leftover"),
        top=[PathSize(redact("/" + path), facts.size) for path, facts in largest],
    )


def diff(a: Examined, b: Examined, *, top: int = 10) -> ImageDiff:
    only_a, moves = _split(a, b, _by_size(b))
    only_b, moves_back = _split(b, a, _by_size(a))
    # A move seen from both sides is one move; B's extra copies of A's content are moves too.
    arrived = {m.b_path for m in moves}
    moves += [Move(m.b_path, m.a_path, m.bytes) for m in moves_back if m.a_path not in arrived]
    largest = sorted(moves, key=lambda m: (-m.bytes, m.a_path))[:top]
    return ImageDiff(
        a=a.analysis.source,
        b=b.analysis.source,
        a_size_bytes=a.analysis.visible_bytes,
        b_size_bytes=b.analysis.visible_bytes,
        packages=package_diff(a, b),
        only_in_a=_side(only_a, top),
        only_in_b=_side(only_b, top),
        moved=Moved(
            sum(m.bytes for m in moves),
            len(moves),
            [Move(redact(m.a_path), redact(m.b_path), m.bytes) for m in largest],
        ),
    )
