"""Stand-in base images, built from Debian packages where no registry is reachable.

`docker build` uses a locally tagged image without pulling, so images tagged with the official
names (python:3.13-slim, debian:trixie-slim) let ordinary Dockerfiles build offline. Every
stand-in carries labels saying that it is one and what it was built from; an image with the same
tag that lacks them (an official image) is never replaced.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from slimstage import proc
from slimstage.engine import Engine
from slimstage.errors import BaseImageMissing, UsageError

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


# --- the Debian root filesystem ------------------------------------------------------------

# The same trimming Debian's official slim images get (debuerreotype's --slimify): documentation,
# man pages and translations are neither unpacked now nor by later `apt-get install`s.
DPKG_EXCLUDES = """\
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
"""

APT_CONF = {
    "docker-clean": (
        'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb '
        '/var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };\n'
        'APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb '
        '/var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };\n'
        'Dir::Cache::pkgcache "";\nDir::Cache::srcpkgcache "";\n'
    ),
    "docker-autoremove-suggests": 'Apt::AutoRemove::SuggestsImportant "false";\n',
    "docker-no-languages": 'Acquire::Languages "none";\n',
    "docker-gzip-indexes": 'Acquire::GzipIndexes "true";\n',
}

EXTRA_CA_PATH = "usr/local/share/ca-certificates/slimstage-extra-ca.crt"


def sources_file(release: Release, mirror: str) -> str:
    security = mirror.rstrip("/") + "-security" if mirror.rstrip("/").endswith("/debian") else ""
    text = (
        f"Types: deb\nURIs: {mirror}\nSuites: {release.codename} {release.codename}-updates\n"
        "Components: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"
    )
    if security:
        text += (
            f"\nTypes: deb\nURIs: {security}\nSuites: {release.codename}-security\n"
            "Components: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"
        )
    return text


def _remove_children(path: Path, *, keep: Callable[[Path], bool] = lambda _p: False) -> None:
    if not path.is_dir():
        return
    for child in path.iterdir():
        if keep(child):
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


def slim_rootfs(root: Path, release: Release, *, mirror: str, ca_bundle: Path | None) -> None:
    """Trim a debootstrapped tree the way debian:*-slim is trimmed, and configure apt."""
    (root / "etc/dpkg/dpkg.cfg.d").mkdir(parents=True, exist_ok=True)
    (root / "etc/dpkg/dpkg.cfg.d/docker").write_text(DPKG_EXCLUDES)
    for name, text in APT_CONF.items():
        (root / "etc/apt/apt.conf.d" / name).write_text(text)
    # Services must not start inside an image build.
    policy = root / "usr/sbin/policy-rc.d"
    policy.write_text("#!/bin/sh\nexit 101\n")
    policy.chmod(0o755)

    legacy = root / "etc/apt/sources.list"
    if legacy.exists():
        legacy.unlink()
    (root / "etc/apt/sources.list.d").mkdir(parents=True, exist_ok=True)
    (root / "etc/apt/sources.list.d/debian.sources").write_text(sources_file(release, mirror))

    docs = root / "usr/share/doc"
    if docs.is_dir():
        for package in docs.iterdir():
            if package.is_dir() and not package.is_symlink():
                _remove_children(package, keep=lambda p: p.name == "copyright")
    for rel in ("usr/share/man", "usr/share/groff", "usr/share/info", "usr/share/lintian"):
        _remove_children(root / rel)
    _remove_children(root / "usr/share/locale", keep=lambda p: p.name == "locale.alias")
    for rel in ("var/lib/apt/lists", "var/cache/apt/archives", "var/log", "tmp"):
        _remove_children(root / rel, keep=lambda p: p.name in ("partial", "lock"))
    for pattern in ("var/cache/apt/*.bin", "var/cache/debconf/*-old", "var/lib/dpkg/*-old"):
        for path in root.glob(pattern):
            path.unlink()
    (root / "etc/machine-id").write_text("")

    if ca_bundle is not None:
        target = root / EXTRA_CA_PATH
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ca_bundle, target)


def pack_rootfs(root: Path, tarball: Path) -> None:
    """Tar a root filesystem for `docker import`, keeping owners, modes and device nodes."""
    with tarfile.open(tarball, "w") as tar:
        for child in sorted(root.iterdir()):
            tar.add(child, arcname=child.name)


# --- building ------------------------------------------------------------------------------


def default_ca_bundle() -> Path | None:
    value = os.environ.get("SSL_CERT_FILE")
    return Path(value) if value and Path(value).is_file() else None


@dataclass(frozen=True)
class BuildOptions:
    release: Release
    mirror: str = DEFAULT_MIRROR
    ca_bundle: Path | None = None
    rebuild: bool = False


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
        proc.run([engine.cli, "tag", image.tag, alias])


def build_debian(engine: Engine, image: BaseImage, options: BuildOptions) -> None:
    debootstrap = shutil.which("debootstrap")
    if debootstrap is None:
        raise BaseImageMissing(
            f"cannot build {image.tag}: debootstrap is not installed",
            fix="apt-get install debootstrap (or scripts/ensure-docker --with-debootstrap)",
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
    engine: Engine, image: BaseImage, dockerfile: str, *, base: str, options: BuildOptions
) -> None:
    data = resources.files("slimstage") / "data"
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


def build_all(engine: Engine, options: BuildOptions) -> list[BaseStatus]:
    """Build (or reuse) the Debian, python-slim and runtime stand-ins for one release."""
    if options.ca_bundle is not None and not options.ca_bundle.is_file():
        raise UsageError(f"--ca-bundle {options.ca_bundle}: no such file")
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


def release_named(name: str) -> Release:
    try:
        return RELEASES[name]
    except KeyError:
        known = ", ".join(sorted(RELEASES))
        raise UsageError(f"unknown Debian release {name!r} (known: {known})") from None
