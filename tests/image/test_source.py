"""Where an image comes from: a folder, a file, or the engine."""

from __future__ import annotations

import errno
import hashlib
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pytest

from slimstage.analyze.analysis import read_layer
from slimstage.engine import Engine
from slimstage.errors import CommandFailed, UsageError
from slimstage.image import archive, source
from tests.fakeengine import FakeEngine
from tests.imagebuild import (
    ImageSpec,
    docker_classic,
    flip,
    flip_in_layout,
    layer_tar,
    oci_dir,
    oci_tar,
)

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


SPEC_ARM = ImageSpec([[("file", "app/arm", "b" * 3)]])


def test_the_platform_chosen_reaches_a_folder_and_an_archive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_engine(monkeypatch)
    images = [("linux/amd64", SPEC), ("linux/arm64", SPEC_ARM)]
    for target in (oci_dir(tmp_path / "l", images), oci_tar(tmp_path / "i.oci", images)):
        image = source.load(str(target), read_layer=read_layer, platform="linux/arm64")
        assert [e.path for e in image.layers[0].summary.entries] == ["app/arm"]


def test_digests_are_verified_unless_told_not_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_engine(monkeypatch)
    root = oci_dir(tmp_path / "l", [("linux/amd64", SPEC)])
    flip_in_layout(root, b"a" * 10)
    with pytest.raises(UsageError, match="does not match"):
        list(source.load(str(root), read_layer=read_layer).layers)
    image = source.load(str(root), read_layer=read_layer, verify=False)
    assert [e.path for e in image.layers[0].summary.entries] == ["app/a"]
    # The base's layer digests come from its config: its blobs are not judged.
    assert source.diff_ids(str(root)) == image.config.diff_ids


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("./missing", True),
        ("/missing/x", True),
        ("~/missing", True),
        ("missing.tar", True),
        ("missing.oci", True),
        ("present", True),  # a file in the current folder, named like an image
        ("python:3.13-slim", False),
        ("ghcr.io/x/y@sha256:" + "0" * 64, False),
    ],
)
def test_what_names_a_path(
    target: str, expected: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "present").write_text("x")
    assert source.is_path(target) is expected


def _fake_engine(monkeypatch: pytest.MonkeyPatch, engine: FakeEngine) -> None:
    monkeypatch.setattr(Engine, "connect", lambda **_kw: engine)


def test_an_image_in_the_engine_is_read_from_what_it_saves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = FakeEngine(tmp_path)
    _fake_engine(monkeypatch, engine)
    assert source.diff_ids("python:3.13-slim") == tuple(engine.base_diff_ids())
    image = source.load("python:3.13-slim", read_layer=read_layer)
    assert image.config.diff_ids[:1] == tuple(engine.base_diff_ids())
    with pytest.raises(UsageError, match="no such file, folder or image in the engine"):
        source.diff_ids("slimstage-test/absent:1")
    with pytest.raises(UsageError, match="no such file, folder or image in the engine"):
        source.load("slimstage-test/absent:1", read_layer=read_layer)


class _FailingSave(FakeEngine):
    @contextmanager
    def saved(self, ref: str) -> Iterator[IO[bytes]]:
        raise CommandFailed(
            ("docker", "save", ref), 1, "", 'Error response from daemon: {"message":"disk full"}'
        )
        yield io.BytesIO()  # never reached: a generator, as the engine's own


def test_a_failed_save_says_what_the_engine_said_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_engine(monkeypatch, _FailingSave(tmp_path))
    with pytest.raises(CommandFailed) as caught:
        source.load("python:3.13-slim", read_layer=read_layer)
    assert caught.value.stderr == "disk full"


def test_an_archive_file_s_digests_are_verified_unless_told_not_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_engine(monkeypatch)
    path = docker_classic(tmp_path / "i.tar", SPEC)
    flip(path, b"a" * 10)
    with pytest.raises(UsageError, match="does not match its diff_id"):
        list(source.load(str(path), read_layer=read_layer).layers)
    image = source.load(str(path), read_layer=read_layer, verify=False)
    assert [e.path for e in image.layers[0].summary.entries] == ["app/a"]


def test_diff_ids_are_read_from_a_config_that_does_not_match_its_digest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_engine(monkeypatch)
    root = oci_dir(tmp_path / "l", [("linux/amd64", SPEC)])
    flip_in_layout(root, b"amd64")  # the config's architecture: still valid JSON
    with pytest.raises(UsageError, match="does not match its digest"):
        source.load(str(root), read_layer=read_layer)
    layer = "sha256:" + hashlib.sha256(layer_tar(SPEC.layers[0])).hexdigest()
    assert source.diff_ids(str(root)) == (layer,)


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (FileNotFoundError(errno.ENOENT, "No such file or directory"), "No such file or directory"),
        (OSError("the disk went away"), "the disk went away"),
    ],
)
def test_a_file_that_cannot_be_read_is_a_usage_error_naming_it(
    error: OSError, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = docker_classic(tmp_path / "i.tar", SPEC)

    def fail(*_args: object, **_kw: object) -> None:
        raise error

    monkeypatch.setattr(archive, "read_stream", fail)
    with pytest.raises(UsageError) as caught:
        source.load(str(path), read_layer=read_layer)
    assert str(caught.value) == f"{path}: {message}"


class _Saves(FakeEngine):
    """An engine whose `save` streams the archive at self.saves."""

    saves: Path

    @contextmanager
    def saved(self, ref: str) -> Iterator[IO[bytes]]:
        yield io.BytesIO(self.saves.read_bytes())


def test_the_platform_chosen_reaches_an_image_in_the_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = _Saves(tmp_path)
    engine.saves = oci_tar(tmp_path / "i.oci", [("linux/amd64", SPEC), ("linux/arm64", SPEC_ARM)])
    _fake_engine(monkeypatch, engine)
    image = source.load("python:3.13-slim", read_layer=read_layer, platform="linux/arm64")
    assert [e.path for e in image.layers[0].summary.entries] == ["app/arm"]


def test_an_image_in_the_engine_is_verified_unless_told_not_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = _Saves(tmp_path)
    engine.saves = docker_classic(tmp_path / "i.tar", SPEC)
    flip(engine.saves, b"a" * 10)
    _fake_engine(monkeypatch, engine)
    with pytest.raises(UsageError, match="does not match its diff_id"):
        list(source.load("python:3.13-slim", read_layer=read_layer).layers)
    image = source.load("python:3.13-slim", read_layer=read_layer, verify=False)
    assert [e.path for e in image.layers[0].summary.entries] == ["app/a"]
