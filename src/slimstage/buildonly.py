"""Which distribution packages are needed only to build, never to run.

The list lives in data/build-only-packages.toml (its format: docs/build-only-packages.md), shared
by `lint` (rule SS101: build tools in the final stage) and `optimize` (what moves to a builder
stage). Ask `is_build_only(name, distro)`, or `why_build_only` for the category and the entry
that matched.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

DISTROS = ("debian", "alpine", "rpm")
# The package manager a RUN calls tells which distribution's names it installs.
MANAGERS = {
    "apt-get": "debian",
    "apt": "debian",
    "apk": "alpine",
    "dnf": "rpm",
    "yum": "rpm",
    "microdnf": "rpm",
}
_PIN = re.compile(r"[=~<>].*$")
_VERSION = re.compile(r"-\d+(\.\d+)*$")


@dataclass(frozen=True)
class Category:
    name: str
    why: str
    names: frozenset[str]
    suffixes: tuple[str, ...]
    prefixes: tuple[str, ...]


@dataclass(frozen=True)
class Reason:
    """Why a package is build-only: its category, that category's explanation, and the entry
    that matched ("name gcc", "suffix -dev", "prefix linux-headers-")."""

    package: str
    category: str
    why: str
    matched: str


def _strings(table: dict[str, Any], key: str, where: str) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{where}: {key} must be a list of strings")
    return [v.lower() for v in value]


def parse(text: str) -> dict[str, tuple[Category, ...]]:
    """The categories of each distribution in a build-only packages file."""
    data = tomllib.loads(text)
    unknown = set(data) - set(DISTROS)
    if unknown:
        raise ValueError(f"unknown distribution(s): {', '.join(sorted(unknown))}")
    out: dict[str, tuple[Category, ...]] = {}
    for distro in DISTROS:
        categories = []
        for name, table in data.get(distro, {}).items():
            where = f"{distro}.{name}"
            extra = set(table) - {"why", "names", "suffixes", "prefixes"}
            if extra or not isinstance(table.get("why"), str):
                raise ValueError(f"{where}: needs `why` and only names/suffixes/prefixes")
            categories.append(
                Category(
                    name,
                    table["why"],
                    frozenset(_strings(table, "names", where)),
                    tuple(_strings(table, "suffixes", where)),
                    tuple(_strings(table, "prefixes", where)),
                )
            )
        out[distro] = tuple(categories)
    return out


@functools.cache
def catalog() -> dict[str, tuple[Category, ...]]:
    """The list shipped with slimstage."""
    text = resources.files("slimstage").joinpath("data/build-only-packages.toml").read_text()
    return parse(text)


def normalise(name: str) -> str:
    """The bare package name: no version pin (=, ~, <, >) and no `:arch` qualifier."""
    return _PIN.sub("", name).split(":", 1)[0].lower()


def _match(name: str, category: Category) -> str | None:
    if name in category.names:
        return f"name {name}"
    unversioned = _VERSION.sub("", name)
    if unversioned != name and unversioned in category.names:
        return f"name {unversioned} (versioned)"
    for suffix in category.suffixes:
        if name.endswith(suffix) and len(name) > len(suffix):
            return f"suffix {suffix}"
    for prefix in category.prefixes:
        if name.startswith(prefix):
            return f"prefix {prefix}"
    return None


def _why(name: str, categories: tuple[Category, ...]) -> Reason | None:
    bare = normalise(name)
    for category in categories:
        matched = _match(bare, category)
        if matched:
            return Reason(bare, category.name, category.why, matched)
    return None


@functools.lru_cache(maxsize=4096)
def _why_shipped(name: str, distro: str) -> Reason | None:
    # The same few package names come up again and again across a Dockerfile's RUNs.
    return _why(name, catalog()[distro])


def why_build_only(
    name: str, distro: str, categories: dict[str, tuple[Category, ...]] | None = None
) -> Reason | None:
    """Why NAME (as written after `apt-get install` or `apk add`) is build-only, or None."""
    if distro not in DISTROS:
        raise ValueError(f"unknown distribution {distro!r} (known: {', '.join(DISTROS)})")
    if categories is None:
        return _why_shipped(name, distro)
    return _why(name, categories[distro])


def is_build_only(name: str, distro: str) -> bool:
    return why_build_only(name, distro) is not None
