"""Where an image comes from: a folder (OCI layout), a file (archive), or the engine."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path

from slimstage.errors import CommandFailed, UsageError
from slimstage.image import archive
from slimstage.image.assembly import Image, LayerReader, T
from slimstage.image.tarstream import Source

#: Targets that name a file, not an image reference: a missing one is a usage error whatever
#: the engine (image references never start like a path or end like an archive).
_PATH_PREFIXES = ("/", "./", "../", "~")
_ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.zst", ".oci")
#: What an image reference or ID can be made of (docker's grammar is stricter; the engine judges
#: the rest). Never a leading "-": the engine's CLI would take it for an option.
_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,510}")
_DAEMON = "Error response from daemon: "


def engine_message(text: str) -> str:
    """One line from what the engine printed on failure: its last line, without the daemon's
    prefix, and its message alone when it is JSON."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    line = lines[-1] if lines else "no output"
    line = line.removeprefix(_DAEMON)
    if line.startswith("{"):
        try:
            document = json.loads(line)
        except ValueError:
            document = None
        if isinstance(document, dict):
            detail = document.get("errorDetail")
            found = detail.get("message") if isinstance(detail, dict) else None
            found = found or document.get("message") or document.get("error")
            if isinstance(found, str) and found.strip():
                line = found.strip()
    return line[:300]


def _local(
    path: Path, target: str, read_layer: LayerReader[T], platform: str | None, verify: bool
) -> Image[T]:
    if path.is_dir():
        return archive.read_directory(path, read_layer=read_layer, platform=platform, verify=verify)
    if not stat.S_ISREG(path.stat().st_mode):
        raise UsageError(f"{target}: not a regular file, a folder or an image in the engine")
    with path.open("rb") as stream:
        return archive.read_stream(
            stream,
            target,
            read_layer=read_layer,
            platform=platform,
            location=str(path.resolve()),
            verify=verify,
        )


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # a name too long to be a path, say
        return False


def is_path(target: str) -> bool:
    """Whether TARGET names a file or folder (existing or not) rather than an engine image."""
    return (
        _exists(Path(target).expanduser())
        or target.startswith(_PATH_PREFIXES)
        or target.endswith(_ARCHIVE_SUFFIXES)
    )


def diff_ids(target: str) -> tuple[str, ...]:
    """The layer digests (diff_ids) of an image, from the engine or from its archive's config,
    without reading its layers."""
    if is_path(target):
        image = load(target, read_layer=_nothing, verify=False)
        return image.config.diff_ids
    if not _REFERENCE.fullmatch(target):
        raise UsageError(f"{target!r}: not a file, a folder or an image reference")
    from slimstage.engine import Engine  # only for an image in the engine

    found = Engine.connect().inspect_image(target)
    if found is None:
        raise UsageError(f"{target}: no such file, folder or image in the engine")
    rootfs = found.get("RootFS")
    layers = rootfs.get("Layers") if isinstance(rootfs, dict) else None
    return tuple(layer for layer in layers or [] if isinstance(layer, str))


def _nothing(_stream: Source, _name: str, _location: str | None) -> None:
    return None


def load(
    target: str,
    *,
    read_layer: LayerReader[T],
    platform: str | None = None,
    verify: bool = True,
) -> Image[T]:
    path = Path(target).expanduser()
    if _exists(path):
        try:
            return _local(path, target, read_layer, platform, verify)
        except OSError as exc:  # unreadable, or gone while being read
            raise UsageError(f"{target}: {exc.strerror or exc}") from None
    if target.startswith(_PATH_PREFIXES) or target.endswith(_ARCHIVE_SUFFIXES):
        raise UsageError(f"{target}: no such file or folder")
    if not _REFERENCE.fullmatch(target):
        raise UsageError(f"{target!r}: not a file, a folder or an image reference")
    from slimstage.engine import Engine  # only for an image in the engine

    engine = Engine.connect()
    if engine.inspect_image(target) is None:
        raise UsageError(f"{target}: no such file, folder or image in the engine")
    try:
        with engine.saved(target) as stream:
            return archive.read_stream(
                stream, target, read_layer=read_layer, platform=platform, verify=verify
            )
    except CommandFailed as exc:
        raise CommandFailed(
            exc.cmd, exc.returncode, exc.stdout, engine_message(exc.stderr or exc.stdout)
        ) from None
