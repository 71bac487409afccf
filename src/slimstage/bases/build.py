"""Building the stand-in bases: debootstrap for the Debian one, Dockerfiles for the others."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Protocol

from slimstage import proc
from slimstage.bases.catalog import (
    DEFAULT_MIRROR,
    LABEL_BUILT_AT,
    LABEL_BUILT_FROM,
    LABEL_BUILT_ON,
    LABEL_CA,
    LABEL_STAND_IN,
    LABEL_STANDS_FOR,
    BaseImage,
    BaseStatus,
    Release,
    base_images,
    inspect_base,
    release_named,
)
from slimstage.bases.rootfs import EXTRA_CA_PATH, pack_rootfs, slim_rootfs
from slimstage.bases.trust import BUILD, KEEP, ca_fingerprint, describe_ca, judge
from slimstage.engineapi import ImageBuilder
from slimstage.errors import BaseImageMissing, UsageError
from slimstage.options import BaseBuildOptions


class StandInEngine(ImageBuilder, Protocol):
    """What building the stand-ins needs from an engine (slimstage.engine.Engine has it)."""

    def tag(self, ref: str, new_tag: str) -> None: ...
    def remove_if_unused(self, image_id: str) -> bool: ...
    def import_rootfs(self, tarball: Path, *, tag: str, changes: Sequence[str]) -> str: ...


def default_ca_bundle() -> Path | None:
    value = os.environ.get("SSL_CERT_FILE")
    return Path(value) if value and Path(value).is_file() else None


@dataclass(frozen=True)
class BuildPlan:
    """The settings of one `base build`, resolved: the release, mirror and CA bundle to use.

    `prefix` and `labels` are for tests: stand-ins built under a throw-away tag prefix, carrying
    the test label that removes them afterwards."""

    release: Release
    mirror: str = DEFAULT_MIRROR
    ca_bundle: Path | None = None
    rebuild: bool = False
    prefix: str = ""
    labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def trusting(self) -> str:
        """The CA bundle asked for, in words, for messages."""
        if self.ca_bundle is None:
            return describe_ca(ca_fingerprint(None))
        return f"{describe_ca(ca_fingerprint(self.ca_bundle))} ({self.ca_bundle})"


def plan(options: BaseBuildOptions) -> BuildPlan:
    """Resolve the command's options: default release and mirror, $SSL_CERT_FILE as the CA."""
    ca_bundle = options.ca_bundle if options.ca_bundle is not None else default_ca_bundle()
    if ca_bundle is not None and not ca_bundle.is_file():
        raise UsageError(f"--ca-bundle {ca_bundle}: no such file")
    return BuildPlan(
        release=release_named(options.release),
        mirror=options.mirror or DEFAULT_MIRROR,
        ca_bundle=ca_bundle,
        rebuild=options.rebuild,
    )


def _labels(image: BaseImage, built_from: str, options: BuildPlan) -> dict[str, str]:
    return {
        LABEL_STAND_IN: "true",
        LABEL_STANDS_FOR: image.stands_for,
        LABEL_BUILT_FROM: built_from,
        LABEL_BUILT_AT: dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        LABEL_CA: ca_fingerprint(options.ca_bundle),
        **options.labels,
    }


def _tag_aliases(engine: StandInEngine, image: BaseImage) -> None:
    for alias in image.tags[1:]:
        engine.tag(image.tag, alias)


def debootstrap(root: Path, codename: str, mirror: str) -> None:
    """A minimal Debian tree at ROOT (needs debootstrap and root)."""
    program = shutil.which("debootstrap")
    if program is None:
        raise BaseImageMissing(
            f"cannot build debian:{codename}-slim: debootstrap is not installed",
            fix="apt-get install debootstrap (or scripts/ensure-docker --with-tools)",
        )
    if os.geteuid() != 0:
        raise BaseImageMissing(
            f"cannot build debian:{codename}-slim: debootstrap needs root", fix="run as root"
        )
    proc.log(f"base: debootstrap --variant=minbase {codename} from {mirror}")
    proc.stream(
        [program, "--variant=minbase", codename, str(root), mirror],
        on_line=lambda line: proc.log(f"  debootstrap: {line}"),
    )


