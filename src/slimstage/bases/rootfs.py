"""A Debian root filesystem made by debootstrap, trimmed the way debian:*-slim is, and packed
for `docker import`."""

from __future__ import annotations

import shutil
import tarfile
from collections.abc import Callable
from pathlib import Path

from slimstage.bases.catalog import Release

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
