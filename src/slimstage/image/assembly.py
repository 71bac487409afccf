"""An image put together from what its archive held: the plan (manifest), the config and one
read blob per layer, every digest compared with what names it.

Each blob is hashed as it is read (unless verification is off): a blob in blobs/ must match its
name, a docker-save layer the diff_id the config lists for it, a classic config its file name.
The readers (indexed, streamed, layoutdir) only find and read the blobs; this module judges
them the same way for all three.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Generic, TypeVar

from slimstage.errors import UsageError
from slimstage.image import manifest, workers
from slimstage.image.blob import Hashing, compression_of, peek
from slimstage.image.filerange import FileRange
from slimstage.image.layerlist import Blob, ImageLayer, LayerList, Verification, name_digest
from slimstage.image.manifest import ImageConfig, Plan
from slimstage.image.printable import printable
from slimstage.image.tarstream import Source

T = TypeVar("T")
U = TypeVar("U")
#: What to make of one layer blob: (stream at its start, its name, the file it can be re-read
#: from or None) -> a summary of it.
LayerReader = Callable[[Source, str, str | None], T]
#: Layers smaller than this in total are read in this process: forking costs more.
PARALLEL_BYTES = 32 << 20


@dataclass(frozen=True)
class Image(Generic[T]):
    source: str
    layout: str  # "docker-archive (classic)", "docker-archive (oci)", "oci-layout"
    config: ImageConfig
    layers: Sequence[ImageLayer[T]]  # a LayerList when read from an archive: read as needed
    #: What reading the layers checked (it reads them all first); set by the archive reader.
    verifier: Callable[[], Verification] | None = None

    @property
    def env(self) -> dict[str, str]:
        return self.config.env

    @property
    def verification(self) -> Verification:
        if self.verifier is None:
            return Verification(False, (), ("digests (not read from an archive)",))
        return self.verifier()

    def with_layers(self, layers: Sequence[ImageLayer[U]]) -> Image[U]:
        """The same image with other summaries of its layers (what was checked stays)."""
        return Image(self.source, self.layout, self.config, layers, self.verifier)


def algorithm_for(name: str) -> str:
    return "sha512" if name.startswith("blobs/sha512/") else "sha256"


def read_blob(
    read_layer: LayerReader[T], stream: Source, name: str, location: str | None, verify: bool
) -> Blob[T]:
    """Read one layer blob from STREAM (at its start) to its end, hashing it when verifying."""
    head, stream, _ = peek(stream, 4)
    hashing = Hashing(stream, algorithm_for(name)) if verify else None
    source: Source = hashing if hashing is not None else stream
    summary = read_layer(source, printable(name), location)
    if hashing is not None:
        hashing.drain()
        return Blob(summary, hashing.digest, compression_of(head) != "none", hashing.count)
    return Blob(summary, None, compression_of(head) != "none", getattr(stream, "size", -1))


def check_json_digest(name: str, data: bytes, verify: bool) -> None:
    """A JSON blob named by its digest (or a classic config, named <hex>.json) must match."""
    if not verify:
        return
    stated = name_digest(name)
    if stated is None and name.endswith(".json") and "/" not in name:
        candidate = "sha256:" + name[: -len(".json")]
        stated = candidate if manifest.DIGEST.fullmatch(candidate) else None
    if stated is not None:
        hashing = Hashing(_Bytes(data), stated.partition(":")[0])
        hashing.drain()
        if hashing.digest != stated:
            raise UsageError(f"image archive: {name} does not match its digest ({stated[:19]}…)")


class _Bytes:
    def __init__(self, data: bytes) -> None:
        self.data, self.position = data, 0

    def read(self, size: int = -1, /) -> bytes:
        end = len(self.data) if size < 0 else self.position + size
        out = self.data[self.position : end]
        self.position += len(out)
        return out


def assemble(
    source: str, plan: Plan, config: ImageConfig, blobs: Iterator[Blob[T]], verify: bool
) -> Image[T]:
    layers = LayerList(plan, config, blobs, verify)
    return Image(source, plan.layout, config, layers, layers.verification)


def read_planned(jobs: Sequence[Callable[[], Blob[T]]], sizes: Sequence[int]) -> Iterator[Blob[T]]:
    """Run the layer jobs, in worker processes when there is enough work to share, the jobs
    with the most bytes first: the results come as they are ready, in order. SIZES: the bytes
    each job reads."""
    count = workers.processes() if sum(sizes) >= PARALLEL_BYTES else 1
    return workers.in_order(jobs, count, sizes)


def file_job(
    read_layer: LayerReader[T], path: str, start: int, size: int, name: str, verify: bool
) -> Callable[[], Blob[T]]:
    return partial(_read_file_blob, read_layer, path, start, size, name, verify)


def _read_file_blob(
    read_layer: LayerReader[T], path: str, start: int, size: int, name: str, verify: bool
) -> Blob[T]:
    with FileRange.open(path, start, size) as stream:
        return read_blob(read_layer, stream, name, path, verify)
