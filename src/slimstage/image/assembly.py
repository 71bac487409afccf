"""An image put together from what its archive held: the plan (manifest), the config and one
read blob per layer, every digest compared with what names it.

Each blob is hashed as it is read (unless verification is off): a blob in blobs/ must match its
name, a docker-save layer the diff_id the config lists for it, a classic config its file name.
The readers (indexed, streamed, layoutdir) only find and read the blobs; this module judges
them the same way for all three.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Generic, TypeVar

from slimstage.errors import UsageError
from slimstage.image import manifest, workers
from slimstage.image.blob import Hashing, compression_of, peek
from slimstage.image.filerange import FileRange
from slimstage.image.manifest import Descriptor, ImageConfig, Plan
from slimstage.image.printable import printable
from slimstage.image.tarstream import Source

T = TypeVar("T")
#: What to make of one layer blob: (stream at its start, its name, the file it can be re-read
#: from or None) -> a summary of it.
LayerReader = Callable[[Source, str, str | None], T]
#: Layers smaller than this in total are read in this process: forking costs more.
PARALLEL_BYTES = 32 << 20


@dataclass(frozen=True)
class Verification:
    """Which digests were checked; the JSON `verification` object of `analyze`."""

    verified: bool  # every digest listed in checked was computed and matched
    checked: tuple[str, ...]
    not_checked: tuple[str, ...]


@dataclass(frozen=True)
class ImageLayer(Generic[T]):
    index: int
    digest: str  # the blob's name in the archive (e.g. blobs/sha256/<hex> or <id>/layer.tar)
    created_by: str
    summary: T  # what the LayerReader made of the blob


@dataclass(frozen=True)
class Image(Generic[T]):
    source: str
    layout: str  # "docker-archive (classic)", "docker-archive (oci)", "oci-layout"
    config: ImageConfig
    layers: tuple[ImageLayer[T], ...]
    verification: Verification

    @property
    def env(self) -> dict[str, str]:
        return self.config.env


@dataclass(frozen=True)
class Blob(Generic[T]):
    """One layer blob as read: the reader's summary and what reading it showed."""

    summary: T
    digest: str | None  # algorithm:hex of every byte of the blob; None when not verifying
    compressed: bool
    size: int


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


def name_digest(name: str) -> str | None:
    """The digest a blob's name states (blobs/<algorithm>/<hex>), or None."""
    if not name.startswith("blobs/"):
        return None
    algorithm, _, hexdigest = name[len("blobs/") :].partition("/")
    digest = f"{algorithm}:{hexdigest}"
    return digest if manifest.DIGEST.fullmatch(digest) else None


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


def _layer_name(layer: Descriptor | str) -> str:
    return layer.blob if isinstance(layer, Descriptor) else layer


def _verify_layers(
    plan: Plan, config: ImageConfig, blobs: Sequence[Blob[Any]], verify: bool
) -> Verification:
    """Compare each layer's digest with its name and its diff_id; say what was checked."""
    if not verify:
        return Verification(False, (), ("digests (--no-verify)",))
    names = [_layer_name(layer) for layer in plan.layers]
    checked = {"config"}
    not_checked = []
    for i, (layer, name, blob) in enumerate(zip(plan.layers, names, blobs, strict=True)):
        stated = name_digest(name)
        if stated is not None:
            checked.add("layer blobs by digest")
            if blob.digest != stated:
                raise UsageError(f"image archive: layer {name} does not match its digest")
        if isinstance(layer, Descriptor) and layer.size is not None and layer.size != blob.size:
            raise UsageError(
                f"image archive: layer {name} is {blob.size} bytes, its manifest says {layer.size}"
            )
        diff_id = config.diff_ids[i] if i < len(config.diff_ids) else None
        if blob.compressed:
            not_checked.append("diff_ids of compressed layers (their blob digests are checked)")
        elif diff_id is None:
            not_checked.append("layers the config lists no diff_id for")
        elif blob.digest != diff_id:
            raise UsageError(f"image archive: layer {name} does not match its diff_id")
        else:
            checked.add("layer diff_ids in the config")
        if stated is None and plan.layout == "docker-archive (classic)" and i == 0:
            not_checked.append("layer ids (docker-save's classic layout: they are not digests)")
    if len(config.diff_ids) not in (0, len(names)):
        raise UsageError(
            f"image archive: the config lists {len(config.diff_ids)} diff_ids for "
            f"{len(names)} layers"
        )
    return Verification(True, tuple(sorted(checked)), tuple(dict.fromkeys(not_checked)))


def assemble(
    source: str,
    plan: Plan,
    config: ImageConfig,
    blobs: Sequence[Blob[T]],
    verify: bool,
) -> Image[T]:
    verification = _verify_layers(plan, config, blobs, verify)
    history = manifest.layer_history(config, len(blobs))
    layers = tuple(
        ImageLayer(i, _layer_name(layer), history[i], blob.summary)
        for i, (layer, blob) in enumerate(zip(plan.layers, blobs, strict=True))
    )
    return Image(source, plan.layout, config, layers, verification)


def read_planned(jobs: Sequence[Callable[[], Blob[T]]], total_bytes: int) -> list[Blob[T]]:
    """Run the layer jobs, in worker processes when there is enough work to share."""
    count = workers.processes() if total_bytes >= PARALLEL_BYTES else 1
    return list(workers.in_order(jobs, count))


def file_job(
    read_layer: LayerReader[T], path: str, start: int, size: int, name: str, verify: bool
) -> Callable[[], Blob[T]]:
    return partial(_read_file_blob, read_layer, path, start, size, name, verify)


def _read_file_blob(
    read_layer: LayerReader[T], path: str, start: int, size: int, name: str, verify: bool
) -> Blob[T]:
    with FileRange.open(path, start, size) as stream:
        return read_blob(read_layer, stream, name, path, verify)
