"""Where the bytes of an image go: every analysis over one read image, as plain data.

Data flows one way: source (engine or file) -> imagearchive -> filetree -> the analyses here ->
a report. Nothing here talks to the engine or prints.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass

from slimstage import dive, filetree, leftovers, packages, secrets
from slimstage.imagearchive import Image
from slimstage.layerscan import HARDLINK, REG, Entry


@dataclass(frozen=True)
class LayerReport:
    index: int
    digest: str
    created_by: str
    size_bytes: int
    files_added: int
    files_modified: int
    files_deleted: int


@dataclass(frozen=True)
class Waste:
    overwritten: int
    rewritten_unchanged: int
    whiteout: int
    dir_deleted: int
    opaque: int


@dataclass(frozen=True)
class Dive:
    efficiency: float
    inefficient_bytes: int
    size_bytes: int


@dataclass(frozen=True)
class PathSize:
    path: str
    bytes: int


@dataclass(frozen=True)
class Packages:
    os: list[packages.Owned]
    python: list[packages.Owned]
    unowned_bytes: int


@dataclass(frozen=True)
class Analysis:
    """The JSON schema of `slimstage analyze --format json` (docs/analyze.md)."""

    source: str
    layout: str
    size_bytes: int  # bytes stored in the layers (uncompressed)
    visible_bytes: int  # bytes of the final filesystem
    wasted_bytes: int  # size_bytes - visible_bytes
    efficiency: float  # visible_bytes / size_bytes
    waste: Waste
    dive: Dive
    layers: list[LayerReport]
    leftovers: list[leftovers.Leftover]
    packages: Packages
    secrets: list[secrets.Secret]
    top: list[PathSize]
    bytecode_disabled: bool


def visible_files(stacked: filetree.Stacked) -> dict[str, int]:
    return {
        path: node.entry.size
        for path, node in stacked.files()
        if node.entry is not None and node.entry.kind in (REG, HARDLINK)
    }


def _owners(stacked: filetree.Stacked) -> dict[str, dict[str, list[str]]]:
    kept: dict[str, bytes] = {
        path: node.entry.content
        for path, node in stacked.files()
        if node.entry is not None and node.entry.content is not None
    }
    lists = [
        (p, c)
        for p, c in kept.items()
        if p.startswith("var/lib/dpkg/info/") and p.endswith(".list")
    ]
    records = [(p, c) for p, c in kept.items() if p.endswith(".dist-info/RECORD")]
    owners: dict[str, dict[str, list[str]]] = {
        "dpkg": packages.dpkg_lists(lists),
        "python": packages.python_records(records),
    }
    if "lib/apk/db/installed" in kept:
        owners["apk"] = packages.apk_installed(kept["lib/apk/db/installed"])
    return owners


def _resolver(
    stacked: filetree.Stacked, visible: dict[str, int]
) -> Callable[[str], tuple[str, int] | None]:
    def resolve(listed: str) -> tuple[str, int] | None:
        path = listed.strip("/")
        if path not in visible:
            # Merged /usr: dpkg lists /bin/bash, the file is stored at /usr/bin/bash.
            found = stacked.resolve(path, follow_last=False)
            if found is None:
                return None
            path = found[0]
        return (path, visible[path]) if path in visible else None

    return resolve


@dataclass(frozen=True)
class FileFacts:
    size: int
    owner: str | None
    leftover: str | None


@dataclass(frozen=True)
class Examined:
    analysis: Analysis
    files: dict[str, FileFacts]  # every visible file, by path without the leading slash


def _digest(entry: Entry) -> int | None:
    """An entry's CRC-32, read from its file when the scan skipped the content."""
    if entry.digest is not None:
        return entry.digest
    if entry.location is None or entry.offset < 0:
        return None
    crc, left = 0, entry.size
    with open(entry.location, "rb") as handle:
        handle.seek(entry.offset)
        while left > 0:
            chunk = handle.read(min(left, 1 << 20))
            if not chunk:
                return None
            crc, left = zlib.crc32(chunk, crc), left - len(chunk)
    return crc


def same_content(old: Entry, new: Entry) -> bool:
    if old.size != new.size:
        return False
    first = _digest(old)
    return first is not None and first == _digest(new)


def analyze(image: Image, *, top: int = 10) -> Analysis:
    return examine(image, top=top, keep_files=False).analysis


def examine(image: Image, *, top: int = 10, keep_files: bool = True) -> Examined:
    """Analyze an image and (with keep_files) keep what each visible file is, for `diff`."""
    entries = [layer.summary.entries for layer in image.layers]
    stacked = filetree.stack(entries, same_content)
    visible = visible_files(stacked)
    visible_bytes = sum(visible.values())
    size = stacked.stored_bytes
    env = image.env
    bytecode_disabled = bool(env.get("PYTHONDONTWRITEBYTECODE"))
    owned, unowned, owner_of = packages.attribute(
        _owners(stacked), _resolver(stacked, visible), visible
    )
    figures = dive.figures(entries)
    found_secrets = secrets.in_layers(
        ((layer.index, layer.summary.entries) for layer in image.layers), set(visible)
    ) + secrets.in_config(env, [layer.created_by for layer in image.layers])
    result = Analysis(
        source=image.source,
        layout=image.layout,
        size_bytes=size,
        visible_bytes=visible_bytes,
        wasted_bytes=size - visible_bytes,
        efficiency=1.0 if size == 0 else visible_bytes / size,
        waste=Waste(**stacked.waste),
        dive=Dive(figures.efficiency, figures.inefficient_bytes, figures.size_bytes),
        layers=[
            LayerReport(
                layer.index,
                layer.digest,
                layer.created_by,
                layer.summary.tar_bytes,
                stats.added,
                stats.modified,
                stats.deleted,
            )
            for layer, stats in zip(image.layers, stacked.layer_stats, strict=True)
        ],
        leftovers=leftovers.find(
            ((p, s) for p, s in visible.items()), bytecode_disabled=bytecode_disabled
        ),
        packages=Packages(
            os=[o for o in owned if o.manager != "python"],
            python=[o for o in owned if o.manager == "python"],
            unowned_bytes=unowned,
        ),
        secrets=found_secrets,
        top=[PathSize("/" + p, s) for p, s in sorted(visible.items(), key=lambda i: -i[1])[:top]],
        bytecode_disabled=bytecode_disabled,
    )
    files = {
        path: FileFacts(
            size,
            owner_of.get(path),
            leftovers.category_of(path, bytecode_disabled=bytecode_disabled) if size else None,
        )
        for path, size in visible.items()
        if keep_files
    }
    return Examined(result, files)
