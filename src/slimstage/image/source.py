"""Where an image comes from: a folder (OCI layout), a file (archive), or the engine."""

from __future__ import annotations

from pathlib import Path

from slimstage.engine import Engine
from slimstage.errors import UsageError
from slimstage.image import archive
from slimstage.image.archive import Image, LayerReader, T

#: Targets that name a file, not an image reference: a missing one is a usage error whatever
#: the engine (image references never start like a path or end like an archive).
_PATH_PREFIXES = ("/", "./", "../", "~")
_ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.zst", ".oci")


def load(target: str, *, read_layer: LayerReader[T], platform: str | None = None) -> Image[T]:
    path = Path(target).expanduser()
    if path.is_dir():
        return archive.read_directory(path, read_layer=read_layer, platform=platform)
    if path.is_file():
        with path.open("rb") as stream:
            return archive.read_stream(
                stream,
                target,
                read_layer=read_layer,
                platform=platform,
                location=str(path.resolve()),
            )
    if target.startswith(_PATH_PREFIXES) or target.endswith(_ARCHIVE_SUFFIXES):
        raise UsageError(f"{target}: no such file or folder")
    engine = Engine.connect()
    if engine.inspect_image(target) is None:
        raise UsageError(f"{target}: no such file, folder or image in the engine")
    with engine.saved(target) as stream:
        return archive.read_stream(stream, target, read_layer=read_layer, platform=platform)
