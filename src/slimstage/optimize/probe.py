"""What optimize needs to know from inside an image, gathered by the image's own interpreter.

`optimize` runs this module's source (after elf.py's) in a throw-away container of the builder
image and of the final stage's base: no copy of the image is exported, and the answer is one
JSON document on stdout. Like elf.py it uses the standard library only and keeps to Python 3.8.

It reports: the interpreter (version, real path, Debian-style release), which tools exist
(useradd, adduser, a shell), the package database (dpkg's status and file lists, or apk's
installed database) with each package's dependencies, libraries and programs, and, for a
virtualenv, every shared object in it with the libraries it needs: bundled ones (a wheel's
`*.libs/`), ones found on the system (with the package that owns them) and ones not found.
"""

from __future__ import annotations

import glob
import json
import os
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from slimstage.optimize.elf import ElfDynamic

    ReadElf = Callable[[str], ElfDynamic | None]

LIB_DIRS = ("/lib", "/lib64", "/usr/lib", "/usr/lib64", "/usr/local/lib")
BIN_DIRS = ("/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin")
_SHARED = re.compile(r"^lib.*\.so(\.\d+)*$")


def library_dirs(root: str = "/") -> list[str]:
    """Where the dynamic loader looks: ld.so.conf's folders, then the multiarch and default ones."""
    found: list[str] = []
    conf = [os.path.join(root, "etc/ld.so.conf")]
    conf += sorted(glob.glob(os.path.join(root, "etc/ld.so.conf.d/*.conf")))
    for path in conf:
        try:
            with open(path) as handle:
                lines = handle.read().splitlines()
        except OSError:
            continue
        found += [x.strip() for x in lines if x.strip().startswith("/")]
    found += [f"{d}/{t}" for d in ("/lib", "/usr/lib") for t in _multiarch(root)]
    found += list(LIB_DIRS)
    return list(dict.fromkeys(found))


def _multiarch(root: str) -> list[str]:
    return sorted(
        os.path.basename(p)
        for p in glob.glob(os.path.join(root, "usr/lib/*-linux-*"))
        if os.path.isdir(p)
    )


def canonical(path: str, cache: dict[str, str]) -> str:
    """PATH with its folder's symlinks resolved (merged /usr: /lib/x.so is /usr/lib/x.so)."""
    folder, name = os.path.split(path)
    if folder not in cache:
        cache[folder] = os.path.realpath(folder)
    return os.path.join(cache[folder], name)


def parse_dpkg_status(text: str) -> dict[str, dict[str, Any]]:
    """Installed packages in dpkg's status file: name -> depends (first alternatives), essential,
    installed size in KiB."""
    packages: dict[str, dict[str, Any]] = {}
    for paragraph in text.split("\n\n"):
        fields: dict[str, str] = {}
        key = ""
        for line in paragraph.splitlines():
            if line[:1] in (" ", "\t") and key:
                fields[key] += " " + line.strip()
            elif ":" in line:
                key, _, value = line.partition(":")
                fields[key] = value.strip()
        name = fields.get("Package")
        if not name or not fields.get("Status", "").endswith(" installed"):
            continue
        depends = []
        for field in ("Pre-Depends", "Depends"):
            for alternative in fields.get(field, "").split(","):
                first = alternative.split("|")[0].strip().split(" ")[0].split(":")[0]
                if first:
                    depends.append(first)
        packages[name] = {
            "depends": sorted(set(depends)),
            "essential": fields.get("Essential") == "yes",
            "size_kb": int(fields.get("Installed-Size", "0") or 0),
            "provides": [
                p.strip().split(" ")[0] for p in fields.get("Provides", "").split(",") if p.strip()
            ],
        }
    return packages


def parse_apk_installed(text: str) -> tuple[dict[str, dict[str, Any]], dict[str, list[str]]]:
    """apk's installed database: the packages (as parse_dpkg_status) and each one's files."""
    packages: dict[str, dict[str, Any]] = {}
    files: dict[str, list[str]] = {}
    for paragraph in text.split("\n\n"):
        name, folder, depends, owned, size = None, "", [], [], 0
        for line in paragraph.splitlines():
            key, _, value = line.partition(":")
            if key == "P":
                name = value
            elif key == "F":
                folder = value
            elif key == "R":
                owned.append("/" + "/".join(p for p in (folder, value) if p))
            elif key == "D":
                depends = [d.split("=")[0].split(">")[0].split("<")[0] for d in value.split()]
            elif key == "I":
                size = int(value or 0) // 1024
        if name:
            depends = [d for d in depends if not d.startswith("!")]
            packages[name] = {
                "depends": sorted(set(depends)),
                "essential": False,
                "size_kb": size,
                "provides": [],
            }
            files[name] = owned
    return packages, files


