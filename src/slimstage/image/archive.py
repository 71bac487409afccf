"""Image archives in every layout, read into config + ordered layers, digests verified.

Layouts: a docker-save archive (the classic `<id>/layer.tar` layout and the `blobs/sha256/` one
Docker 25+ writes), or an OCI image layout, as a directory or a tar; the tar itself may be
gzip or zstd compressed (`docker save | gzip`). A tar on disk is indexed and its layers read in
place (indexed.py); anything else is read as a stream (streamed.py); a folder by its index
(layoutdir.py). assembly.py judges what they read the same way for all three.
"""

from __future__ import annotations

from pathlib import Path

from slimstage.image import indexed, layoutdir, streamed
from slimstage.image.assembly import Image, LayerReader, T
from slimstage.image.blob import Expanded, Limits, compression_of, peek
from slimstage.image.layerlist import ImageLayer, Verification
from slimstage.image.manifest import default_platform
from slimstage.image.tarstream import Source

__all__ = [
    "Image",
    "ImageLayer",
    "LayerReader",
    "Verification",
    "default_platform",
    "read_directory",
    "read_stream",
]

#: A compressed archive may expand this far (each layer inside has its own limit too).
OUTER_LIMITS = Limits(max_bytes=1 << 50)


def read_stream(
    stream: Source,
    source: str,
    *,
    read_layer: LayerReader[T],
    platform: str | None = None,
    location: str | None = None,
    verify: bool = True,
) -> Image[T]:
    """An image from a tar stream: docker-save archive or OCI layout tar, plain or compressed.

    LOCATION names the file the stream reads when it is one (from its start): the archive is
    then indexed and its layers read in place, file contents skipped where nothing needs them.
    """
    head, rest, seekable = peek(stream, 4)
    compression = compression_of(head)
    if compression != "none":
        expanded = Expanded(rest, compression, source, OUTER_LIMITS)
        return streamed.read(
            expanded, source, read_layer=read_layer, platform=platform, verify=verify
        )
    if location is not None and seekable:
        return indexed.read(
            location, source, read_layer=read_layer, platform=platform, verify=verify
        )
    return streamed.read(rest, source, read_layer=read_layer, platform=platform, verify=verify)


def read_directory(
    path: Path, *, read_layer: LayerReader[T], platform: str | None = None, verify: bool = True
) -> Image[T]:
    """An image from an OCI layout directory (index.json and blobs/)."""
    return layoutdir.read(path, read_layer=read_layer, platform=platform, verify=verify)
