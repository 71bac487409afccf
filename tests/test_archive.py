"""Image archives built in tmp_path in both docker-save layouts."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from pathlib import Path

import pytest

from slimstage.archive import GZIP_LEVEL, gzip_size, layer_sizes
from slimstage.errors import UsageError


def _tar_bytes(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def build_archive(path: Path, layers: list[bytes], *, layout: str, manifest_last: bool) -> Path:
    """A docker-save archive: classic (<id>/layer.tar) or OCI blobs (Docker 25+)."""
    members: dict[str, bytes] = {}
    names = []
    for i, layer in enumerate(layers):
        name = f"{i:064x}/layer.tar" if layout == "classic" else f"blobs/sha256/{i + 1:064x}"
        names.append(name)
        members[name] = layer
    members["config.json" if layout == "classic" else f"blobs/sha256/{0:064x}"] = b"{}"
    manifest = json.dumps([{"Config": "config.json", "RepoTags": [], "Layers": names}]).encode()
    ordered = dict(members) if manifest_last else {"manifest.json": manifest, **members}
    if manifest_last:
        ordered["manifest.json"] = manifest
    path.write_bytes(_tar_bytes(ordered))
    return path


def _layers() -> list[bytes]:
    return [
        _tar_bytes({"etc/hello": b"hello world\n" * 1000}),
        _tar_bytes({"bin/tool": bytes(range(256)) * 400, "etc/hello": b"x"}),
    ]


@pytest.mark.parametrize("layout", ["classic", "oci"])
@pytest.mark.parametrize("manifest_last", [True, False])
def test_layer_sizes_match_gzip_of_each_layer(
    tmp_path: Path, layout: str, manifest_last: bool
) -> None:
    layers = _layers()
    archive = build_archive(tmp_path / "a.tar", layers, layout=layout, manifest_last=manifest_last)
    with archive.open("rb") as stream:
        sizes = layer_sizes(stream)
    assert [s.size for s in sizes] == [len(layer) for layer in layers]
    expected = [len(gzip.compress(layer, compresslevel=GZIP_LEVEL, mtime=0)) for layer in layers]
    # gzip's header may differ by a few bytes (name, mtime fields); the deflate stream is the same.
    for got, want in zip((s.compressed for s in sizes), expected, strict=True):
        assert abs(got - want) <= 16
    assert sizes[0].compressed < sizes[0].size / 10  # repetitive text compresses well


def test_gzip_size_counts_input_and_output() -> None:
    read, written = gzip_size(io.BytesIO(b"a" * 100_000))
    assert read == 100_000
    assert 0 < written < 1_000


def test_archive_without_manifest_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bad.tar"
    path.write_bytes(_tar_bytes({"x/layer.tar": b"abc"}))
    with path.open("rb") as stream, pytest.raises(UsageError, match="no manifest"):
        layer_sizes(stream)


def test_manifest_naming_a_missing_layer_is_rejected(tmp_path: Path) -> None:
    manifest = json.dumps([{"Layers": ["gone/layer.tar"]}]).encode()
    path = tmp_path / "bad.tar"
    path.write_bytes(_tar_bytes({"manifest.json": manifest}))
    with path.open("rb") as stream, pytest.raises(UsageError, match="does not contain"):
        layer_sizes(stream)


def test_truncated_archive_is_a_clear_error(tmp_path: Path) -> None:
    full = build_archive(tmp_path / "a.tar", _layers(), layout="classic", manifest_last=True)
    cut = tmp_path / "cut.tar"
    cut.write_bytes(full.read_bytes()[:3000])
    with cut.open("rb") as stream, pytest.raises(UsageError):
        layer_sizes(stream)


def test_not_a_tar_is_a_clear_error() -> None:
    with pytest.raises(UsageError, match="not a readable image archive"):
        layer_sizes(io.BytesIO(b"this is not a tar archive" * 40))
