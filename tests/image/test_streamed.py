"""An archive as a stream: members in any order, kept JSON bounded, the engine's error shown."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from slimstage.analyze.analysis import read_layer
from slimstage.errors import UsageError
from slimstage.image import streamed
from tests.image import craft
from tests.imagebuild import ImageSpec, docker_classic

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
