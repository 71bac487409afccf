"""Bytes of the final filesystem by owner: OS package (dpkg, apk) and Python distribution.

An owner is known by its identity, not only its name: dpkg and apk packages by name and version
(from dpkg's status database, apk's installed database), Python distributions by name and
version (from their `.dist-info` folder) and the site-packages folder they are installed in, so
`diff` can tell a distribution that moved (site-packages to /opt/venv) from one that changed.
"""

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
DPKG_LISTS = ContentNeed(re.compile(r"var/lib/dpkg/info/[^/]+\.list$"), _DATABASE_LIMIT, (".list",))
DPKG_STATUS = ContentNeed(
    re.compile(r"var/lib/dpkg/status(\.d/[^/]+)?$"),
    _DATABASE_LIMIT,
    ("var/lib/dpkg/status",),
    ("var/lib/dpkg/status.d/",),
)
APK_DATABASE = ContentNeed(re.compile(r"lib/apk/db/installed$"), _DATABASE_LIMIT, ("installed",))
PYTHON_RECORDS = ContentNeed(
    re.compile(r".*/(site|dist)-packages/[^/]+\.dist-info/RECORD$"), _DATABASE_LIMIT, ("RECORD",)
)
NEEDS = (DPKG_LISTS, DPKG_STATUS, APK_DATABASE, PYTHON_RECORDS)


@dataclass(frozen=True)
class Owned:
    name: str
    manager: str  # "dpkg", "apk" or "python"
    bytes: int
    files: int
    version: str = ""  # "" when the database does not say
    location: str = ""  # a Python distribution's site-packages folder; "" for OS packages
    base_bytes: int = 0  # of bytes, those in files the base image brought


@dataclass(frozen=True)
class Package:
    """What a database says about one package: its version, where it lives, its files."""

    version: str
    location: str
    paths: list[str]


Owners = dict[str, dict[str, Package]]  # manager -> package name -> Package


def dpkg_versions(contents: Iterable[bytes]) -> dict[str, str]:
    """Package -> version of installed packages, from dpkg status files."""
    versions: dict[str, str] = {}
    for content in contents:
        for stanza in content.decode(errors="replace").split("\n\n"):
            fields = {
                key.strip(): value.strip()
                for key, sep, value in (line.partition(":") for line in stanza.splitlines())
                if sep and not key.startswith(" ")
            }
            status = fields.get("Status", "installed").split() or [""]
            if "Package" in fields and status[-1] == "installed":
                versions[fields["Package"]] = fields.get("Version", "")
    return versions


def dpkg_lists(contents: Iterable[tuple[str, bytes]]) -> dict[str, list[str]]:
    """Package -> paths, from /var/lib/dpkg/info/<pkg>[:arch].list files."""
    out: dict[str, list[str]] = {}
    for path, content in contents:
        name = posixpath.basename(path)[: -len(".list")].split(":")[0]
        out[name] = [line for line in content.decode(errors="replace").splitlines() if line]
    return out


def apk_installed(content: bytes) -> dict[str, Package]:
    """Package -> its version and paths, from /lib/apk/db/installed (P:, V:, F: folder, R:)."""
    out: dict[str, Package] = {}
    package, folder = "", ""
    for line in content.decode(errors="replace").splitlines():
        key, _, value = line.partition(":")
        if key == "P":
            package, folder = value, ""
            out.setdefault(package, Package("", "", []))
        elif key == "V" and package:
            out[package] = Package(value, "", out[package].paths)
        elif key == "F":
            folder = value
        elif key == "R" and package:
            out[package].paths.append(f"/{folder}/{value}" if folder else f"/{value}")
    return out


_DIST_INFO = re.compile(r"^(?P<name>.+?)-(?P<version>[^-]+)\.dist-info$")


def python_records(contents: Iterable[tuple[str, bytes]]) -> dict[str, Package]:
    """ "name@site" -> the distribution, from */site-packages/<dist>.dist-info/RECORD."""
    out: dict[str, Package] = {}
    for path, content in contents:
        dist_info = posixpath.dirname(path)
        site = "/" + posixpath.dirname(dist_info)
        match = _DIST_INFO.match(posixpath.basename(dist_info))
        name = match.group("name") if match else posixpath.basename(dist_info)
        version = match.group("version") if match else ""
        files: list[str] = []
        for row in csv.reader(io.StringIO(content.decode(errors="replace"))):
            if row and row[0]:
                files.append(posixpath.normpath(posixpath.join(site, row[0])))
        out[f"{name}@{site}"] = Package(version, site, files)
    return out


def owners(contents: Mapping[str, bytes]) -> Owners:
    """Manager -> package -> what its database says, from the kept contents of visible files."""
    versions = dpkg_versions(c for p, c in contents.items() if DPKG_STATUS.wants(p))
    lists = dpkg_lists((p, c) for p, c in contents.items() if DPKG_LISTS.wants(p))
    found: Owners = {
        "dpkg": {name: Package(versions.get(name, ""), "", paths) for name, paths in lists.items()},
        "python": python_records((p, c) for p, c in contents.items() if PYTHON_RECORDS.wants(p)),
    }
    for path, content in contents.items():
        if APK_DATABASE.wants(path):
            found["apk"] = apk_installed(content)
    return found


def attribute(
    owners: Owners,
    resolve: Callable[[str], tuple[str, int] | None],
    visible: Mapping[str, int],
    from_base: Callable[[str], bool] = lambda _path: False,
) -> tuple[list[Owned], int, dict[str, str]]:
    """Sum visible bytes per owner; RESOLVE maps a listed path to (real path, size) or None.

    A file counts once, for the first owner that lists it (Python before the OS, so pip-installed
    files inside a python3-* package's folder go to their distribution). Returns the owners,
    largest first, the bytes no owner lists, and each claimed path's owner.
    """
    claimed: dict[str, str] = {}
    result: list[Owned] = []
    for manager in ("python", "dpkg", "apk"):
        for key, package in owners.get(manager, {}).items():
            name = key.partition("@")[0]
            total = files = base = 0
            for listed in package.paths:
                found = resolve(listed)
                if found is None or found[0] in claimed:
                    continue
                claimed[found[0]] = name
                total += found[1]
                files += 1
                if from_base(found[0]):
                    base += found[1]
            if files:
                result.append(
                    Owned(name, manager, total, files, package.version, package.location, base)
                )
    unowned = sum(size for path, size in visible.items() if path not in claimed)
    return sorted(result, key=lambda o: (-o.bytes, o.name)), unowned, claimed
