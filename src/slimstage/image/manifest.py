"""The JSON documents of an image archive, checked for shape before anything is read from them.

docker-save's manifest.json, OCI's index.json and image manifests, and the image config all come
from the archive: any of them may be of the wrong shape (a list where an object belongs, a
number where a list belongs), nested to any depth, or name files outside the archive. Each is
parsed here into plain typed values or refused with a UsageError that says what is wrong.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slimstage.errors import UsageError

JSON_LIMIT = 16 << 20
INDEX_TYPES = {
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
}
DIGEST = re.compile(r"(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})")
#: What the reader of an archive provides: a JSON document by its name in the archive.
LoadJson = Callable[[str, str], Any]
Has = Callable[[str], bool]


@dataclass(frozen=True)
class Descriptor:
    digest: str
    size: int | None

    @property
    def blob(self) -> str:
        algorithm, _, hexdigest = self.digest.partition(":")
        return f"blobs/{algorithm}/{hexdigest}"


@dataclass(frozen=True)
class Plan:
    """Where the image's parts are in the archive."""

    layout: str  # "docker-archive (classic)", "docker-archive (oci)", "oci-layout"
    config: str  # the config's name in the archive
    config_size: int | None  # as its descriptor says, when there is one
    layers: tuple[Descriptor | str, ...]  # in order; a plain name in docker-save's manifest


@dataclass(frozen=True)
class ImageConfig:
    env: dict[str, str]
    labels: dict[str, str]
    history: tuple[dict[str, Any], ...]  # every entry an object
    diff_ids: tuple[str, ...]
    document: dict[str, Any]


def parse(data: bytes, name: str) -> Any:
    try:
        return json.loads(data)
    except RecursionError:
        raise UsageError(f"image archive: {name} is JSON nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError(f"image archive: {name} is not valid JSON: {str(exc)[:80]}") from None


def _object(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise UsageError(f"image archive: {what} is not a JSON object")
    return value


def _list(value: Any, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise UsageError(f"image archive: {what} is not a list")
    return value


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise UsageError(f"image archive: {what} is not a string")
    return value


def descriptor(value: Any, what: str) -> Descriptor:
    document = _object(value, what)
    digest = document.get("digest")
    if not isinstance(digest, str) or not DIGEST.fullmatch(digest):
        raise UsageError(f"image archive: {what} has no valid sha256/sha512 digest")
    size = document.get("size")
    if size is not None and (type(size) is not int or size < 0):
        raise UsageError(f"image archive: {what} has a size that is not a count of bytes")
    return Descriptor(digest, size)


def default_platform() -> str:
    import platform  # only for a multi-platform index

    machine = platform.machine().lower()
    arch = {"x86_64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(machine, machine)
    return f"linux/{arch}"


def _platform_of(entry: dict[str, Any]) -> str | None:
    platform = entry.get("platform")
    if not isinstance(platform, dict):
        return None
    os_name, arch = platform.get("os"), platform.get("architecture")
    return f"{os_name}/{arch}" if isinstance(os_name, str) and isinstance(arch, str) else None


def _choose(manifests: list[dict[str, Any]], want: str | None) -> dict[str, Any]:
    candidates = [
        m
        for m in manifests
        if not isinstance(m.get("annotations"), dict)
        or m["annotations"].get("vnd.docker.reference.type") != "attestation-manifest"
    ] or manifests
    platforms = {p: m for m in candidates if (p := _platform_of(m)) is not None}
    if want:
        if want not in platforms and len(candidates) > 1:
            known = ", ".join(sorted(platforms)) or "none named"
            raise UsageError(f"--platform {want}: not in this image (it has: {known})")
        return platforms.get(want, candidates[0])
    if len(platforms) > 1:
        return platforms.get(default_platform()) or candidates[0]
    return candidates[0]


def _oci(load: LoadJson, want: str | None) -> Plan:
    """Follow an OCI index (nested indexes too) to the image manifest for a platform."""
    index = _object(load("index.json", "index"), "index.json")
    for _ in range(8):
        manifests = [
            _object(m, "an index entry")
            for m in _list(index.get("manifests"), "the index's manifests")
        ]
        if not manifests:
            raise UsageError("image archive: the index lists no manifests")
        chosen = _choose(manifests, want)
        found = descriptor(chosen, "an index entry")
        document = _object(load(found.blob, "manifest"), f"manifest {found.blob}")
        media_type = chosen.get("mediaType")
        if (isinstance(media_type, str) and media_type in INDEX_TYPES) or "manifests" in document:
            index = document
            continue
        config = descriptor(document.get("config"), "the manifest's config")
        layers = tuple(
            descriptor(layer, "a manifest layer")
            for layer in _list(document.get("layers"), "the manifest's layers")
        )
        return Plan("oci-layout", config.blob, config.size, layers)
    raise UsageError("image archive: indexes nested too deeply")


def plan(load: LoadJson, has: Has, want: str | None, source: str) -> Plan:
    """Where the config and the layers are, from manifest.json or index.json."""
    if has("manifest.json"):
        manifest = _list(load("manifest.json", "manifest"), "manifest.json")
        if not manifest:
            raise UsageError("image archive: manifest.json lists no image")
        entry = _object(manifest[0], "manifest.json's first entry")
        config = _text(entry.get("Config"), "manifest.json's Config")
        layers = tuple(
            _text(name, "a manifest.json layer")
            for name in _list(entry.get("Layers"), "manifest.json's Layers")
        )
        oci = has("index.json")
        layout = "docker-archive (oci)" if oci else "docker-archive (classic)"
        return Plan(layout, config, None, layers)
    if has("index.json"):
        return _oci(load, want)
    raise UsageError(f"{source}: not an image archive (no manifest.json or index.json)")


def _strings(value: Any, what: str) -> dict[str, str]:
    if value is None:
        return {}
    return {k: v for k, v in _object(value, what).items() if isinstance(v, str)}


def _or_empty(value: Any) -> Any:
    return {} if value is None else value


def config(document: Any, name: str) -> ImageConfig:
    top = _object(document, f"config {name}")
    settings = _object(_or_empty(top.get("config")), "the config's config")
    env: dict[str, str] = {}
    for item in _list(settings.get("Env"), "the config's Env"):
        key, _, value = _text(item, "an Env entry").partition("=")
        env[key] = value
    history = tuple(
        _object(entry, "a history entry") for entry in _list(top.get("history"), "history")
    )
    rootfs = _object(_or_empty(top.get("rootfs")), "the config's rootfs")
    diff_ids = tuple(
        _text(d, "a diff_id") for d in _list(rootfs.get("diff_ids"), "the config's diff_ids")
    )
    return ImageConfig(env, _strings(settings.get("Labels"), "Labels"), history, diff_ids, top)


def layer_history(config: ImageConfig, count: int) -> list[str]:
    """The instruction behind each layer: config history without its empty-layer entries."""
    created = [
        text if isinstance(text := entry.get("created_by"), str) else ""
        for entry in config.history
        if entry.get("empty_layer") is not True
    ]
    created += ["(missing)"] * (count - len(created))
    return created[:count]
