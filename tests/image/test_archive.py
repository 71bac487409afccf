"""Every layout and compression slimstage reads, and the hostile archives it refuses."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from pathlib import Path

import pytest

from slimstage.analyze.analysis import read_layer
from slimstage.errors import UsageError
from slimstage.image import archive, blob
from slimstage.image.layer import LayerSummary
from tests.imagebuild import (
    ImageSpec,
    _tar,
    docker_classic,
    docker_oci,
    layer_tar,
    oci_dir,
    oci_tar,
)

SPEC = ImageSpec(
    [
        [("dir", "app"), ("file", "app/main.py", "print(1)\n" * 10)],
        [("file", "app/data", "d" * 999)],
    ],
    history=["ADD rootfs /", "COPY data /app/data"],
)


def _read(path: Path, platform: str | None = None) -> archive.Image[LayerSummary]:
    if path.is_dir():
        return archive.read_directory(path, read_layer=read_layer, platform=platform)
    with path.open("rb") as stream:
        return archive.read_stream(stream, str(path), read_layer=read_layer, platform=platform)


@pytest.mark.parametrize(
    ("build", "layout"),
    [
        (lambda p: docker_classic(p / "a.tar", SPEC), "docker-archive (classic)"),
        (lambda p: docker_oci(p / "a.tar", SPEC), "docker-archive (oci)"),
        (lambda p: oci_tar(p / "a.tar", [("linux/amd64", SPEC)]), "oci-layout"),
        (lambda p: oci_dir(p / "layout", [("linux/amd64", SPEC)]), "oci-layout"),
    ],
)
def test_layouts(tmp_path: Path, build: object, layout: str) -> None:
    image = _read(build(tmp_path))  # type: ignore[operator]
    assert image.layout == layout
    assert [layer.created_by for layer in image.layers] == ["ADD rootfs /", "COPY data /app/data"]
    assert [e.path for e in image.layers[0].summary.entries] == ["app", "app/main.py"]
    assert image.layers[1].summary.file_bytes == 999


@pytest.mark.parametrize("compression", ["gzip", "zstd", "none"])
def test_compressed_layers(tmp_path: Path, compression: str) -> None:
    spec = ImageSpec(SPEC.layers, compression=compression)
    image = _read(oci_tar(tmp_path / "a.tar", [("linux/amd64", spec)]))
    assert {layer.summary.compression for layer in image.layers} == {compression}
    assert image.layers[1].summary.entries[0].size == 999


def test_platform_is_chosen_from_an_index(tmp_path: Path) -> None:
    arm = ImageSpec([[("file", "arm", "a")]])
    amd = ImageSpec([[("file", "amd", "bb")]])
    path = oci_dir(tmp_path / "multi", [("linux/arm64", arm), ("linux/amd64", amd)])
    assert _read(path, "linux/arm64").layers[0].summary.entries[0].path == "arm"
    assert _read(path, "linux/amd64").layers[0].summary.entries[0].path == "amd"
    with pytest.raises(
        UsageError,
        match=r"--platform linux/s390x: not in this image \(it has: linux/amd64, linux/arm64\)",
    ):
        _read(path, "linux/s390x")


def test_history_without_empty_layers_names_each_layer(tmp_path: Path) -> None:
    spec = ImageSpec([[("file", "a", "1")], [("file", "b", "2")]])
    path = docker_classic(tmp_path / "a.tar", spec)
    members: dict[str, bytes] = {}
    with tarfile.open(path) as tar:
        for member in tar:
            handle = tar.extractfile(member)
            if handle is not None:
                members[member.name] = handle.read()
    config_name = next(
        n for n in members if n.endswith(".json") and "/" not in n and n != "manifest.json"
    )
    config = json.loads(members[config_name])
    config["history"] = [
        {"created_by": "FROM x"},
        {"created_by": "ENV A=1", "empty_layer": True},
        {"created_by": "RUN b"},
    ]
    members[config_name] = json.dumps(config).encode()
    image = _read(_tar(tmp_path / "b.tar", members))
    assert [layer.created_by for layer in image.layers] == ["FROM x", "RUN b"]


# --- hostile and broken input ---------------------------------------------------------------


def _with_layer(tmp_path: Path, layer: bytes) -> Path:
    config = b'{"config": {}, "history": []}'
    manifest = json.dumps([{"Config": "c.json", "Layers": ["l/layer.tar"]}]).encode()
    return _tar(
        tmp_path / "h.tar", {"l/layer.tar": layer, "c.json": config, "manifest.json": manifest}
    )


def _raw_layer(name: str, *, pax: dict[str, str] | None = None, linkname: str = "") -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo(name)
        if pax:
            info.pax_headers = pax
        if linkname:
            info.type, info.linkname = tarfile.LNKTYPE, linkname
        tar.addfile(info)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("layer", "message"),
    [
        (_raw_layer("../../etc/passwd"), "escapes the image root"),
        (_raw_layer("usr/../../x"), "escapes the image root"),
        (_raw_layer("/etc/shadow"), "absolute path"),
        (_raw_layer("ok", linkname="../outside"), "escapes the image root"),
        (_raw_layer("big", pax={"comment": "x" * (2 << 20)}), "not a readable layer"),
    ],
)
def test_hostile_layers_are_refused(tmp_path: Path, layer: bytes, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        _read(_with_layer(tmp_path, layer))


def test_manifest_naming_a_missing_layer(tmp_path: Path) -> None:
    manifest = json.dumps([{"Config": "c.json", "Layers": ["gone/layer.tar"]}]).encode()
    path = _tar(tmp_path / "m.tar", {"c.json": b"{}", "manifest.json": manifest})
    with pytest.raises(UsageError, match=r"names a layer it does not contain: gone/layer\.tar"):
        _read(path)


def test_truncated_archive(tmp_path: Path) -> None:
    full = docker_classic(tmp_path / "a.tar", SPEC).read_bytes()
    cut = tmp_path / "cut.tar"
    cut.write_bytes(full[: len(full) // 2])
    with pytest.raises(UsageError):
        _read(cut)


def test_not_an_archive_and_no_manifest(tmp_path: Path) -> None:
    junk = tmp_path / "junk"
    junk.write_bytes(b"not a tar" * 100)
    with pytest.raises(UsageError, match="not a readable image archive"):
        _read(junk)
    empty = _tar(tmp_path / "e.tar", {"readme": b"hello"})
    with pytest.raises(UsageError, match=r"no manifest\.json or index\.json"):
        _read(empty)
    with pytest.raises(UsageError, match=r"not an OCI image layout"):
        _read(tmp_path)


def test_decompression_bomb_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(blob, "RATIO_FLOOR", 1 << 20)
    monkeypatch.setattr(blob, "MAX_RATIO", 50)
    bomb = gzip.compress(layer_tar([("file", "zeros", "\0" * (8 << 20))]))
    assert len(bomb) < (8 << 20) // 50
    with pytest.raises(UsageError, match="decompression bomb"):
        _read(_with_layer(tmp_path, bomb))
