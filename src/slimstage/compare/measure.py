"""What a built image is made of, read from one `docker save` stream.

Per layer: the file bytes it stores and what a registry pull would transfer (gzip at level 6,
remembered per layer digest in compare.layercache). Over the final filesystem: bytes by what
made them — the base image's layers, OS packages added on top, Python packages, and the rest
(the app and files copied in) — plus the bytes later layers hide (stored, never seen).
"""

from __future__ import annotations

import hashlib
import queue
import tempfile
import threading
from dataclasses import dataclass
from typing import IO

from slimstage.analyze import analysis
from slimstage.compare.layercache import SizeCache
from slimstage.engineapi import ContainerEngine
from slimstage.image import archive, layer
from slimstage.image.archive import Image, ImageLayer
from slimstage.image.layer import LayerSummary
from slimstage.image.tarstream import Source

#: Layer bytes kept in memory while reading; beyond it they go to a temporary file.
_SPOOL_BYTES = 64 << 20
CHUNK = 1 << 20
_OS_DATABASES = ("var/lib/dpkg/", "lib/apk/db/")


@dataclass(frozen=True)
class LayerBytes:
    created_by: str
    bytes: int  # the sum of the layer's regular-file sizes
    compressed_bytes: int
    from_base: bool


@dataclass(frozen=True)
class Breakdown:
    """File bytes of the image by what made them; they sum to the layers' stored file bytes."""

    base: int
    os_packages: int
    python_packages: int
    app: int  # everything else the Dockerfile added: the app, copied files, unowned files
    hidden: int  # stored in a layer, hidden or replaced by a later one
    layers: tuple[LayerBytes, ...]


@dataclass(frozen=True)
class Measured:
    compressed_bytes: int
    breakdown: Breakdown


@dataclass(frozen=True)
class _LayerRead:
    summary: LayerSummary
    compressed: int


class _Tee:
    """A stream that keeps a copy and a sha256 of everything read through it."""

    def __init__(self, raw: Source, copy: IO[bytes]) -> None:
        self.raw, self.copy, self.hash = raw, copy, hashlib.sha256()

    def read(self, size: int = -1, /) -> bytes:
        data = self.raw.read(size)
        self.hash.update(data)
        self.copy.write(data)
        return data

    def drain(self) -> None:
        while self.read(CHUNK):
            pass


class Prefetched:
    """Reads a stream ahead in a thread of its own, up to DEPTH chunks, so that the engine goes
    on writing the archive while the layers already read are parsed, hashed and compressed."""

    def __init__(self, raw: IO[bytes], depth: int = 32) -> None:
        self._chunks: queue.Queue[bytes | BaseException | None] = queue.Queue(depth)
        self._closed = threading.Event()
        self._buffer = b""
        self._at = 0  # where the unread part of the buffer starts
        self._ended = False
        self._thread = threading.Thread(target=self._pump, args=(raw,), daemon=True)
        self._thread.start()

    def _put(self, item: bytes | BaseException | None) -> bool:
        while not self._closed.is_set():
            try:
                self._chunks.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def _pump(self, raw: IO[bytes]) -> None:
        try:
            while chunk := raw.read(CHUNK):
                if not self._put(chunk):
                    return
        except BaseException as exc:  # handed to the reader, which raises it
            self._put(exc)
            return
        self._put(None)

    def _more(self) -> bool:
        if self._ended:
            return False
        item = self._chunks.get()
        if isinstance(item, BaseException):
            raise item
        if item is None:
            self._ended = True
            return False
        self._buffer = self._buffer[self._at :] + item
        self._at = 0
        return True

    def read(self, size: int = -1, /) -> bytes:
        while (size < 0 or len(self._buffer) - self._at < size) and self._more():
            pass
        end = len(self._buffer) if size < 0 else min(len(self._buffer), self._at + size)
        out = self._buffer[self._at : end]
        self._at = end
        return out

    def close(self) -> None:
        """Stop reading ahead (the thread ends at its next chunk)."""
        self._closed.set()