def build_debian(engine: StandInEngine, image: BaseImage, options: BuildPlan) -> None:
    code = options.release.codename
    with tempfile.TemporaryDirectory(prefix="slimstage-rootfs-", dir="/var/tmp") as tmp:
        root = Path(tmp) / "root"
        debootstrap(root, code, options.mirror)
        slim_rootfs(root, options.release, mirror=options.mirror, ca_bundle=options.ca_bundle)
        tarball = Path(tmp) / "rootfs.tar"
        pack_rootfs(root, tarball)
        built_from = f"debootstrap --variant=minbase {code} {options.mirror}"
        labels = _labels(image, built_from, options)
        changes = [f'LABEL {key}="{value}"' for key, value in labels.items()]
        changes += [
            "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            'CMD ["bash"]',
        ]
        engine.import_rootfs(tarball, tag=image.tag, changes=changes)
    _tag_aliases(engine, image)


def build_from_dockerfile(
    engine: StandInEngine,
    image: BaseImage,
    dockerfile: str,
    *,
    base: BaseStatus,
    options: BuildPlan,
) -> None:
    data = resources.files("slimstage.bases") / "data"
    with tempfile.TemporaryDirectory(prefix="slimstage-base-") as tmp:
        context = Path(tmp)
        for name in (dockerfile, "collect-runtime.sh"):
            (context / name).write_bytes((data / name).read_bytes())
        # The Dockerfiles add what ca/ holds to /usr/local/share/ca-certificates, so the image
        # trusts the CA asked for even on a Debian base slimstage did not build; a Debian
        # stand-in that carries it already needs no second copy in a layer of its own.
        (context / "ca").mkdir()
        carried = base.stand_in and base.ca == ca_fingerprint(options.ca_bundle)
        if options.ca_bundle is not None and not carried:
            shutil.copyfile(options.ca_bundle, context / "ca" / Path(EXTRA_CA_PATH).name)
        built_from = f"{base.tag} + Debian packages ({options.release.codename})"
        engine.build(
            dockerfile=context / dockerfile,
            context=context,
            tag=image.tag,
            labels={**_labels(image, built_from, options), LABEL_BUILT_ON: base.image_id},
            build_args={"BASE": base.tag, "PYTHON": options.release.python},
            on_line=lambda line: proc.log(f"  {image.kind}: {line}"),
        )
    _tag_aliases(engine, image)


def _ensure(
    engine: StandInEngine,
    image: BaseImage,
    options: BuildPlan,
    build: Callable[[], None],
    base: BaseStatus | None = None,
) -> BaseStatus:
    """Build IMAGE when `judge` says so, saying why, and return what the engine has now."""
    found = inspect_base(engine, image)
    verdict = judge(found, ca=ca_fingerprint(options.ca_bundle), base=base, rebuild=options.rebuild)
    if verdict.action == KEEP:
        proc.log(f"base: keeping {image.tag}: {verdict.reason}")
        return found
    if verdict.action != BUILD:
        proc.log(f"base: {image.tag} is present ({verdict.reason}); reusing it")
        return found
    proc.log(f"base: building {image.tag} ({verdict.reason}) with {options.trusting}")
    build()
    proc.log(f"base: built {image.tag}; it trusts {options.trusting}")
    built = inspect_base(engine, image)
    # The stand-in it replaces would stay behind untagged, hundreds of MB each time.
    if found.present and found.image_id and found.image_id != built.image_id:
        if engine.remove_if_unused(found.image_id):
            proc.log(f"base: removed the {image.tag} it replaces ({found.image_id[:19]})")
    return built


def build_all(engine: StandInEngine, options: BuildPlan) -> list[BaseStatus]:
    """Build (or reuse) the Debian, python-slim and runtime stand-ins for one release; those
    built on the Debian one are rebuilt whenever it is."""
    debian, python_slim, runtime = base_images(options.release, prefix=options.prefix)
    base = _ensure(engine, debian, options, lambda: build_debian(engine, debian, options))
    rows = [base]
    for image, dockerfile in (
        (python_slim, "python-slim.Dockerfile"),
        (runtime, "python-runtime.Dockerfile"),
    ):

        def make(image: BaseImage = image, dockerfile: str = dockerfile) -> None:
            build_from_dockerfile(engine, image, dockerfile, base=base, options=options)

        rows.append(_ensure(engine, image, options, make, base))
    return rows
