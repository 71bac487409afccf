"""Where the bytes of an image go: every analysis over one read image, as plain data.

Data flows one way: source (engine or file) -> image archive reader -> filetree -> the
analyses here -> a report. Nothing here talks to the engine or prints. Each analysis declares
the file contents it needs (its NEEDS); the layer reader keeps exactly their union. Everything
taken from the image that a report prints is redacted here (secrets.redact), so no renderer can
print a secret value.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from slimstage.analyze import divecompat, divetree, filetree, leftovers, origin, packages, secrets
from slimstage.analyze.finalfs import (
    files_with_origin,
    kept_contents,
    resolver,
    visible_files,
)
from slimstage.analyze.folders import FolderSize, folder_sizes
from slimstage.analyze.origin import Origin
from slimstage.analyze.secrets import redact
from slimstage.image import layer
from slimstage.image.archive import Image, LayerReader, Verification
from slimstage.image.blob import DEFAULT_LIMITS, Limits
from slimstage.image.layer import EntryTable, LayerSummary
from slimstage.image.tarstream import Source

NEEDS = (*packages.NEEDS, *secrets.NEEDS)
_INDEX = 0xFFFFFFFF


@dataclass(frozen=True)
class AnalyzedLayer(LayerSummary):
    """A layer's summary, and what the analyses that need one layer alone made of it, done
    where the layer was read (in a worker process, when there is one)."""

    dive_leaves: divetree.DiveLayer
    credential_files: dict[int, str]


class LayerReading:
    """How analyze reads a layer blob: its entries, keeping what NEEDS ask for, and what the
    per-layer analyses make of it; or a part of one, the parts put together after."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits

    def __call__(self, stream: Source, name: str, location: str | None) -> AnalyzedLayer:
        summary = layer.scan(stream, name, location, needs=NEEDS, limits=self.limits)
        return _analyzed(summary.table, summary.compression)

    def segment(
        self, stream: Source, name: str, location: str | None, *, last: bool, offset: int
    ) -> layer.Segment:
        return layer.scan_segment(
            stream, name, location, last=last, offset=offset, needs=NEEDS, limits=self.limits
        )

    def merge(self, parts: list[layer.Segment]) -> AnalyzedLayer | None:
        if not all(part.clean for part in parts):
            return None
        table = parts[0].table
        for part in parts[1:]:
            table.extend(part.table)
        return _analyzed(table, "none")


def _analyzed(table: EntryTable, compression: str) -> AnalyzedLayer:
    return AnalyzedLayer(
        table,
        sum(table.sizes),
        compression,
        divetree.leaves(table),
        secrets.credential_files(table),
    )


def layer_reader(limits: Limits = DEFAULT_LIMITS) -> LayerReader[LayerSummary]:
    """How analyze reads each layer blob (LayerReading), within LIMITS."""
    return LayerReading(limits)


read_layer = layer_reader()


@dataclass(frozen=True)
class LayerReport:
    index: int
    digest: str
    created_by: str  # secret values redacted
    size_bytes: int  # the sum of the layer's regular-file sizes
    files_added: int
    files_modified: int
    files_deleted: int
    from_base: bool  # the layer is the base image's (see `base`)
    wasted_bytes: int  # of its bytes, those later layers hide


@dataclass(frozen=True)
class PathSize:
    path: str
    bytes: int


@dataclass(frozen=True)
class Packages:
    os: list[packages.Owned]
    python: list[packages.Owned]
    unowned_bytes: int
    unowned_base_bytes: int = 0  # of unowned_bytes, those in files the base image brought


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
    base_waste: filetree.Waste  # of waste, the bytes the base image's layers store
    base_visible_bytes: int  # of visible_bytes, those the base image's layers provide
    dive: divecompat.DiveFigures
    layers: list[LayerReport]
    leftovers: list[leftovers.Leftover]
    packages: Packages
    secrets: list[secrets.Secret]
    top: list[PathSize]
    folders: list[FolderSize]
    base: Origin
    verification: Verification
    python_versions: list[str]
    bytecode_disabled: bool


@dataclass(frozen=True)
class FileFacts:
    size: int
    owner: str | None
    leftover: str | None
    ref: int  # the entry in the stacked layers (filetree.Stacked), for its content digest


@dataclass(frozen=True)
class Examined:
    analysis: Analysis
    files: dict[str, FileFacts]  # every visible file, by path without the leading slash
    stacked: filetree.Stacked

    def digest(self, path: str) -> int | None:
        ref = self.files[path].ref
        return self.stacked.tables[ref >> 32].digest(ref & _INDEX)


