"""Image archives in every layout, read as streams: config + ordered layers.

Layouts: a docker-save archive (the classic `<id>/layer.tar` layout and the `blobs/sha256/` one
Docker 25+ writes), or an OCI image layout, as a directory or a tar. Members of a tar stream
arrive in any order, so every blob that is a layer is handed to READ_LAYER as it passes (which
summarizes or measures it) and the manifest picks and orders the results at the end.
"""

from __future__ import annotations

import json
import platform as host_platform
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from slimstage.errors import UsageError
from slimstage.image.blob import peek
from slimstage.image.tarstream import Source, TarError, TarStream

T = TypeVar("T")
#: What to make of one layer blob: (stream at its start, its name, the file it can be re-read
#: from or None) -> a summary of it.
LayerReader = Callable[[Source, str, str | None], T]

JSON_LIMIT = 16 << 20
INDEX_TYPES = {
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
}


@dataclass(frozen=True)
class ImageLayer(Generic[T]):
    index: int
    digest: str  # the blob's name in the archive (e.g. blobs/sha256/<hex> or <id>/layer.tar)
    created_by: str
    summary: T  # what the LayerReader made of the blob


@dataclass(frozen=True)
class Image(Generic[T]):
    source: str
    layout: str  # "docker-archive (classic)", "docker-archive (oci)", "oci-layout"
    config: dict[str, Any]
    layers: tuple[ImageLayer[T], ...]

    @property
    def env(self) -> dict[str, str]:
        out = {}
        for item in (self.config.get("config") or {}).get("Env") or []:
            key, _, value = str(item).partition("=")
            out[key] = value
        return out


