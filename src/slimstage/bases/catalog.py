"""Which stand-in base images exist, what they stand for, and which of them an engine has.

`docker build` uses a locally tagged image without pulling, so images tagged with the official
names (python:3.13-slim, debian:trixie-slim) let ordinary Dockerfiles build offline. Every
stand-in carries labels saying that it is one and what it was built from; an image with the same
tag that lacks them (an official image) is never replaced.
"""

from __future__ import annotations

from dataclasses import dataclass

from slimstage.engine import Engine
from slimstage.errors import UsageError

LABEL_STAND_IN = "org.slimstage.stand-in"
LABEL_STANDS_FOR = "org.slimstage.stand-in.for"
LABEL_BUILT_FROM = "org.slimstage.built-from"
LABEL_BUILT_AT = "org.slimstage.built-at"

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

    @property
    def tag(self) -> str:
        return self.tags[0]


def base_images(release: Release) -> list[BaseImage]:
    py, code = release.python, release.codename
    return [
        BaseImage("debian-slim", (f"debian:{code}-slim",), f"debian:{code}-slim"),
        BaseImage(
            "python-slim", (f"python:{py}-slim", f"python:{py}-slim-{code}"), f"python:{py}-slim"
        ),
        BaseImage(
            "python-runtime",
            (f"{RUNTIME_REPOSITORY}:{py}-runtime", f"{RUNTIME_REPOSITORY}:{py}-runtime-{code}"),
            "no official image: a distroless-like Python runtime made by slimstage",
        ),
    ]


@dataclass(frozen=True)
class BaseStatus:
    tag: str
    kind: str
    present: bool
    stand_in: bool
    built_from: str


def status(engine: Engine, release: Release) -> list[BaseStatus]:
    out = []
    for image in base_images(release):
        labels = engine.image_labels(image.tag)  # empty when the image is absent
        out.append(
            BaseStatus(
                tag=image.tag,
                kind=image.kind,
                present=engine.inspect_image(image.tag) is not None,
                stand_in=labels.get(LABEL_STAND_IN) == "true",
                built_from=labels.get(LABEL_BUILT_FROM, ""),
            )
        )
    return out


def release_named(name: str | None) -> Release:
    """The release NAME (None: the default one)."""
    try:
        return RELEASES[name or DEFAULT_RELEASE]
    except KeyError:
        known = ", ".join(sorted(RELEASES))
        raise UsageError(f"unknown Debian release {name!r} (known: {known})") from None
