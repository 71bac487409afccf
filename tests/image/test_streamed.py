"""An archive as a stream: members in any order, kept JSON bounded, the engine's error shown."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from slimstage.analyze.analysis import read_layer
from slimstage.errors import UsageError
from slimstage.image import manifest, streamed
from tests.image import craft
from tests.imagebuild import ImageSpec, docker_classic, oci_tar

SPEC = ImageSpec([[("file", "a", "a" * 100)], [("file", "b", "b" * 10)]])


def _read(data: bytes) -> object:
    return streamed.read(
        io.BytesIO(data), "engine-image", read_layer=read_layer, platform=None, verify=True
    )


def test_members_in_any_order(tmp_path: Path) -> None:
    data = docker_classic(tmp_path / "a.tar", SPEC).read_bytes()
    image = _read(data)
    assert [layer.summary.file_bytes for layer in image.layers] == [100, 10]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (
            b'{"errorDetail":{"message":"open /var/lib/docker/x: no such file"},"error":"x"}\r\n',
            "open /var/lib/docker/x: no such file",
        ),
        (b'{"message": "layer does not exist"}', "layer does not exist"),
        (b'{"error":"cut' + b"x" * 600, "cut" + "x" * 297),  # cut short, at 300 characters
    ],
)
def test_an_error_the_engine_wrote_into_the_stream_is_what_the_user_reads(
    tmp_path: Path, block: bytes, message: str
) -> None:
    good = craft.member("repositories", b"{}")
    with pytest.raises(UsageError) as caught:
        _read(good + block[:512].ljust(512, b"\0") + bytes(512))
    assert str(caught.value) == f"engine-image: the engine stopped sending the image: {message}"
    assert "{" not in str(caught.value)


def test_engine_error_ignores_ordinary_corruption() -> None:
    assert streamed.engine_error(b"\x00garbage") is None
    assert streamed.engine_error(None) is None


def test_json_kept_from_a_stream_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streamed, "JSON_BUDGET", 1000)
    members = [craft.member(f"{i}.json", json.dumps({"pad": "x" * 300}).encode()) for i in range(5)]
    with pytest.raises(UsageError, match="more than 1000 bytes of JSON"):
        _read(craft.tar(*members))


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'  \n {"a": 1}', True),
        (b"[1]", True),
        (b"x{", False),
        (b"", False),
        (b"1 ", False),
    ],
)
def test_what_looks_like_json(head: bytes, expected: bool) -> None:
    assert streamed._is_json(head) is expected


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\x1f\x8b\x08", True),  # gzip
        (b"\x28\xb5\x2f\xfd", True),  # zstd
        (bytes(257) + b"ustar\x0000" + bytes(250), True),
        (bytes(512), True),  # an empty tar: its end blocks
        (bytes(1024), True),  # as much as is sniffed
        (bytes(511), False),
        (bytes(511) + b"\x01", False),
        (b"\x1f", False),
        (b"PK\x03\x04", False),
    ],
)
def test_what_looks_like_a_layer(head: bytes, expected: bool) -> None:
    assert streamed._looks_like_tar_or_compressed(head) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("blobs/sha256/abc", True),
        ("x/layer.tar", True),
        ("x/layer.tar.gz", True),
        ("x/layer.tgz", True),
        ("x/layer.TAR", False),
        ("x/layer.zip", False),
        ("manifest.json", False),
    ],
)
def test_which_names_are_layers(name: str, expected: bool) -> None:
    assert streamed._is_layer_name(name) is expected


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        (None, None),
        (b"", None),
        (b"ustar", None),
        (b'{"errorDetail":{"message":"disk full"},"error":"x"}\0\0', "disk full"),
        (b'{"error":"no such image"}\0{"message":"later"}', "no such image"),
        (b' {"message":"plain"}', "plain"),
        (b'{"message": 5}', "an error"),
        (b'{"message":"cut off, no end', "cut off, no end"),
        (b'{"error": broken', "an error"),
        (b'{"message":"caf\xe9"}', "caf\ufffd"),
        (b'{"message":"' + b"m" * 400 + b'"}', "m" * 300),
    ],
)
def test_an_error_the_engine_wrote_into_the_stream(
    block: bytes | None, expected: str | None
) -> None:
    assert streamed.engine_error(block) == expected


def _members(path: Path) -> list[tuple[str, bytes]]:
    with tarfile.open(path) as tar:
        return [(m.name, tar.extractfile(m).read()) for m in tar if m.isfile()]  # type: ignore[union-attr]


def _tar(members: list[tuple[str, bytes]]) -> bytes:
    return craft.tar(*(craft.member(name, data) for name, data in members))


def test_member_names_that_start_with_dot_slash(tmp_path: Path) -> None:
    members = _members(docker_classic(tmp_path / "a.tar", SPEC))
    image = _read(_tar([(f"./{name}", data) for name, data in members]))
    assert [layer.summary.file_bytes for layer in image.layers] == [100, 10]  # type: ignore[attr-defined]


def test_the_platform_asked_for_is_read_from_a_stream(tmp_path: Path) -> None:
    arm = ImageSpec([[("file", "arm", "r" * 7)]])
    data = oci_tar(tmp_path / "i.tar", [("linux/amd64", SPEC), ("linux/arm64", arm)]).read_bytes()
    image = streamed.read(
        io.BytesIO(data), "x", read_layer=read_layer, platform="linux/arm64", verify=True
    )
    assert [layer.summary.file_bytes for layer in image.layers] == [7]


def test_a_config_the_stream_lacks_is_named(tmp_path: Path) -> None:
    members = _members(docker_classic(tmp_path / "a.tar", SPEC))
    config = next(
        name
        for name, _ in members
        if name.endswith(".json") and "/" not in name and name != "manifest.json"
    )
    with pytest.raises(UsageError) as caught:
        _read(_tar([(n, d) for n, d in members if n != config]))
    assert str(caught.value) == f"image archive names a config it does not contain: {config}"


def test_json_up_to_the_limits_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    members = _members(docker_classic(tmp_path / "a.tar", SPEC))
    sizes = {name: len(data) for name, data in members if name.endswith(".json")}
    config = max(sizes, key=lambda name: sizes[name] if name != "manifest.json" else -1)
    monkeypatch.setattr(streamed, "JSON_BUDGET", sum(sizes.values()))  # every byte of JSON: fine
    monkeypatch.setattr(manifest, "JSON_LIMIT", sizes[config])  # the config: just fits
    assert len(_read(_tar(members)).layers) == 2  # type: ignore[attr-defined]
    monkeypatch.setattr(manifest, "JSON_LIMIT", sizes[config] - 1)
    with pytest.raises(UsageError, match="names a config it does not contain"):
        _read(_tar(members))


def test_only_members_named_like_layers_are_read_as_layers(tmp_path: Path) -> None:
    members = _members(docker_classic(tmp_path / "a.tar", SPEC))
    junk = b"\x1f\x8b" + bytes(100)  # gzip's magic, then nothing a gzip reader could read
    image = _read(_tar([*members, ("signature.json", junk), ("notes/README", junk)]))
    assert len(image.layers) == 2  # type: ignore[attr-defined]


def test_an_engine_error_followed_by_nuls_is_read_as_json() -> None:
    # Parsed as JSON, "error" is preferred to "message"; the NULs after it are not JSON.
    block = b'{"message":"the message","error":"the error"}' + bytes(200)
    assert streamed.engine_error(block) == "the error"
