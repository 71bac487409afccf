"""An image's layers, read as they are needed and judged as they arrive.

The layers of an archive on disk are read by worker processes while the analyses stack the ones
read already: the list hands each layer out as soon as it (and every layer before it) is there.
Each layer's digest is compared with what names it when it arrives; what was checked is known
once every layer has been.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, overload

from slimstage.errors import UsageError
from slimstage.image.manifest import DIGEST, Descriptor, ImageConfig, Plan, layer_history

T = TypeVar("T")


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
class Blob(Generic[T]):
    """One layer blob as read: the reader's summary and what reading it showed."""

    summary: T
    digest: str | None  # algorithm:hex of every byte of the blob; None when not verifying
    compressed: bool
    size: int


def layer_name(layer: Descriptor | str) -> str:
    return layer.blob if isinstance(layer, Descriptor) else layer


def name_digest(name: str) -> str | None:
    """The digest a blob's name states (blobs/<algorithm>/<hex>), or None."""
    if not name.startswith("blobs/"):
        return None
    algorithm, _, hexdigest = name[len("blobs/") :].partition("/")
    digest = f"{algorithm}:{hexdigest}"
    return digest if DIGEST.fullmatch(digest) else None


class LayerList(Sequence[ImageLayer[T]]):
    """The layers of PLAN, their blobs coming from BLOBS in order."""

    def __init__(
        self, plan: Plan, config: ImageConfig, blobs: Iterator[Blob[T]], verify: bool
    ) -> None:
        self.plan = plan
        self.config = config
        self.blobs = blobs
        self.verify = verify
        self.names = [layer_name(layer) for layer in plan.layers]
        self.history = layer_history(config, len(self.names))
        self.read: list[ImageLayer[T]] = []
        self.checked = {"config"}
        self.not_checked: list[str] = []
        if verify and len(config.diff_ids) not in (0, len(self.names)):
            raise UsageError(
                f"image archive: the config lists {len(config.diff_ids)} diff_ids for "
                f"{len(self.names)} layers"
            )

    def __len__(self) -> int:
        return len(self.names)

    @overload
    def __getitem__(self, index: int) -> ImageLayer[T]: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[ImageLayer[T]]: ...
    def __getitem__(self, index: int | slice) -> ImageLayer[T] | Sequence[ImageLayer[T]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        while len(self.read) <= index:
            self._arrive(next(self.blobs))
        return self.read[index]

    def __iter__(self) -> Iterator[ImageLayer[T]]:
        return (self[i] for i in range(len(self)))

    def verification(self) -> Verification:
        """What was checked: known once every layer is read (this reads them)."""
        for _ in self:
            pass
        if not self.verify:
            return Verification(False, (), ("digests (--no-verify)",))
        return Verification(
            True, tuple(sorted(self.checked)), tuple(dict.fromkeys(self.not_checked))
        )

    def _arrive(self, blob: Blob[T]) -> None:
        index = len(self.read)
        if self.verify:
            self._check(index, blob)
        self.read.append(ImageLayer(index, self.names[index], self.history[index], blob.summary))

    def _check(self, index: int, blob: Blob[Any]) -> None:
        """Compare one layer's digest with its name and its diff_id."""
        layer, name = self.plan.layers[index], self.names[index]
        stated = name_digest(name)
        if stated is not None:
            self.checked.add("layer blobs by digest")
            if blob.digest != stated:
                raise UsageError(f"image archive: layer {name} does not match its digest")
        if isinstance(layer, Descriptor) and layer.size is not None and layer.size != blob.size:
            raise UsageError(
                f"image archive: layer {name} is {blob.size} bytes, its manifest says {layer.size}"
            )
        diff_ids = self.config.diff_ids
        diff_id = diff_ids[index] if index < len(diff_ids) else None
        if blob.compressed and stated is not None:
            self.not_checked.append(
                "diff_ids of compressed layers (their blob digests are checked)"
            )
        elif blob.compressed:
            # A diff_id is the digest of the uncompressed tar, which is read but not hashed.
            self.not_checked.append(
                "compressed layers not named by a digest (nothing here to compare them with)"
            )
        elif diff_id is None:
            self.not_checked.append("layers the config lists no diff_id for")
        elif blob.digest != diff_id:
            raise UsageError(f"image archive: layer {name} does not match its diff_id")
        else:
            self.checked.add("layer diff_ids in the config")
        if stated is None and self.plan.layout == "docker-archive (classic)":
            self.not_checked.append(
                "layer ids (docker-save's classic layout: they are not digests)"
            )
