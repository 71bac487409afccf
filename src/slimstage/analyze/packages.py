"""Bytes of the final filesystem by owner: OS package (dpkg, apk) and Python distribution."""

from __future__ import annotations

import csv
import io
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from slimstage.image.layer import ContentNeed

#: The package databases this analysis reads, whole up to the limit.
_DATABASE_LIMIT = 32 << 20
DPKG_LISTS = ContentNeed(re.compile(r"var/lib/dpkg/info/[^/]+\.list$"), _DATABASE_LIMIT)
APK_DATABASE = ContentNeed(re.compile(r"lib/apk/db/installed$"), _DATABASE_LIMIT)
PYTHON_RECORDS = ContentNeed(
    re.compile(r".*/(site|dist)-packages/[^/]+\.dist-info/RECORD$"), _DATABASE_LIMIT
)
NEEDS = (DPKG_LISTS, APK_DATABASE, PYTHON_RECORDS)


@dataclass(frozen=True)
class Owned:
    name: str
    manager: str  # "dpkg", "apk" or "python"
    bytes: int
    files: int


def dpkg_lists(contents: Iterable[tuple[str, bytes]]) -> dict[str, list[str]]:
    """Package -> paths, from /var/lib/dpkg/info/<pkg>[:arch].list files."""
    out: dict[str, list[str]] = {}
    for path, content in contents:
        name = posixpath.basename(path)[: -len(".list")].split(":")[0]
        out[name] = [line for line in content.decode(errors="replace").splitlines() if line]
    return out


def apk_installed(content: bytes) -> dict[str, list[str]]:
    """Package -> paths, from /lib/apk/db/installed (P: name, F: folder, R: file)."""
    out: dict[str, list[str]] = {}
    package, folder = "", ""
    for line in content.decode(errors="replace").splitlines():
        key, _, value = line.partition(":")
        if key == "P":
            package, folder = value, ""
            out.setdefault(package, [])
        elif key == "F":
            folder = value
        elif key == "R" and package:
            out[package].append(f"/{folder}/{value}" if folder else f"/{value}")
    return out


_DIST_INFO = re.compile(r"^(?P<name>.+?)-[^-]+\.dist-info$")


def python_records(contents: Iterable[tuple[str, bytes]]) -> dict[str, list[str]]:
    """Distribution -> absolute paths, from */site-packages/<dist>.dist-info/RECORD."""
    out: dict[str, list[str]] = {}
    for path, content in contents:
        dist_info = posixpath.dirname(path)
        site = posixpath.dirname(dist_info)
        match = _DIST_INFO.match(posixpath.basename(dist_info))
        name = match.group("name") if match else posixpath.basename(dist_info)
        files = out.setdefault(name, [])
        for row in csv.reader(io.StringIO(content.decode(errors="replace"))):
            if row and row[0]:
                files.append(posixpath.normpath(posixpath.join("/" + site, row[0])))
    return out


def owners(contents: Mapping[str, bytes]) -> dict[str, dict[str, list[str]]]:
    """Manager -> package -> listed paths, from the kept contents of visible files."""
    found: dict[str, dict[str, list[str]]] = {
        "dpkg": dpkg_lists((p, c) for p, c in contents.items() if DPKG_LISTS.wants(p)),
        "python": python_records((p, c) for p, c in contents.items() if PYTHON_RECORDS.wants(p)),
    }
    for path, content in contents.items():
        if APK_DATABASE.wants(path):
            found["apk"] = apk_installed(content)
    return found


def attribute(
    owners: dict[str, dict[str, list[str]]],
    resolve: Callable[[str], tuple[str, int] | None],
    visible: dict[str, int],
) -> tuple[list[Owned], int, dict[str, str]]:
    """Sum visible bytes per owner; RESOLVE maps a listed path to (real path, size) or None.

    A file counts once, for the first owner that lists it (Python before the OS, so pip-installed
    files inside a python3-* package's folder go to their distribution). Returns the owners,
    largest first, the bytes no owner lists, and each claimed path's owner.
    """
    claimed: dict[str, str] = {}
    result: list[Owned] = []
    for manager in ("python", "dpkg", "apk"):
        for name, paths in owners.get(manager, {}).items():
            total = files = 0
            for listed in paths:
                found = resolve(listed)
                if found is None or found[0] in claimed:
                    continue
                claimed[found[0]] = name
                total += found[1]
                files += 1
            if files:
                result.append(Owned(name, manager, total, files))
    unowned = sum(size for path, size in visible.items() if path not in claimed)
    return sorted(result, key=lambda o: -o.bytes), unowned, claimed
