"""Every layout and compression slimstage reads, and the hostile archives it refuses."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest

from slimstage.analyze.analysis import read_layer
from slimstage.errors import UsageError
from slimstage.image import archive
from slimstage.image.layer import LayerSummary
from tests.image.test_blob import zeros_zstd
from tests.imagebuild import (
    ImageSpec,
    _tar,
    docker_classic,
    docker_oci,
    flip,
    flip_in_layout,
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


def _read(
    path: Path, platform: str | None = None, *, streamed: bool = False, verify: bool = True
) -> archive.Image[LayerSummary]:
    """Read as slimstage reads it: a folder by its index, a file in place (or as a stream)."""
    if path.is_dir():
        image = archive.read_directory(
            path, read_layer=read_layer, platform=platform, verify=verify
        )
        assert image.verification.verified is verify
        return image
    location = None if streamed else str(path)
    with path.open("rb") as stream:
        image = archive.read_stream(
            stream,
            str(path),
            read_layer=read_layer,
            platform=platform,
            location=location,
            verify=verify,
        )
    assert image.verification.verified is verify  # every layer is read (and judged) by now
    return image


@pytest.fixture(params=["in place", "streamed"])
def streamed(request: pytest.FixtureRequest) -> bool:
    return bool(request.param == "streamed")


@pytest.mark.parametrize(
    ("build", "layout"),
    [
        (lambda p: docker_classic(p / "a.tar", SPEC), "docker-archive (classic)"),
        (lambda p: docker_oci(p / "a.tar", SPEC), "docker-archive (oci)"),
        (lambda p: oci_tar(p / "a.tar", [("linux/amd64", SPEC)]), "oci-layout"),
        (lambda p: oci_dir(p / "layout", [("linux/amd64", SPEC)]), "oci-layout"),
    ],
)
def test_layouts(tmp_path: Path, build: object, layout: str, streamed: bool) -> None:
    image = _read(build(tmp_path), streamed=streamed)  # type: ignore[operator]
    assert image.layout == layout
    assert [layer.created_by for layer in image.layers] == ["ADD rootfs /", "COPY data /app/data"]
    assert [e.path for e in image.layers[0].summary.entries] == ["app", "app/main.py"]
    assert image.layers[1].summary.file_bytes == 999


@pytest.mark.parametrize("compression", ["gzip", "zstd", "none"])
def test_compressed_layers(tmp_path: Path, compression: str, streamed: bool) -> None:
    spec = ImageSpec(SPEC.layers, compression=compression)
    image = _read(oci_tar(tmp_path / "a.tar", [("linux/amd64", spec)]), streamed=streamed)
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
    data = json.dumps(config).encode()
    del members[config_name]
    new_name = hashlib.sha256(data).hexdigest() + ".json"
    members[new_name] = data
    manifest = json.loads(members["manifest.json"])
    manifest[0]["Config"] = new_name
    members["manifest.json"] = json.dumps(manifest).encode()
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
def test_hostile_layers_are_refused(
    tmp_path: Path, layer: bytes, message: str, streamed: bool
) -> None:
    with pytest.raises(UsageError, match=message):
        _read(_with_layer(tmp_path, layer), streamed=streamed, verify=False)


def test_manifest_naming_a_missing_layer(tmp_path: Path) -> None:
    manifest = json.dumps([{"Config": "c.json", "Layers": ["gone/layer.tar"]}]).encode()
    path = _tar(tmp_path / "m.tar", {"c.json": b"{}", "manifest.json": manifest})
    with pytest.raises(UsageError, match=r"names a layer it does not contain: gone/layer\.tar"):
        _read(path)


def test_truncated_archive_says_truncated(tmp_path: Path, streamed: bool) -> None:
    archive_path = docker_classic(tmp_path / "a.tar", SPEC)  # the manifest comes last
    full = archive_path.read_bytes()
    with tarfile.open(archive_path) as tar:
        members = tar.getmembers()
    last = members[-1]
    assert last.name == "manifest.json"
    end = last.offset_data + (last.size + 511) // 512 * 512  # where the end marker starts
    # Inside a layer; at the end of the last member; before the manifest's header.
    for cut in (len(full) // 2, end, last.offset):
        path = tmp_path / "cut.tar"
        path.write_bytes(full[:cut])
        with pytest.raises(UsageError, match="truncated") as caught:
            _read(path, streamed=streamed)
        assert "no manifest" not in str(caught.value)


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


def test_decompression_bomb_is_stopped_and_named(tmp_path: Path, streamed: bool) -> None:
    bomb = zeros_zstd(1100 << 20)  # 1.1 GiB of zeros in a few kB
    with pytest.raises(UsageError, match=r"l/layer\.tar: expands more than 200x"):
        _read(_with_layer(tmp_path, bomb), streamed=streamed, verify=False)


def test_a_gzipped_docker_save_archive_is_read(tmp_path: Path) -> None:
    plain = docker_classic(tmp_path / "a.tar", SPEC)
    packed = tmp_path / "a.tar.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    image = _read(packed)
    assert image.layers[1].summary.file_bytes == 999
    assert image.verification.verified


# --- verification ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "checked", "not_checked"),
    [
        (
            lambda p: docker_classic(p / "a.tar", SPEC),
            ("config", "layer diff_ids in the config"),
            ("layer ids (docker-save's classic layout: they are not digests)",),
        ),
        (
            lambda p: docker_oci(p / "a.tar", SPEC),
            ("config", "layer blobs by digest", "layer diff_ids in the config"),
            (),
        ),
        (
            lambda p: oci_dir(
                p / "l", [("linux/amd64", ImageSpec(SPEC.layers, compression="gzip"))]
            ),
            ("config", "layer blobs by digest"),
            ("diff_ids of compressed layers (their blob digests are checked)",),
        ),
    ],
)
def test_what_is_verified_is_said(
    tmp_path: Path, build: object, checked: tuple[str, ...], not_checked: tuple[str, ...]
) -> None:
    verification = _read(build(tmp_path)).verification  # type: ignore[operator]
    assert verification == archive.Verification(True, checked, not_checked)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda p: docker_classic(p / "a.tar", SPEC), "does not match its diff_id"),
        (lambda p: docker_oci(p / "a.tar", SPEC), "does not match its digest"),
    ],
)
def test_a_layer_that_does_not_match_its_digest_is_refused(
    tmp_path: Path, build: object, message: str, streamed: bool
) -> None:
    path = build(tmp_path)  # type: ignore[operator]
    flip(path, b"d" * 999)
    with pytest.raises(UsageError, match=message):
        _read(path, streamed=streamed)
    image = _read(path, streamed=streamed, verify=False)  # --no-verify reads it, and says so
    assert image.verification == archive.Verification(False, (), ("digests (--no-verify)",))


def test_a_blob_in_a_layout_folder_that_does_not_match_is_refused(tmp_path: Path) -> None:
    layout = oci_dir(tmp_path / "l", [("linux/amd64", SPEC)])
    flip_in_layout(layout, b"d" * 999)
    with pytest.raises(UsageError, match="does not match its digest"):
        _read(layout)


def test_a_classic_config_that_does_not_match_its_name_is_refused(tmp_path: Path) -> None:
    path = docker_classic(tmp_path / "a.tar", SPEC)
    flip(path, b'"COPY data')
    with pytest.raises(UsageError, match=r"\.json does not match its digest"):
        _read(path)


def test_the_platform_reaches_every_way_a_file_is_read(tmp_path: Path) -> None:
    arm = ImageSpec([[("file", "arm", "a")]])
    path = oci_tar(tmp_path / "multi.tar", [("linux/amd64", SPEC), ("linux/arm64", arm)])
    packed = tmp_path / "multi.tar.gz"
    packed.write_bytes(gzip.compress(path.read_bytes()))
    for target, location in ((path, str(path)), (path, None), (packed, None)):
        with target.open("rb") as stream:
            image = archive.read_stream(
                stream,
                str(target),
                read_layer=read_layer,
                platform="linux/arm64",
                location=location,
            )
        assert [e.path for e in image.layers[0].summary.entries] == ["arm"], (target, location)


def test_digests_are_verified_unless_said_otherwise(tmp_path: Path) -> None:
    path = docker_oci(tmp_path / "a.tar", SPEC)
    flip(path, b"d" * 999)
    with path.open("rb") as stream, pytest.raises(UsageError, match="does not match its digest"):
        list(archive.read_stream(stream, str(path), read_layer=read_layer).layers)
    layout = oci_dir(tmp_path / "l", [("linux/amd64", SPEC)])
    flip_in_layout(layout, b"d" * 999)
    with pytest.raises(UsageError, match="does not match its digest"):
        list(archive.read_directory(layout, read_layer=read_layer).layers)