def _layer_reports(
    image: Image[LayerSummary], stacked: filetree.Stacked, base: Origin
) -> list[LayerReport]:
    return [
        LayerReport(
            item.index,
            redact(item.digest),
            redact(item.created_by),
            item.summary.file_bytes,
            stats.added,
            stats.modified,
            stats.deleted,
            origin.is_base(item.index, base),
            waste.total,
        )
        for item, stats, waste in zip(
            image.layers, stacked.layer_stats, stacked.stored_waste, strict=True
        )
    ]


def _base_waste(stacked: filetree.Stacked, base: Origin) -> filetree.Waste:
    total = filetree.Waste()
    for waste in stacked.stored_waste[: base.base_layers]:
        for cause in filetree.CAUSES:
            total.add(cause, getattr(waste, cause))
    return total


def _packages(
    stacked: filetree.Stacked,
    refs: dict[str, int],
    sizes: dict[str, int],
    files: Iterable[tuple[str, int, bool]],
    base: Origin,
) -> tuple[Packages, dict[str, str]]:
    """Bytes by owner, split by origin, and each owned file's owner."""
    owned, unowned, owner_of = packages.attribute(
        packages.owners(kept_contents(stacked, refs)),
        resolver(stacked, sizes),
        sizes,
        lambda path: refs[path] >> 32 < base.base_layers,
    )
    unowned_base = sum(
        size for path, size, from_base in files if from_base and path not in owner_of
    )
    found = Packages(
        os=[_redacted(o) for o in owned if o.manager != "python"],
        python=[_redacted(o) for o in owned if o.manager == "python"],
        unowned_bytes=unowned,
        unowned_base_bytes=unowned_base,
    )
    return found, owner_of


def _secrets(image: Image[LayerSummary], refs: dict[str, int]) -> list[secrets.Secret]:
    history = [item.created_by for item in image.layers]
    found = [getattr(item.summary, "credential_files", None) for item in image.layers]
    layers = ((item.index, item.summary.table) for item in image.layers)
    return secrets.in_layers(layers, refs, found) + secrets.in_config(
        image.env, history, image.config.labels
    )


def examine(
    image: Image[LayerSummary], *, top: int = 10, keep_files: bool = True, base: Origin | None
) -> Examined:
    """Analyze an image and (with keep_files) keep what each visible file is, for `diff`."""
    base = base or origin.from_history(image.config.history, len(image.layers))
    stacked = filetree.stack(item.summary.table for item in image.layers)
    tables = stacked.tables
    refs, sizes, links = visible_files(stacked)
    visible_bytes = sum(sizes.values())
    size = stacked.stored_bytes
    versions = leftovers.python_versions(refs)
    bytecode = leftovers.Bytecode(sizes, versions, links)

    def visible() -> Iterator[tuple[str, int, bool]]:
        return files_with_origin(refs, sizes, base.base_layers)

    owned, owner_of = _packages(stacked, refs, sizes, visible(), base)
    largest = heapq.nlargest(top, sizes.items(), key=lambda item: item[1])
    result = Analysis(
        source=image.source,
        layout=image.layout,
        size_bytes=size,
        visible_bytes=visible_bytes,
        wasted_bytes=size - visible_bytes,
        efficiency=1.0 if size == 0 else visible_bytes / size,
        waste=stacked.waste,
        base_waste=_base_waste(stacked, base),
        base_visible_bytes=sum(s for _, s, from_base in visible() if from_base),
        dive=divecompat.figures(
            tables, [getattr(item.summary, "dive_leaves", None) for item in image.layers]
        )[0],
        layers=_layer_reports(image, stacked, base),
        leftovers=[_examples_redacted(lo) for lo in leftovers.find(visible(), bytecode)],
        packages=owned,
        secrets=_secrets(image, refs),
        top=[PathSize(redact("/" + p), s) for p, s in largest],
        folders=folder_sizes(visible(), visible_bytes),
        base=base,
        verification=image.verification,
        python_versions=sorted(versions),
        bytecode_disabled=bool(image.env.get("PYTHONDONTWRITEBYTECODE")),
    )
    categorize = leftovers.Categorizer(bytecode)
    files = {
        path: FileFacts(size, owner_of.get(path), categorize(path) if size else None, refs[path])
        for path, size in sizes.items()
        if keep_files
    }
    return Examined(result, files, stacked)


def _redacted(owned: packages.Owned) -> packages.Owned:
    return packages.Owned(
        redact(owned.name),
        owned.manager,
        owned.bytes,
        owned.files,
        redact(owned.version),
        redact(owned.location),
        owned.base_bytes,
    )


def _examples_redacted(leftover: leftovers.Leftover) -> leftovers.Leftover:
    return replace(leftover, examples=tuple(redact(path) for path in leftover.examples))


def analyze(image: Image[LayerSummary], *, top: int = 10, base: Origin | None = None) -> Analysis:
    return examine(image, top=top, keep_files=False, base=base).analysis
