"""Build image archives in tmp_path: layers from short specs, in every layout slimstage reads."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import zstandard

Spec = tuple[str, ...]  # ("file", path, content) | ("dir", path) | ("symlink", path, target) |
# ("hardlink", path, target) | ("whiteout", path) | ("opaque", dir)


def layer_tar(specs: Sequence[Spec]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for spec in specs:
            kind, path = spec[0], spec[1]
            if kind == "whiteout":
                head, _, name = path.rpartition("/")
                path, kind = (f"{head}/.wh.{name}" if head else f".wh.{name}"), "file"
                spec = ("file", path, "")
            elif kind == "opaque":
                path, kind = f"{path}/.wh..wh..opq", "file"
                spec = ("file", path, "")
            info = tarfile.TarInfo(path)
            info.mtime = 0
            data = b""
            if kind == "file":
                data = spec[2].encode() if len(spec) > 2 else b""
                info.size = len(data)
                info.mode = int(spec[3], 8) if len(spec) > 3 else 0o644
            elif kind == "dir":
                info.type, info.mode = tarfile.DIRTYPE, 0o755
            elif kind == "symlink":
                info.type, info.linkname = tarfile.SYMTYPE, spec[2]
            elif kind == "hardlink":
                info.type, info.linkname = tarfile.LNKTYPE, spec[2]
            tar.addfile(info, io.BytesIO(data) if data else None)
    return buf.getvalue()


def compress(data: bytes, how: str) -> bytes:
    if how == "gzip":
        return gzip.compress(data, mtime=0)
    if how == "zstd":
        return zstandard.ZstdCompressor().compress(data)
    return data


def _digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclass
class ImageSpec:
    layers: list[list[Spec]]
    history: list[str] | None = None
    env: list[str] | None = None
    compression: str = "none"
    labels: dict[str, str] | None = None

    def config(self, diff_ids: list[str]) -> bytes:
        history = [{"created_by": c} for c in (self.history or ["layer"] * len(self.layers))]
        return json.dumps(
            {
                "architecture": "amd64",
                "os": "linux",
                "config": {"Env": self.env or ["PATH=/usr/bin"], "Labels": self.labels},
                "rootfs": {"type": "layers", "diff_ids": diff_ids},
                "history": history,
            }
        ).encode()


def _tar(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def docker_classic(path: Path, image: ImageSpec) -> Path:
    """`docker save` before Docker 25: <id>/layer.tar, <config>.json, manifest.json."""
    raw = [layer_tar(layer) for layer in image.layers]
    members: dict[str, bytes] = {}
    names = []
    for data in raw:
        layer_id = hashlib.sha256(data).hexdigest()
        members[f"{layer_id}/VERSION"] = b"1.0"
        members[f"{layer_id}/json"] = b'{"id": "%s"}' % layer_id.encode()
        members[f"{layer_id}/layer.tar"] = data
        names.append(f"{layer_id}/layer.tar")
    config = image.config([_digest(d) for d in raw])
    config_name = hashlib.sha256(config).hexdigest() + ".json"
    members[config_name] = config
    members["manifest.json"] = json.dumps(
        [{"Config": config_name, "RepoTags": ["test/image:1"], "Layers": names}]
    ).encode()
    return _tar(path, members)


def _oci_members(images: list[tuple[str, ImageSpec]], *, docker_manifest: bool) -> dict[str, bytes]:
    members: dict[str, bytes] = {"oci-layout": b'{"imageLayoutVersion": "1.0.0"}'}
    descriptors = []
    manifest_json = []
    for platform, image in images:
        raw = [layer_tar(layer) for layer in image.layers]
        blobs = [compress(d, image.compression) for d in raw]
        config = image.config([_digest(d) for d in raw])
        media = {"none": "tar", "gzip": "tar+gzip", "zstd": "tar+zstd"}[image.compression]
        layers = []
        for blob in blobs:
            members[f"blobs/sha256/{_digest(blob)[7:]}"] = blob
            layers.append(
                {
                    "mediaType": f"application/vnd.oci.image.layer.v1.{media}",
                    "digest": _digest(blob),
                    "size": len(blob),
                }
            )
        members[f"blobs/sha256/{_digest(config)[7:]}"] = config
        manifest = json.dumps(
            {
                "schemaVersion": 2,
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {
                    "mediaType": "application/vnd.oci.image.config.v1+json",
                    "digest": _digest(config),
                    "size": len(config),
                },
                "layers": layers,
            }
        ).encode()
        members[f"blobs/sha256/{_digest(manifest)[7:]}"] = manifest
        os_name, arch = platform.split("/")
        descriptors.append(
            {
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "digest": _digest(manifest),
                "size": len(manifest),
                "platform": {"os": os_name, "architecture": arch},
            }
        )
        manifest_json.append(
            {
                "Config": f"blobs/sha256/{_digest(config)[7:]}",
                "RepoTags": [],
                "Layers": [f"blobs/sha256/{_digest(b)[7:]}" for b in blobs],
            }
        )
    members["index.json"] = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.index.v1+json",
            "manifests": descriptors,
        }
    ).encode()
    if docker_manifest:
        members["manifest.json"] = json.dumps(manifest_json[:1]).encode()
    return members


def docker_oci(path: Path, image: ImageSpec) -> Path:
    """`docker save` from Docker 25 on: blobs/sha256/..., index.json and manifest.json."""
    return _tar(path, _oci_members([("linux/amd64", image)], docker_manifest=True))


def oci_tar(path: Path, images: list[tuple[str, ImageSpec]]) -> Path:
    return _tar(path, _oci_members(images, docker_manifest=False))


def oci_dir(path: Path, images: list[tuple[str, ImageSpec]]) -> Path:
    for name, data in _oci_members(images, docker_manifest=False).items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return path


def flip(path: Path, marker: bytes) -> None:
    """Change one byte of a file's content inside a layer (at MARKER, the content's first bytes),
    keeping every tar header valid: only digests can tell."""
    data = bytearray(path.read_bytes())
    data[data.index(marker)] ^= 1
    path.write_bytes(bytes(data))


def flip_in_layout(root: Path, marker: bytes) -> None:
    """flip() in every blob of the OCI layout folder ROOT that holds MARKER."""
    for blob in (root / "blobs" / "sha256").iterdir():
        if marker in blob.read_bytes():
            flip(blob, marker)
