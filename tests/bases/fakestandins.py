"""An engine double for the stand-ins' own logic: images are labels and an ID, `build` inherits
the base's labels as Docker does, `import_rootfs` reads the labels from its --change lines, and
both record the extra CA they were handed, so tests see what each image would trust."""

from __future__ import annotations

import tarfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slimstage import proc
from slimstage.bases.catalog import LABEL_STAND_IN
from slimstage.bases.rootfs import EXTRA_CA_PATH
from slimstage.engine import BuildResult, RunSpec


@dataclass
class FakeImage:
    id: str
    labels: dict[str, str]
    ca: bytes | None  # the extra CA file in /usr/local/share/ca-certificates


@dataclass
class FakeStandIns:
    images: dict[str, FakeImage] = field(default_factory=dict)
    made: list[str] = field(default_factory=list)  # tags built or imported, in order
    build_args: list[dict[str, str]] = field(default_factory=list)
    copied_ca: list[bytes | None] = field(default_factory=list)  # each build's ca/ file
    # the first word of a container's command -> what running it gives (or raises)
    answers: dict[str, proc.Result | Exception] = field(default_factory=dict)
    started: list[RunSpec] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # image ids removed as replaced

    def add(self, tag: str, labels: Mapping[str, str], ca: bytes | None = None) -> FakeImage:
        image = FakeImage(f"sha256:{len(self.images) + 1000:064x}", dict(labels), ca)
        self.images[tag] = image
        return image

    def add_stand_in(self, tag: str, **labels: str) -> FakeImage:
        return self.add(tag, {LABEL_STAND_IN: "true", **labels})

    def inspect_image(self, ref: str) -> dict[str, Any] | None:
        image = self.images.get(ref)
        if image is None:
            return None
        return {"Id": image.id, "Config": {"Labels": dict(image.labels)}}

    def tag(self, ref: str, new_tag: str) -> None:
        self.images[new_tag] = self.images[ref]

    def remove_if_unused(self, image_id: str) -> bool:
        if any(image.id == image_id for image in self.images.values()):
            return False  # still tagged
        self.removed.append(image_id)
        return True

    def import_rootfs(self, tarball: Path, *, tag: str, changes: Sequence[str]) -> str:
        labels = {}
        for change in changes:
            if change.startswith("LABEL "):
                key, _, value = change.removeprefix("LABEL ").partition("=")
                labels[key] = value.strip('"')
        with tarfile.open(tarball) as tar:
            names = tar.getnames()
            member = tar.extractfile(EXTRA_CA_PATH) if EXTRA_CA_PATH in names else None
            ca = member.read() if member else None
        self.made.append(tag)
        return self.add(tag, labels, ca).id

    def build(
        self,
        *,
        dockerfile: Path,
        context: Path,
        tag: str,
        labels: Mapping[str, str] | None = None,
        build_args: Mapping[str, str] | None = None,
        target: str | None = None,
        no_cache: bool = False,
        on_line: Callable[[str], None] | None = None,
    ) -> BuildResult:
        args = dict(build_args or {})
        base = self.images[args["BASE"]]
        cas = sorted((context / "ca").iterdir())
        copied = cas[0].read_bytes() if cas else None
        ca = copied or base.ca  # COPY ca/ replaces the base's file
        self.copied_ca.append(copied)
        self.made.append(tag)
        self.build_args.append(args)
        image = self.add(tag, {**base.labels, **(labels or {})}, ca)
        return BuildResult(image.id, 1.0, "log")

    def run_once(self, spec: RunSpec, *, timeout: float = 300) -> proc.Result:
        self.started.append(spec)
        answer = self.answers[spec.command[0]]
        if isinstance(answer, Exception):
            raise answer
        return answer
