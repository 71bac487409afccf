from __future__ import annotations

import gzip
import hashlib
import io
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import pytest

from slimstage.compare import measure
from slimstage.compare.layercache import SizeCache
from slimstage.compare.measure import Prefetched, base_layer_count, measure_image
from slimstage.image import layer
from tests.fakeengine import FakeEngine
from tests.imagebuild import ImageSpec, docker_classic, layer_tar

SITE = "opt/venv/lib/python3.13/site-packages"
LAYERS: list[list[Any]] = [
    # the base image: one layer
    [("file", "usr/lib/libc.so", "c" * 5_000), ("file", "etc/os-release", "o" * 100)],
    # OS packages added (dpkg lists name their files), and a file later removed
    [
        ("file", "var/lib/dpkg/info/libpq5.list", "/usr/lib/libpq.so\n"),
        ("file", "usr/lib/libpq.so", "p" * 3_000),
        ("file", "tmp/build.log", "l" * 700),
    ],
    # a Python distribution, with its RECORD
    [
        ("file", f"{SITE}/flask/__init__.py", "f" * 2_000),
        ("file", f"{SITE}/flask-3.1.3.dist-info/RECORD", "flask/__init__.py,,2000\n"),
    ],
    # the app, overwriting the base's os-release, and deleting the build log
    [
        ("file", "app/app.py", "a" * 400),
        ("file", "etc/os-release", "n" * 50),
        ("whiteout", "tmp/build.log"),
    ],
]
RECORD_BYTES = len("flask/__init__.py,,2000\n")
LIST_BYTES = len("/usr/lib/libpq.so\n")


class _Saving(FakeEngine):
    """The engine double, saving LAYERS and knowing the base image's one layer."""

    @contextmanager
    def saved(self, ref: str) -> Iterator[IO[bytes]]:
        path = docker_classic(
            self.tmp / "image.tar", ImageSpec(LAYERS, history=["a", "b", "c", "d"])
        )
        yield io.BytesIO(path.read_bytes())

    def inspect_image(self, ref: str) -> dict[str, Any] | None:
        digest = "sha256:" + hashlib.sha256(layer_tar(LAYERS[0])).hexdigest()
        return {"RootFS": {"Layers": [digest]}} if ref == "base:1" else None


def test_bytes_are_split_by_what_made_them(tmp_path: Path) -> None:
    measured = measure_image(_Saving(tmp_path), "img:1", "base:1", SizeCache(None))
    parts = measured.breakdown
    assert parts.base == 5_000  # libc; the base's os-release was replaced by the app layer
    assert parts.os_packages == 3_000 + LIST_BYTES  # the package database goes with them
    assert parts.python_packages == 2_000 + RECORD_BYTES
    assert parts.app == 400 + 50  # the app and its os-release
    assert parts.hidden == 100 + 700  # the old os-release and the deleted build log
    stored = 5_100 + 3_000 + 700 + LIST_BYTES + 2_000 + RECORD_BYTES + 450
    assert sum(item.bytes for item in parts.layers) == stored
    assert (
        parts.base + parts.os_packages + parts.python_packages + parts.app + parts.hidden == stored
    )
    assert [item.from_base for item in parts.layers] == [True, False, False, False]
    assert [item.created_by for item in parts.layers] == ["a", "b", "c", "d"]


def test_compressed_sizes_are_gzip_level_6_of_each_layer(tmp_path: Path) -> None:
    measured = measure_image(_Saving(tmp_path), "img:1", None, SizeCache(None))
    # Computed a second way: Python's gzip module at level 6, no timestamp.
    expected = [len(gzip.compress(layer_tar(specs), compresslevel=6, mtime=0)) for specs in LAYERS]
    assert [item.compressed_bytes for item in measured.breakdown.layers] == expected
    assert measured.compressed_bytes == sum(expected)
    assert measured.breakdown.base == 0  # no base named: every layer is the image's own


def test_known_layers_are_not_compressed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = SizeCache(tmp_path / "sizes.json")
    calls: list[str] = []
    real = layer.measure

    def counting(stream: Any, name: str, location: str | None = None) -> layer.LayerSizes:
        calls.append(name)
        return real(stream, name, location)

    monkeypatch.setattr(layer, "measure", counting)
    first = measure_image(_Saving(tmp_path), "img:1", None, cache)
    assert len(calls) == len(LAYERS)
    digests = ["sha256:" + hashlib.sha256(layer_tar(specs)).hexdigest() for specs in LAYERS]
    assert [cache.get(d) for d in digests] == [i.compressed_bytes for i in first.breakdown.layers]
    second = measure_image(_Saving(tmp_path), "img:1", None, cache)
    assert len(calls) == len(LAYERS)  # all four came from the cache
    assert second == first


def test_base_layer_count_is_the_shared_prefix() -> None:
    assert base_layer_count(["a", "b", "c"], ["a", "b"]) == 2
    assert base_layer_count(["a", "x", "c"], ["a", "b"]) == 1
    assert base_layer_count(["a"], []) == 0
    assert base_layer_count(["a", "b"], ["a", "b", "c"]) == 2


def test_prefetched_hands_out_the_stream_as_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(measure, "CHUNK", 7)  # many small chunks
    data = bytes(range(256)) * 40
    ahead = Prefetched(io.BytesIO(data), depth=2)
    parts = [ahead.read(1), ahead.read(512), ahead.read(3), ahead.read(100_000), ahead.read(5)]
    assert b"".join(parts) == data
    assert parts[-1] == b""
    ahead.close()


def test_prefetched_raises_what_the_stream_raised() -> None:
    class Failing(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            raise OSError("the engine went away")

    ahead = Prefetched(io.BufferedReader(Failing()))
    with pytest.raises(OSError, match="the engine went away"):
        ahead.read()


def test_a_closed_prefetch_stops_reading_ahead() -> None:
    class Endless(io.RawIOBase):
        reads = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            Endless.reads += 1
            buffer[:1] = b"x"
            return 1

    ahead = Prefetched(Endless(), depth=2)  # type: ignore[arg-type]
    assert ahead.read(1) == b"x"
    ahead.close()
    time.sleep(0.5)
    seen = Endless.reads
    time.sleep(0.5)
    assert Endless.reads == seen  # the thread has stopped
