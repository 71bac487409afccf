"""Where the bytes of an image go: every analysis over one read image, as plain data.

Data flows one way: source (engine or file) -> image archive reader -> filetree -> the
analyses here -> a report. Nothing here talks to the engine or prints. Each analysis declares
the file contents it needs (its NEEDS); the layer reader keeps exactly their union.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from slimstage.analyze import divecompat, filetree, leftovers, packages, secrets
from slimstage.image import layer
from slimstage.image.archive import Image, LayerReader
from slimstage.image.layer import HARDLINK, REG, Entry, LayerSummary

NEEDS = (*packages.NEEDS, *secrets.NEEDS)

#: How analyze reads each layer blob: a summary of its entries, keeping what NEEDS ask for.
read_layer: LayerReader[LayerSummary] = partial(layer.scan, needs=NEEDS)


@dataclass(frozen=True)
class LayerReport:
    index: int
    digest: str
    created_by: str
    size_bytes: int  # the sum of the layer's regular-file sizes
    files_added: int
    files_modified: int
    files_deleted: int


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
    waste: filetree.Waste
    dive: divecompat.DiveFigures
    layers: list[LayerReport]
    leftovers: list[leftovers.Leftover]
    packages: Packages
    secrets: list[secrets.Secret]
    top: list[PathSize]
    bytecode_disabled: bool


@dataclass(frozen=True)
class FileFacts:
    size: int
    owner: str | None
    leftover: str | None


@dataclass(frozen=True)
class Examined:
    analysis: Analysis
    files: dict[str, FileFacts]  # every visible file, by path without the leading slash


def visible_files(stacked: filetree.Stacked) -> dict[str, int]:
    return {
        path: node.entry.size
        for path, node in stacked.files()
        if node.entry is not None and node.entry.kind in (REG, HARDLINK)
    }


def _kept_contents(stacked: filetree.Stacked) -> dict[str, bytes]:
    return {
        path: node.entry.content
        for path, node in stacked.files()
        if node.entry is not None and node.entry.content is not None
    }


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


def analyze(image: Image[LayerSummary], *, top: int = 10) -> Analysis:
    return examine(image, top=top, keep_files=False).analysis


def _layer_reports(image: Image[LayerSummary], stacked: filetree.Stacked) -> list[LayerReport]:
    return [
        LayerReport(
            layer.index,
            layer.digest,
            layer.created_by,
            layer.summary.file_bytes,
            stats.added,
            stats.modified,
            stats.deleted,
        )
        for layer, stats in zip(image.layers, stacked.layer_stats, strict=True)
    ]


def examine(image: Image[LayerSummary], *, top: int = 10, keep_files: bool = True) -> Examined:
    """Analyze an image and (with keep_files) keep what each visible file is, for `diff`."""
    entries = [layer.summary.entries for layer in image.layers]
    stacked = filetree.stack(entries, same_content)
    visible = visible_files(stacked)
    visible_bytes = sum(visible.values())
    size = stacked.stored_bytes
    env = image.env
    bytecode_disabled = bool(env.get("PYTHONDONTWRITEBYTECODE"))
    owned, unowned, owner_of = packages.attribute(
        packages.owners(_kept_contents(stacked)), _resolver(stacked, visible), visible
    )
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
        waste=stacked.waste,
        dive=divecompat.figures(entries)[0],
        layers=_layer_reports(image, stacked),
        leftovers=leftovers.find(visible.items(), bytecode_disabled=bytecode_disabled),
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
