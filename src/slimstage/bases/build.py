"""Building the stand-in bases: debootstrap for the Debian one, Dockerfiles for the others."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from slimstage import proc
from slimstage.bases.catalog import (
    DEFAULT_MIRROR,
    LABEL_BUILT_AT,
    LABEL_BUILT_FROM,
    LABEL_STAND_IN,
    LABEL_STANDS_FOR,
    BaseImage,
    BaseStatus,
    Release,
    base_images,
    release_named,
    status,
)
from slimstage.bases.rootfs import pack_rootfs, slim_rootfs
from slimstage.engine import Engine
from slimstage.errors import BaseImageMissing, UsageError
from slimstage.options import BaseBuildOptions


def default_ca_bundle() -> Path | None:
    value = os.environ.get("SSL_CERT_FILE")
    return Path(value) if value and Path(value).is_file() else None


@dataclass(frozen=True)
class BuildPlan:
    """The settings of one `base build`, resolved: the release, mirror and CA bundle to use."""

    release: Release
    mirror: str = DEFAULT_MIRROR
    ca_bundle: Path | None = None
    rebuild: bool = False


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


def _labels(stands_for: str, built_from: str) -> dict[str, str]:
    return {
        LABEL_STAND_IN: "true",
        LABEL_STANDS_FOR: stands_for,
        LABEL_BUILT_FROM: built_from,
        LABEL_BUILT_AT: dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def _should_build(engine: Engine, image: BaseImage, rebuild: bool) -> bool:
    labels = engine.image_labels(image.tag)
    if engine.inspect_image(image.tag) is None:
        return True
    if labels.get(LABEL_STAND_IN) != "true":
        proc.log(f"base: {image.tag} is present and is not a stand-in; keeping it")
        return False
    if rebuild:
        return True
    proc.log(f"base: {image.tag} is present (stand-in); reusing it")
    return False


def _tag_aliases(engine: Engine, image: BaseImage) -> None:
    for alias in image.tags[1:]:
        engine.tag(image.tag, alias)


def build_debian(engine: Engine, image: BaseImage, options: BuildPlan) -> None:
    debootstrap = shutil.which("debootstrap")
    if debootstrap is None:
        raise BaseImageMissing(
            f"cannot build {image.tag}: debootstrap is not installed",
            fix="apt-get install debootstrap (or scripts/ensure-docker --with-tools)",
        )
    if os.geteuid() != 0:
        raise BaseImageMissing(
            f"cannot build {image.tag}: debootstrap needs root", fix="run as root"
        )
    code = options.release.codename
    with tempfile.TemporaryDirectory(prefix="slimstage-rootfs-", dir="/var/tmp") as tmp:
        root = Path(tmp) / "root"
        proc.log(f"base: debootstrap --variant=minbase {code} from {options.mirror}")
        proc.stream(
            [debootstrap, "--variant=minbase", code, str(root), options.mirror],
            on_line=lambda line: proc.log(f"  debootstrap: {line}"),
        )
        slim_rootfs(root, options.release, mirror=options.mirror, ca_bundle=options.ca_bundle)
        tarball = Path(tmp) / "rootfs.tar"
        pack_rootfs(root, tarball)
        built_from = f"debootstrap --variant=minbase {code} {options.mirror}"
        labels = _labels(image.stands_for, built_from)
        changes = [f'LABEL {key}="{value}"' for key, value in labels.items()]
        changes += [
            "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            'CMD ["bash"]',
        ]
        engine.import_rootfs(tarball, tag=image.tag, changes=changes)
    _tag_aliases(engine, image)
    proc.log(f"base: built {image.tag}")


def build_from_dockerfile(
    engine: Engine, image: BaseImage, dockerfile: str, *, base: str, options: BuildPlan
) -> None:
    data = resources.files("slimstage.bases") / "data"
    with tempfile.TemporaryDirectory(prefix="slimstage-base-") as tmp:
        context = Path(tmp)
        for name in (dockerfile, "collect-runtime.sh"):
            (context / name).write_bytes((data / name).read_bytes())
        built_from = f"{base} + Debian packages ({options.release.codename})"
        engine.build(
            dockerfile=context / dockerfile,
            context=context,
            tag=image.tag,
            labels=_labels(image.stands_for, built_from),
            build_args={"BASE": base, "PYTHON": options.release.python},
            on_line=lambda line: proc.log(f"  {image.kind}: {line}"),
        )
    _tag_aliases(engine, image)
    proc.log(f"base: built {image.tag}")


def build_all(engine: Engine, options: BuildPlan) -> list[BaseStatus]:
    """Build (or reuse) the Debian, python-slim and runtime stand-ins for one release."""
    debian, python_slim, runtime = base_images(options.release)
    if _should_build(engine, debian, options.rebuild):
        build_debian(engine, debian, options)
    rebuild_rest = options.rebuild
    if _should_build(engine, python_slim, rebuild_rest):
        build_from_dockerfile(
            engine, python_slim, "python-slim.Dockerfile", base=debian.tag, options=options
        )
    if _should_build(engine, runtime, rebuild_rest):
        build_from_dockerfile(
            engine, runtime, "python-runtime.Dockerfile", base=debian.tag, options=options
        )
    return status(engine, options.release)
