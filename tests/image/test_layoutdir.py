"""An OCI layout folder: only regular files inside it are read, whatever it links to."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from slimstage.analyze.analysis import read_layer
from slimstage.errors import UsageError
from slimstage.image import layoutdir, manifest
from tests.imagebuild import ImageSpec, oci_dir

SPEC = ImageSpec([[("file", "a", "a" * 100)]])


def _read(root: Path) -> object:
    return layoutdir.read(root, read_layer=read_layer, platform=None, verify=True)


def test_a_layout_is_read_by_its_index(tmp_path: Path) -> None:
    root = oci_dir(tmp_path / "l", [("linux/amd64", SPEC)])
    (root / "blobs" / "sha256" / ("f" * 64)).write_bytes(b"an unreferenced blob is not read")
    image = _read(root)
    assert image.layers[0].summary.file_bytes == 100  # type: ignore[attr-defined]


def test_blobs_linked_out_of_the_layout_are_refused(tmp_path: Path) -> None:
    root = oci_dir(tmp_path / "l", [("linux/amd64", SPEC)])
    (root / "blobs").rename(tmp_path / "real-blobs")
    (root / "blobs").symlink_to("/proc/self")
    with pytest.raises(UsageError, match=r"does not contain|leads out of the layout"):
        _read(root)
    (root / "blobs").unlink()
    (root / "blobs").symlink_to(tmp_path / "real-blobs")  # outside the layout too
    with pytest.raises(UsageError, match="leads out of the layout"):
        _read(root)


def test_a_blob_that_is_not_a_regular_file_is_refused(tmp_path: Path) -> None:
    root = oci_dir(tmp_path / "l", [("linux/amd64", SPEC)])
    layer = max((root / "blobs" / "sha256").iterdir(), key=lambda p: p.stat().st_size)
    layer.unlink()
    os.mkfifo(layer)  # reading it would block forever
    with pytest.raises(UsageError, match="is not a regular file"):
        _read(root)


def test_an_index_linked_to_a_device_is_refused(tmp_path: Path) -> None:
    root = oci_dir(tmp_path / "l", [("linux/amd64", SPEC)])
    (root / "index.json").unlink()
    (root / "index.json").symlink_to("/dev/zero")
    with pytest.raises(UsageError, match=r"not an OCI image layout|not a regular file|leads out"):
        _read(root)


def test_json_up_to_the_limit_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = oci_dir(tmp_path / "l", [("linux/amd64", SPEC)])
    largest = max(
        path.stat().st_size
        for path in [root / "index.json", *(root / "blobs" / "sha256").iterdir()]
        if path.read_bytes()[:1] == b"{"
    )
    monkeypatch.setattr(manifest, "JSON_LIMIT", largest)
    _read(root)
    monkeypatch.setattr(manifest, "JSON_LIMIT", largest - 1)
    with pytest.raises(UsageError, match=f"is larger than {largest - 1} bytes"):
        _read(root)


def test_the_image_names_the_layout_it_came_from(tmp_path: Path) -> None:
    root = oci_dir(tmp_path / "l", [("linux/amd64", SPEC)])
    image = layoutdir.read(root, read_layer=read_layer, platform=None, verify=True)
    assert (image.source, image.layout) == (str(tmp_path / "l"), "oci-layout")
