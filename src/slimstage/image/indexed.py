"""An image archive that is a tar file on disk: its members indexed first, then read where needed.

The index pass reads member headers only (seeking over contents) and insists on the tar's end
marker, so a truncated archive is reported as truncated whatever it lost. Then the manifest is
read, and the layers it names are read straight from their place in the file, each by its own
job: in worker processes when there is work to share.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slimstage.errors import UsageError
from slimstage.image import assembly, manifest, segments, workers
from slimstage.image.assembly import Image, LayerReader, T
from slimstage.image.manifest import Descriptor
from slimstage.image.printable import printable
from slimstage.image.tarstream import TarError, TarStream


@dataclass(frozen=True)
class _Member:
    offset: int
    size: int


def index(path: str, source: str) -> dict[str, _Member]:
    """Every regular file in the tar at PATH, by name (the last one wins, as tar has it)."""
    members: dict[str, _Member] = {}
    with open(path, "rb", buffering=0) as handle:
        tar = TarStream(handle, size=os.fstat(handle.fileno()).st_size)
        try:
            for member in tar:
                if member.isreg():
                    members[member.name.removeprefix("./")] = _Member(member.offset, member.size)
        except TarError as exc:
            name = tar.last_name()
            where = f" (last member read: {printable(name)})" if name else ""
            raise UsageError(f"{source}: not a readable image archive: {exc}{where}") from None
    return members


class _Archive:
    def __init__(self, path: str, source: str, verify: bool) -> None:
        self.path = path
        self.source = source
        self.verify = verify
        self.members = index(path, source)

    def has(self, name: str) -> bool:
        return name in self.members

    def member(self, name: str, what: str) -> _Member:
        found = self.members.get(name)
        if found is None:
            raise UsageError(f"image archive names a {what} it does not contain: {name}")
        return found

    def json(self, name: str, what: str) -> Any:
        found = self.member(name, what)
        if found.size > manifest.JSON_LIMIT:
            raise UsageError(f"image archive: {name} is larger than {manifest.JSON_LIMIT} bytes")
        with open(self.path, "rb") as handle:
            handle.seek(found.offset)
            data = handle.read(found.size)
        if len(data) != found.size:
            raise UsageError(f"{self.source}: truncated: {name} is cut short")
        assembly.check_json_digest(name, data, self.verify)
        return manifest.parse(data, name)


def read(
    path: str, source: str, *, read_layer: LayerReader[T], platform: str | None, verify: bool
) -> Image[T]:
    archive = _Archive(path, source, verify)
    plan = manifest.plan(archive.json, archive.has, platform, source)
    config = manifest.config(archive.json(plan.config, "config"), plan.config)
    names = [layer.blob if isinstance(layer, Descriptor) else layer for layer in plan.layers]
    found = [archive.member(name, "layer") for name in names]
    whole = [
        assembly.file_job(read_layer, path, member.offset, member.size, name, verify)
        for name, member in zip(names, found, strict=True)
    ]
    sizes = [m.size for m in found]
    plans = (
        _splits(read_layer, path, names, found, verify)
        if sum(sizes) >= assembly.PARALLEL_BYTES
        else []
    )
    if not any(plans):
        return assembly.assemble(source, plan, config, assembly.read_planned(whole, sizes), verify)
    jobs: list[Callable[[], Any]] = []
    costs: list[int] = []
    for one, split, size in zip(whole, plans, sizes, strict=True):
        jobs.extend(split.jobs if split else [one])
        costs.extend(split.sizes if split else [size])
    results = assembly.read_planned(jobs, costs)
    blobs = segments.gather(results, plans, whole, read_layer, sizes)  # type: ignore[arg-type]
    return assembly.assemble(source, plan, config, blobs, verify)


def _splits(
    read_layer: LayerReader[T], path: str, names: list[str], found: list[_Member], verify: bool
) -> list[segments.Split | None]:
    """How each layer is read in parts, when its reader can read parts (None: whole)."""
    count = workers.processes()
    if count < 2 or not hasattr(read_layer, "merge"):
        return []
    return [
        segments.split(
            read_layer,  # type: ignore[arg-type]
            path,
            member.offset,
            member.size,
            name,
            parts=count,
            algorithm=assembly.algorithm_for(name) if verify else None,
        )
        for name, member in zip(names, found, strict=True)
    ]
