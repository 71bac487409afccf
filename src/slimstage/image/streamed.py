"""An image archive that arrives as a stream (`docker save`, a compressed archive).

Members come in any order and cannot be gone back to, so every member that may be a layer is
read as it passes, and JSON members are kept (within a budget) until the manifest says which
are which. The stream is read to the tar's end marker: a cut stream is reported as truncated.
If the engine fails in the middle of `docker save`, it writes its error as JSON into the stream;
that error is what the user is told.
"""

from __future__ import annotations

import json
import re
from typing import Any

from slimstage.errors import UsageError
from slimstage.image import assembly, manifest
from slimstage.image.assembly import Image, LayerReader, T
from slimstage.image.blob import peek
from slimstage.image.layerlist import Blob
from slimstage.image.manifest import Descriptor
from slimstage.image.tarstream import Source, TarError, TarStream

#: JSON kept from a stream, in all: more than any real archive's manifests and configs.
JSON_BUDGET = 64 << 20
_NAMED = ("manifest.json", "index.json", "repositories")
_ENGINE_ERROR = re.compile(rb'^\s*\{\s*"(errorDetail|error|message)"')


def _is_json(head: bytes) -> bool:
    return head.lstrip()[:1] in (b"{", b"[")


def _looks_like_tar_or_compressed(head: bytes) -> bool:
    return (
        head[:2] == b"\x1f\x8b"
        or head[:4] == b"\x28\xb5\x2f\xfd"
        or head[257:262] == b"ustar"
        or (len(head) >= 512 and head[:512] == bytes(512))
    )


def _is_layer_name(name: str) -> bool:
    return name.startswith("blobs/") or name.endswith((".tar", ".tar.gz", ".tgz"))


class _Collector:
    def __init__(self, read_layer: LayerReader[Any], verify: bool) -> None:
        self.read_layer = read_layer
        self.verify = verify
        self.json: dict[str, bytes] = {}
        self.json_bytes = 0
        self.blobs: dict[str, Blob[Any]] = {}

    def add(self, name: str, stream: Source, size: int) -> None:
        if not (_is_layer_name(name) or name.endswith(".json") or name in _NAMED):
            return
        head, rest, _ = peek(stream, 1024)
        if _is_json(head) and size <= manifest.JSON_LIMIT:
            self.json_bytes += size
            if self.json_bytes > JSON_BUDGET:
                raise UsageError(f"image archive: more than {JSON_BUDGET} bytes of JSON")
            self.json[name] = rest.read(-1)
        elif _looks_like_tar_or_compressed(head) and _is_layer_name(name):
            self.blobs[name] = assembly.read_blob(self.read_layer, rest, name, None, self.verify)

    def has(self, name: str) -> bool:
        return name in self.json

    def load(self, name: str, what: str) -> Any:
        if name not in self.json:
            raise UsageError(f"image archive names a {what} it does not contain: {name}")
        data = self.json[name]
        assembly.check_json_digest(name, data, self.verify)
        return manifest.parse(data, name)


def engine_error(block: bytes | None) -> str | None:
    """The message of an error the engine wrote into the stream instead of the rest of it."""
    if not block or not _ENGINE_ERROR.match(block):
        return None
    text = block.split(b"\0", 1)[0].decode("utf-8", "replace")
    try:
        document = json.loads(text)
    except ValueError:
        found = re.search(r'"(?:message|error)"\s*:\s*"((?:[^"\\]|\\.){1,300})', text)
        return found.group(1) if found else "an error"
    if isinstance(document, dict):
        detail = document.get("errorDetail")
        message = detail.get("message") if isinstance(detail, dict) else None
        message = message or document.get("error") or document.get("message")
        if isinstance(message, str):
            return message[:300]
    return "an error"


def read(
    stream: Source, source: str, *, read_layer: LayerReader[T], platform: str | None, verify: bool
) -> Image[T]:
    collector = _Collector(read_layer, verify)
    tar = TarStream(stream)
    try:
        for member in tar:
            if member.isreg():
                collector.add(member.name.removeprefix("./"), tar.window(), member.size)
    except UsageError:
        raise
    except TarError as exc:
        message = engine_error(exc.block)
        if message is not None:
            raise UsageError(f"{source}: the engine stopped sending the image: {message}") from None
        raise UsageError(f"{source}: not a readable image archive: {exc}") from None
    except (ValueError, OSError) as exc:
        raise UsageError(f"{source}: not a readable image archive: {exc}") from None
    plan = manifest.plan(collector.load, collector.has, platform, source)
    config = manifest.config(collector.load(plan.config, "config"), plan.config)
    blobs = []
    for layer in plan.layers:
        name = layer.blob if isinstance(layer, Descriptor) else layer
        if name not in collector.blobs:
            raise UsageError(f"image archive names a layer it does not contain: {name}")
        blobs.append(collector.blobs[name])
    return assembly.assemble(source, plan, config, iter(blobs), verify)
