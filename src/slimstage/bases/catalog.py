"""Which stand-in base images exist, what they stand for, and which of them an engine has.

`docker build` uses a locally tagged image without pulling, so images tagged with the official
names (python:3.13-slim, debian:trixie-slim) let ordinary Dockerfiles build offline. Every
stand-in carries labels saying that it is one, what it was built from, which extra CA bundle it
trusts and (for those built on another) which image it was built on; an image with the same tag
that lacks them (an official image) is never replaced.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from slimstage.errors import UsageError

LABEL_STAND_IN = "org.slimstage.stand-in"
LABEL_STANDS_FOR = "org.slimstage.stand-in.for"
LABEL_BUILT_FROM = "org.slimstage.built-from"
LABEL_BUILT_AT = "org.slimstage.built-at"
#: "sha256:<hex>" of the extra CA bundle the stand-in trusts, or "none" (slimstage.bases.trust).
LABEL_CA = "org.slimstage.ca-bundle"
#: The image ID of the image a stand-in was built on (python-slim and runtime: the Debian one).
LABEL_BUILT_ON = "org.slimstage.built-on"

DEFAULT_MIRROR = "http://deb.debian.org/debian"
RUNTIME_REPOSITORY = "slimstage/python"


@dataclass(frozen=True)
class Release:
    codename: str
    debian_version: str
    python: str


RELEASES: dict[str, Release] = {
    "trixie": Release("trixie", "13", "3.13"),
    "bookworm": Release("bookworm", "12", "3.11"),
}
DEFAULT_RELEASE = "trixie"


@dataclass(frozen=True)
class BaseImage:
    """One image `slimstage base build` makes for a release."""

    kind: str  # "debian-slim", "python-slim" or "python-runtime"
    tags: tuple[str, ...]
    stands_for: str
    release: str

    @property
    def tag(self) -> str:
        return self.tags[0]


def base_images(release: Release, *, prefix: str = "") -> list[BaseImage]:
    """The stand-ins of RELEASE, Debian first; PREFIX goes before every tag (tests build under
    a throw-away prefix so that the stand-ins in use stay as they are)."""
    py, code = release.python, release.codename
    runtime = f"{RUNTIME_REPOSITORY}:{py}-runtime"
    images = [
        ("debian-slim", (f"debian:{code}-slim",), f"debian:{code}-slim"),
        ("python-slim", (f"python:{py}-slim", f"python:{py}-slim-{code}"), f"python:{py}-slim"),
        (
            "python-runtime",
            (runtime, f"{runtime}-{code}"),
            "no official image: a distroless-like Python runtime made by slimstage",
        ),
    ]
    return [
        BaseImage(kind, tuple(prefix + tag for tag in tags), stands_for, code)
        for kind, tags, stands_for in images
    ]


class ImageInspector(Protocol):
    def inspect_image(self, ref: str) -> dict[str, Any] | None: ...


@dataclass(frozen=True)
class BaseStatus:
    """What an engine has under one stand-in's tag."""

    tag: str
    kind: str
    release: str
    present: bool
    stand_in: bool = False
    built_from: str = ""
    image_id: str = ""
    ca: str = ""  # LABEL_CA; "" when the image does not record one
    built_on: str = ""  # LABEL_BUILT_ON


def inspect_base(engine: ImageInspector, image: BaseImage) -> BaseStatus:
    data = engine.inspect_image(image.tag)
    if data is None:
        return BaseStatus(image.tag, image.kind, image.release, present=False)
    labels = (data.get("Config") or {}).get("Labels") or {}
    return BaseStatus(
        image.tag,
        image.kind,
        image.release,
        present=True,
        stand_in=labels.get(LABEL_STAND_IN) == "true",
        built_from=str(labels.get(LABEL_BUILT_FROM, "")),
        image_id=str(data.get("Id", "")),
        ca=str(labels.get(LABEL_CA, "")),
        built_on=str(labels.get(LABEL_BUILT_ON, "")),
    )


def status(engine: ImageInspector, release: Release, *, prefix: str = "") -> list[BaseStatus]:
    return [inspect_base(engine, image) for image in base_images(release, prefix=prefix)]


def survey(engine: ImageInspector, release_name: str | None) -> list[list[BaseStatus]]:
    """The status of the release named, or with None of the default release and of every
    other release of which a stand-in is present: the releases `base list` and `doctor` show."""
    if release_name is not None:
        return [status(engine, release_named(release_name))]
    found = []
    for name, release in RELEASES.items():
        rows = status(engine, release)
        if name == DEFAULT_RELEASE or any(row.stand_in for row in rows):
            found.append(rows)
    return found


def release_named(name: str | None) -> Release:
    """The release NAME (None: the default one)."""
    try:
        return RELEASES[name or DEFAULT_RELEASE]
    except KeyError:
        known = ", ".join(sorted(RELEASES))
        raise UsageError(f"unknown Debian release {name!r} (known: {known})") from None