def _text_of(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return None


def package_database(
    root: str = "/",
) -> tuple[str | None, dict[str, dict[str, Any]], dict[str, list[str]]]:
    """(manager, packages, files of each package) from dpkg's or apk's database; (None, {}, {})."""
    status = _text_of(os.path.join(root, "var/lib/dpkg/status"))
    if status is not None:
        packages = parse_dpkg_status(status)
        files: dict[str, list[str]] = {}
        for listing in glob.glob(os.path.join(root, "var/lib/dpkg/info/*.list")):
            name = os.path.basename(listing)[: -len(".list")].split(":")[0]
            if name in packages:
                files[name] = (_text_of(listing) or "").splitlines()
        return "dpkg", packages, files
    installed = _text_of(os.path.join(root, "lib/apk/db/installed"))
    if installed is not None:
        packages, files = parse_apk_installed(installed)
        return "apk", packages, files
    return None, {}, {}


def describe_packages(
    packages: dict[str, dict[str, Any]], files: dict[str, list[str]], root: str
) -> dict[str, str]:
    """Add each package's libraries and programs (names) to PACKAGES; return the owner of every
    file by its canonical path."""
    cache: dict[str, str] = {}
    owners: dict[str, str] = {}
    for name, info in packages.items():
        libs, bins = set(), set()
        for path in files.get(name, []):
            if not path.startswith("/"):
                continue
            real = canonical(os.path.join(root, path.lstrip("/")), cache)
            owners.setdefault(real, name)
            base = os.path.basename(path)
            if _SHARED.match(base) and "/lib" in path:
                libs.add(base)
            elif os.path.dirname(path) in BIN_DIRS and os.path.lexists(real):
                bins.add(base)
        info["libs"], info["programs"] = sorted(libs), sorted(bins)
    return owners


def find_library(
    soname: str, folders: list[str], search: tuple[str, ...], origin: str
) -> str | None:
    """Where the loader would find SONAME for a file in ORIGIN with these search paths."""
    for folder in [
        p.replace("$ORIGIN", origin).replace("${ORIGIN}", origin) for p in search
    ] + folders:
        path = os.path.join(folder, soname)
        if os.path.exists(path):
            return path
    return None


def shared_objects(folder: str, read_elf: ReadElf) -> dict[str, ElfDynamic]:
    """Every dynamically linked ELF file under FOLDER, by path."""
    found = {}
    for dirpath, _dirs, names in os.walk(folder):
        for name in names:
            path = os.path.join(dirpath, name)
            if os.path.islink(path) or not os.path.isfile(path):
                continue
            dynamic = read_elf(path)
            if dynamic is not None:
                found[path] = dynamic
    return found


def venv_needs(
    venv: str, read_elf: ReadElf, folders: list[str], owners: dict[str, str]
) -> list[dict[str, Any]]:
    """For each shared object in the virtualenv: each library it needs, bundled or from which
    system file and package."""
    objects = shared_objects(venv, read_elf)
    inside = {os.path.basename(p) for p in objects}
    cache: dict[str, str] = {}
    out = []
    for path in sorted(objects):
        dynamic = objects[path]
        needs = []
        for soname in dynamic.needed:
            found = find_library(soname, folders, dynamic.search_paths, os.path.dirname(path))
            bundled = soname in inside or (found is not None and found.startswith(venv + "/"))
            real = canonical(found, cache) if found and not bundled else None
            package = owners.get(real) if real else None
            if real and package is None:
                package = owners.get(canonical(os.path.realpath(real), cache))
            needs.append({"soname": soname, "bundled": bundled, "path": real, "package": package})
        out.append({"file": os.path.relpath(path, venv), "needs": needs})
    return out


def interpreter() -> dict[str, Any]:
    release = {}
    for line in (_text_of("/etc/os-release") or _text_of("/usr/lib/os-release") or "").splitlines():
        key, _, value = line.partition("=")
        release[key] = value.strip().strip('"')
    return {
        "version": ".".join(str(v) for v in sys.version_info[:3]),
        "executable": os.path.realpath(sys.executable),
        "os": release.get("ID", ""),
        "codename": release.get("VERSION_CODENAME", ""),
    }


def library_files(folders: list[str]) -> list[str]:
    """The names of the shared libraries in the loader's folders (for a base without a package
    database: which libraries it has)."""
    names: set[str] = set()
    for folder in folders:
        try:
            names.update(n for n in os.listdir(folder) if _SHARED.match(n))
        except OSError:
            continue
    return sorted(names)


def survey(venv: str | None, read_elf: ReadElf, root: str = "/") -> dict[str, Any]:
    """Everything optimize asks of one image."""
    folders = library_dirs(root)
    manager, packages, files = package_database(root)
    owners = describe_packages(packages, files, root)
    tools = {
        t: any(os.path.exists(os.path.join(d, t)) for d in BIN_DIRS)
        for t in ("sh", "useradd", "adduser")
    }
    return {
        "interpreter": interpreter(),
        "tools": tools,
        "manager": manager,
        "packages": packages,
        "library_files": library_files(folders),
        "venv": venv_needs(venv, read_elf, folders, owners)
        if venv and os.path.isdir(venv)
        else None,
    }


def main(read_elf: ReadElf) -> None:
    venv = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] else None
    json.dump(survey(venv, read_elf), sys.stdout)
