"""Where an image to analyze comes from: a folder (OCI layout), a file (archive), or the engine."""

from __future__ import annotations

from pathlib import Path

from slimstage import imagearchive
from slimstage.engine import Engine
from slimstage.errors import CommandFailed, UsageError


def load(target: str, *, platform: str | None = None) -> imagearchive.Image:
    path = Path(target)
    if path.is_dir():
        return imagearchive.read_directory(path, platform=platform)
    if path.is_file():
        with path.open("rb") as stream:
            return imagearchive.read_stream(
                stream, target, platform=platform, location=str(path.resolve())
            )
    engine = Engine.connect()
    if engine.inspect_image(target) is None:
        raise UsageError(f"{target}: no such file, folder or image in the engine")
    saver = engine.save(target)
    assert saver.stdout is not None
    assert saver.stderr is not None
    try:
        image = imagearchive.read_stream(saver.stdout, target, platform=platform)
    finally:
        saver.stdout.close()
        error = saver.stderr.read().decode(errors="replace")
        saver.stderr.close()
        code = saver.wait()
    if code != 0:
        raise CommandFailed((engine.cli, "save", target), code, "", error)
    return image
