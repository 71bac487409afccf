"""Where an image comes from: a folder, a file, or the engine."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from slimstage.analyze.analysis import read_layer
from slimstage.engine import Engine
from slimstage.errors import UsageError
from slimstage.image import source
from tests.imagebuild import ImageSpec, docker_classic, oci_dir

SPEC = ImageSpec([[("file", "app/a", "a" * 10)]])


def test_a_folder_is_read_as_an_oci_layout(tmp_path: Path) -> None:
    image = source.load(
        str(oci_dir(tmp_path / "l", [("linux/amd64", SPEC)])), read_layer=read_layer
    )
    assert image.layout == "oci-layout"
    assert [e.path for e in image.layers[0].summary.entries] == ["app/a"]


@pytest.mark.parametrize("verify", [True, False])
def test_a_file_is_read_as_an_archive_whose_contents_can_be_read_back(
    tmp_path: Path, verify: bool
) -> None:
    path = docker_classic(tmp_path / "i.tar", SPEC)
    image = source.load(str(path), read_layer=read_layer, verify=verify)
    [entry] = image.layers[0].summary.entries
    # Read from disk: the content was skipped and can be read back from its offset.
    assert entry.location == str(path.resolve())
    assert entry.offset > 0
    with path.open("rb") as handle:
        handle.seek(entry.offset)
        assert handle.read(entry.size) == b"a" * 10


@pytest.mark.parametrize(
    "target", ["/no/such/image.tar", "./missing", "../missing/layout", "missing.tar.gz", "x.oci"]
)
def test_a_missing_path_is_a_usage_error_before_any_engine_is_asked(
    target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_engine(**_kw: object) -> Engine:
        raise AssertionError("the engine must not be asked about a path")

    monkeypatch.setattr(Engine, "connect", no_engine)
    with pytest.raises(UsageError, match="no such file or folder"):
        source.load(target, read_layer=read_layer)


def _no_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_engine(**_kw: object) -> Engine:
        raise AssertionError("the engine must not be asked")

    monkeypatch.setattr(Engine, "connect", no_engine)


@pytest.mark.parametrize("target", ["--help", "-x", "a b", "name\x1b[2J", "x" * 600])
def test_what_cannot_be_an_image_reference_is_refused_without_the_engine(
    target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_engine(monkeypatch)
    with pytest.raises(UsageError, match="not a file, a folder or an image reference"):
        source.load(target, read_layer=read_layer)


def test_a_path_that_is_no_regular_file_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_engine(monkeypatch)
    fifo = tmp_path / "image.tar"
    os.mkfifo(fifo)  # reading it would block forever
    for target in (str(fifo), "/dev/null"):
        with pytest.raises(UsageError, match="not a regular file"):
            source.load(target, read_layer=read_layer)


def test_diff_ids_of_an_archive_without_reading_its_layers(tmp_path: Path) -> None:
    path = docker_classic(tmp_path / "i.tar", SPEC)
    image = source.load(str(path), read_layer=read_layer)
    assert source.diff_ids(str(path)) == image.config.diff_ids
    assert len(source.diff_ids(str(path))) == 1


@pytest.mark.parametrize(
    ("stderr", "message"),
    [
        ("Error response from daemon: No such image: x:1\n", "No such image: x:1"),
        (
            'Error response from daemon: {"message":"write /var/lib/docker/tmp: no space left"}',
            "write /var/lib/docker/tmp: no space left",
        ),
        ('{"errorDetail":{"message":"layer unknown"},"error":"layer unknown"}', "layer unknown"),
        ("", "no output"),
        ("  \n\t\n", "no output"),
        # the last line that says something, trimmed
        ("first\n  Error response from daemon: last one  \n\n", "last one"),
        # errorDetail's message first, then message, then error
        ('{"errorDetail":{"message":"detail"},"message":"msg","error":"err"}', "detail"),
        ('{"errorDetail":{"message":""},"message":"msg","error":"err"}', "msg"),
        ('{"errorDetail":"not an object","error":" err "}', "err"),
        ('{"message":"   "}', '{"message":"   "}'),  # nothing to say: the line as it is
        ('{"message": 5}', '{"message": 5}'),
        ('["a list"]', '["a list"]'),
        ("{not json", "{not json"),
        ("x" * 400, "x" * 300),
    ],
)
def test_what_the_engine_said_is_one_sentence(stderr: str, message: str) -> None:
    assert source.engine_message(stderr) == message


@pytest.mark.engine
def test_an_image_name_is_streamed_from_the_engine(engine: Engine) -> None:
    image = source.load("debian:trixie-slim", read_layer=read_layer)
    assert image.layout.startswith("docker-archive")
    assert any(e.path == "usr/bin/bash" for e in image.layers[0].summary.entries)


@pytest.mark.engine
def test_an_unknown_image_name_is_a_usage_error(engine: Engine) -> None:
    with pytest.raises(UsageError, match="no such file, folder or image"):
        source.load("slimstage-test/no-such-image:1", read_layer=read_layer)


@pytest.mark.parametrize("target", ["-x", "has space", "a" * 512, "x;rm"])
def test_diff_ids_of_something_that_is_no_reference_is_a_usage_error(target: str) -> None:
    with pytest.raises(UsageError, match="not a file, a folder or an image reference"):
        source.diff_ids(target)