def default_platform() -> str:
    machine = host_platform.machine().lower()
    arch = {"x86_64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(machine, machine)
    return f"linux/{arch}"


def _is_json(head: bytes) -> bool:
    return head.lstrip()[:1] in (b"{", b"[")


def _looks_like_tar_or_compressed(head: bytes) -> bool:
    return (
        head[:2] == b"\x1f\x8b"
        or head[:4] == b"\x28\xb5\x2f\xfd"
        or head[257:262] == b"ustar"
        or (len(head) >= 512 and head[:512] == bytes(512))
    )


class _Collector(Generic[T]):
    def __init__(self, read_layer: LayerReader[T]) -> None:
        self.read_layer = read_layer
        self.json: dict[str, bytes] = {}
        self.layers: dict[str, T] = {}

    def add(self, name: str, stream: Source, size: int, location: str | None) -> None:
        if not (name.startswith("blobs/") or name.endswith((".tar", ".tar.gz", ".tgz", ".json"))):
            if name not in ("manifest.json", "index.json", "repositories"):
                return
        head, source, seekable = peek(stream, 1024)
        if _is_json(head) and size <= JSON_LIMIT:
            self.json[name] = source.read(-1)
        elif _looks_like_tar_or_compressed(head) and (
            name.startswith("blobs/") or name.endswith((".tar", ".tar.gz", ".tgz"))
        ):
            self.layers[name] = self.read_layer(source, name, location if seekable else None)


def _load_json(collector: _Collector[T], name: str, what: str) -> Any:
    if name not in collector.json:
        raise UsageError(f"image archive names a {what} it does not contain: {name}")
    try:
        return json.loads(collector.json[name])
    except json.JSONDecodeError as exc:
        raise UsageError(f"image archive: {name} is not valid JSON: {exc}") from None


def _blob(digest: str) -> str:
    algorithm, _, hexdigest = digest.partition(":")
    return f"blobs/{algorithm}/{hexdigest}"


def _pick_manifest(
    collector: _Collector[T], index: dict[str, Any], want: str | None
) -> dict[str, Any]:
    """Follow an OCI index (nested indexes too) to the image manifest for a platform."""
    for _ in range(8):
        manifests = [m for m in index.get("manifests") or [] if isinstance(m, dict)]
        if not manifests:
            raise UsageError("image archive: the index lists no manifests")
        candidates = [
            m
            for m in manifests
            if (m.get("annotations") or {}).get("vnd.docker.reference.type")
            != "attestation-manifest"
        ]
        platforms = {
            f"{m['platform'].get('os')}/{m['platform'].get('architecture')}": m
            for m in candidates
            if isinstance(m.get("platform"), dict)
        }
        if want:
            if want not in platforms and len(candidates) > 1:
                known = ", ".join(sorted(platforms)) or "none named"
                raise UsageError(f"--platform {want}: not in this image (it has: {known})")
            chosen = platforms.get(want, candidates[0])
        elif len(platforms) > 1:
            chosen = platforms.get(default_platform()) or candidates[0]
        else:
            chosen = candidates[0]
        document = _load_json(collector, _blob(str(chosen.get("digest"))), "manifest")
        if chosen.get("mediaType") in INDEX_TYPES or document.get("manifests") is not None:
            index = document
            continue
        return dict(document)
    raise UsageError("image archive: indexes nested too deeply")


def _history(config: dict[str, Any], count: int) -> list[str]:
    """The instruction behind each layer: config history without its empty-layer entries."""
    created = [
        str(h.get("created_by", ""))
        for h in config.get("history") or []
        if isinstance(h, dict) and not h.get("empty_layer")
    ]
    created += ["(missing)"] * (count - len(created))
    return created[:count]


def _assemble(collector: _Collector[T], source: str, want: str | None) -> Image[T]:
    if "manifest.json" in collector.json:
        manifest = _load_json(collector, "manifest.json", "manifest")
        if not isinstance(manifest, list) or not manifest:
            raise UsageError("image archive: manifest.json lists no image")
        entry = manifest[0]
        config = _load_json(collector, str(entry.get("Config")), "config")
        layer_names = [str(name) for name in entry.get("Layers") or []]
        layout = (
            "docker-archive (oci)" if "index.json" in collector.json else "docker-archive (classic)"
        )
    elif "index.json" in collector.json:
        document = _pick_manifest(collector, _load_json(collector, "index.json", "index"), want)
        config = _load_json(
            collector, _blob(str((document.get("config") or {}).get("digest"))), "config"
        )
        layer_names = [_blob(str(layer.get("digest"))) for layer in document.get("layers") or []]
        layout = "oci-layout"
    else:
        raise UsageError(f"{source}: not an image archive (no manifest.json or index.json)")
    missing = [name for name in layer_names if name not in collector.layers]
    if missing:
        raise UsageError(f"image archive names a layer it does not contain: {missing[0]}")
    history = _history(config, len(layer_names))
    layers = tuple(
        ImageLayer(i, name, history[i], collector.layers[name])
        for i, name in enumerate(layer_names)
    )
    return Image(source, layout, config, layers)


def read_stream(
    stream: Source,
    source: str,
    *,
    read_layer: LayerReader[T],
    platform: str | None = None,
    location: str | None = None,
) -> Image[T]:
    """An image from a tar stream: docker-save archive or OCI layout tar.

    LOCATION names the file the stream reads when it is one (and can seek): file contents are
    then skipped and read back only where needed.
    """
    collector = _Collector(read_layer)
    tar = TarStream(stream)
    try:
        for member in tar:
            if member.isreg():
                name = member.name.removeprefix("./")
                collector.add(name, tar.window(), member.size, location)
    except UsageError:
        raise
    except (TarError, ValueError, OSError) as exc:
        raise UsageError(f"{source}: not a readable image archive: {exc}") from None
    return _assemble(collector, source, platform)


def read_directory(
    path: Path, *, read_layer: LayerReader[T], platform: str | None = None
) -> Image[T]:
    """An image from an OCI layout directory (index.json and blobs/)."""
    if not (path / "index.json").is_file():
        raise UsageError(f"{path}: not an OCI image layout (no index.json)")
    collector = _Collector(read_layer)
    collector.json["index.json"] = (path / "index.json").read_bytes()
    blobs = path / "blobs"
    for blob in sorted(blobs.glob("*/*")) if blobs.is_dir() else []:
        if blob.is_file() and not blob.is_symlink():
            name = blob.relative_to(path).as_posix()
            with blob.open("rb") as handle:
                collector.add(name, handle, blob.stat().st_size, str(blob))
    return _assemble(collector, str(path), platform)
