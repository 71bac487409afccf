"""Reading image archives as a stream (`docker save` output), never unpacking them to disk."""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass

from slimstage.errors import UsageError
from slimstage.tarstream import Source, TarError, TarStream

_CHUNK = 1 << 20
#: gzip at its default level, as `docker push` compresses layers.
GZIP_LEVEL = 6


@dataclass(frozen=True)
class LayerSizes:
    name: str
    size: int
    compressed: int


def gzip_size(stream: Source, *, level: int = GZIP_LEVEL) -> tuple[int, int]:
    """Return (bytes read, bytes gzip would write) without keeping the compressed data."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, 31)
    read = written = 0
    while chunk := stream.read(_CHUNK):
        read += len(chunk)
        written += len(compressor.compress(chunk))
    written += len(compressor.flush())
    return read, written


def layer_sizes(stream: Source) -> list[LayerSizes]:
    """Sizes of each layer of the one image in a docker-save archive read from a stream.

    Works for both layouts: classic (`<id>/layer.tar`) and the OCI one Docker 25+ writes
    (`blobs/sha256/<hex>`). The manifest may come after the layers, so every candidate blob is
    measured on the way and the manifest picks the layers at the end.
    """
    measured: dict[str, tuple[int, int]] = {}
    manifest: list[dict[str, object]] | None = None
    tar = TarStream(stream)
    try:
        for member in tar:
            if not member.isreg():
                continue
            if member.name == "manifest.json":
                manifest = json.loads(tar.read_all(_CHUNK * 4))
            elif member.name.endswith("/layer.tar") or member.name.startswith("blobs/"):
                measured[member.name] = gzip_size(tar.window())
    except (TarError, ValueError, OSError) as exc:
        raise UsageError(f"not a readable image archive: {exc}") from exc
    if not manifest:
        raise UsageError("not an image archive: no manifest.json")
    layers = manifest[0].get("Layers")
    if not isinstance(layers, list):
        raise UsageError("image archive manifest has no Layers list")
    out = []
    for name in layers:
        if str(name) not in measured:
            raise UsageError(f"image archive names a layer it does not contain: {name}")
        size, compressed = measured[str(name)]
        out.append(LayerSizes(str(name), size, compressed))
    return out