def layer_reader(cache: SizeCache) -> archive.LayerReader[_LayerRead]:
    """A LayerReader that scans a layer for analyze's needs and sizes it compressed, gzipping
    only layers whose digest the cache does not know."""

    def read(stream: Source, name: str, location: str | None = None) -> _LayerRead:
        with tempfile.SpooledTemporaryFile(_SPOOL_BYTES, prefix="slimstage-layer-") as copy:
            tee = _Tee(stream, copy)
            summary = layer.scan(tee, name, needs=analysis.NEEDS)
            tee.drain()
            digest = "sha256:" + tee.hash.hexdigest()
            compressed = cache.get(digest)
            if compressed is None:
                copy.seek(0)
                compressed = layer.measure(copy, name).compressed
                cache.put(digest, compressed)
        return _LayerRead(summary, compressed)

    return read


def base_layer_count(own: list[str], base: list[str]) -> int:
    """How many of the image's first layers (diff IDs) are the base image's own."""
    count = 0
    for mine, theirs in zip(own, base, strict=False):
        if mine != theirs:
            break
        count += 1
    return count


def _managers(result: analysis.Analysis) -> dict[str, str]:
    return {o.name: o.manager for o in result.packages.python + result.packages.os}


def _kind(path: str, manager: str) -> str:
    """What made a file the Dockerfile added: its owner's kind; a package database's own
    files (which no package lists) go with the packages they describe."""
    if manager == "python" or ".dist-info/" in path:
        return "python"
    if manager in ("dpkg", "apk") or path.startswith(_OS_DATABASES):
        return "os"
    return "app"


def breakdown(image: Image[LayerSummary], base_layers: int, compressed: list[int]) -> Breakdown:
    """Attribute every visible file to the layer that last wrote it, and own layers' files to
    their owner (OS package, Python distribution, or none)."""
    examined = analysis.examine(image, top=0, base=None)
    managers = _managers(examined.analysis)
    writer: dict[str, int] = {}
    for item in image.layers:
        for entry in item.summary.entries:
            writer[entry.path] = item.index
    parts = {"base": 0, "os": 0, "python": 0, "app": 0}
    for path, facts in examined.files.items():
        if writer.get(path, 0) < base_layers:
            parts["base"] += facts.size
            continue
        parts[_kind(path, managers.get(facts.owner or "", ""))] += facts.size
    stored = sum(item.summary.file_bytes for item in image.layers)
    layers = tuple(
        LayerBytes(item.created_by, item.summary.file_bytes, size, item.index < base_layers)
        for item, size in zip(image.layers, compressed, strict=True)
    )
    return Breakdown(
        base=parts["base"],
        os_packages=parts["os"],
        python_packages=parts["python"],
        app=parts["app"],
        hidden=stored - sum(parts.values()),
        layers=layers,
    )


def _layer_ids(engine: ContainerEngine, ref: str | None) -> list[str]:
    if not ref or ref == "scratch":
        return []
    data = engine.inspect_image(ref) or {}
    return [str(d) for d in (data.get("RootFS") or {}).get("Layers") or []]


def measure_image(
    engine: ContainerEngine, image: str, base: str | None, cache: SizeCache
) -> Measured:
    """Read IMAGE once from the engine: compressed size and breakdown; BASE is the image its
    final stage rests on (its layers are the image's first ones)."""
    with engine.saved(image) as stream:
        ahead = Prefetched(stream)
        try:
            read = archive.read_stream(ahead, image, read_layer=layer_reader(cache))
            ahead.read()  # the rest (tar padding), so `docker save` ends well
        finally:
            ahead.close()
    plain = read.with_layers(
        tuple(ImageLayer(i.index, i.digest, i.created_by, i.summary.summary) for i in read.layers)
    )
    compressed = [item.summary.compressed for item in read.layers]
    own = list(read.config.diff_ids)
    count = base_layer_count(own, _layer_ids(engine, base))
    return Measured(sum(compressed), breakdown(plain, count, compressed))
