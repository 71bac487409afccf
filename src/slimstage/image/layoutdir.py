"""An OCI image layout that is a folder: index.json and blobs/<algorithm>/<hex>.

Only what the index leads to is read, and only regular files inside the folder: a blob (or
`blobs` itself) that is a symlink out of the layout, a device or a FIFO is refused rather than
read, so a layout cannot make slimstage read /proc, block on a pipe or stream /dev/zero.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from slimstage.errors import UsageError
from slimstage.image import assembly, manifest
from slimstage.image.assembly import Image, LayerReader, T
from slimstage.image.layerlist import name_digest
from slimstage.image.manifest import Descriptor


class _Layout:
    def __init__(self, root: Path, verify: bool) -> None:
        self.root = root
        self.real_root = root.resolve()
        self.verify = verify

    def file(self, name: str) -> tuple[str, int]:
        """The path and size of NAME in the layout, if it is a regular file inside it."""
        path = self.root / name
        try:
            real = path.resolve(strict=True)
            info = os.stat(real)
        except (OSError, RuntimeError):  # missing, or a symlink loop
            raise UsageError(f"{self.root}: the layout does not contain {name}") from None
        if not real.is_relative_to(self.real_root):
            raise UsageError(f"{self.root}: {name} leads out of the layout (a symlink?)")
        if not stat.S_ISREG(info.st_mode):
            raise UsageError(f"{self.root}: {name} is not a regular file")
        return str(real), info.st_size

    def has(self, name: str) -> bool:
        return name == "index.json"  # a layout folder is read by its index only

    def json(self, name: str, what: str) -> Any:
        if name != "index.json" and name_digest(name) is None:
            raise UsageError(f"{self.root}: the index names a {what} that is not a blob: {name}")
        path, size = self.file(name)
        if size > manifest.JSON_LIMIT:
            raise UsageError(f"{self.root}: {name} is larger than {manifest.JSON_LIMIT} bytes")
        with open(path, "rb") as handle:
            data = handle.read(manifest.JSON_LIMIT + 1)
        assembly.check_json_digest(name, data, self.verify)
        return manifest.parse(data, name)


def read(root: Path, *, read_layer: LayerReader[T], platform: str | None, verify: bool) -> Image[T]:
    """An image from an OCI layout directory (index.json and blobs/)."""
    if not (root / "index.json").is_file():
        raise UsageError(f"{root}: not an OCI image layout (no index.json)")
    layout = _Layout(root, verify)
    plan = manifest.plan(layout.json, layout.has, platform, str(root))
    config = manifest.config(layout.json(plan.config, "config"), plan.config)
    files = []
    for layer in plan.layers:
        assert isinstance(layer, Descriptor)  # an index leads only to descriptors
        files.append((layer.blob, *layout.file(layer.blob)))
    jobs = [
        assembly.file_job(read_layer, path, 0, size, name, verify) for name, path, size in files
    ]
    blobs = assembly.read_planned(jobs, [size for _, _, size in files])
    return assembly.assemble(str(root), plan, config, blobs, verify)
