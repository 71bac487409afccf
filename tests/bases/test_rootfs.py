"""The Debian root filesystem, trimmed the way debian:*-slim is (no engine needed)."""

from __future__ import annotations

import tarfile
from pathlib import Path

from slimstage.bases import rootfs
from slimstage.bases.catalog import RELEASES

TRIXIE = RELEASES["trixie"]


def _fake_rootfs(root: Path) -> None:
    for rel in (
        "usr/share/doc/bash/README",
        "usr/share/doc/bash/copyright",
        "usr/share/man/man1/ls.1.gz",
        "usr/share/locale/de/LC_MESSAGES/apt.mo",
        "usr/share/locale/locale.alias",
        "usr/share/info/dir",
        "var/lib/apt/lists/deb.debian.org_dists_trixie_InRelease",
        "var/cache/apt/archives/bash.deb",
        "var/cache/apt/pkgcache.bin",
        "var/log/dpkg.log",
        "etc/apt/sources.list",
        "etc/apt/apt.conf.d/01autoremove",
        "usr/bin/bash",
    ):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    (root / "var/lib/apt/lists/partial").mkdir()
    (root / "usr/sbin").mkdir(parents=True)


def test_slim_rootfs_trims_like_debian_slim(tmp_path: Path) -> None:
    _fake_rootfs(tmp_path)
    ca = tmp_path.parent / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    rootfs.slim_rootfs(tmp_path, TRIXIE, mirror="http://mirror.example/debian", ca_bundle=ca)
    assert not (tmp_path / "usr/share/doc/bash/README").exists()
    assert (tmp_path / "usr/share/doc/bash/copyright").exists()
    assert not (tmp_path / "usr/share/man/man1/ls.1.gz").exists()
    assert not (tmp_path / "usr/share/locale/de").exists()
    assert (tmp_path / "usr/share/locale/locale.alias").exists()
    assert list((tmp_path / "var/lib/apt/lists").iterdir()) == [
        tmp_path / "var/lib/apt/lists/partial"
    ]
    assert not (tmp_path / "var/cache/apt/archives/bash.deb").exists()
    assert not (tmp_path / "var/cache/apt/pkgcache.bin").exists()
    assert not (tmp_path / "etc/apt/sources.list").exists()
    assert (tmp_path / "usr/bin/bash").exists()
    excludes = (tmp_path / "etc/dpkg/dpkg.cfg.d/docker").read_text()
    assert "path-exclude /usr/share/doc/*" in excludes
    assert "path-include /usr/share/doc/*/copyright" in excludes
    sources = (tmp_path / "etc/apt/sources.list.d/debian.sources").read_text()
    assert "URIs: http://mirror.example/debian\n" in sources
    assert "Suites: trixie trixie-updates" in sources
    assert "URIs: http://mirror.example/debian-security" in sources
    assert (tmp_path / rootfs.EXTRA_CA_PATH).read_text() == ca.read_text()
    assert (tmp_path / "usr/sbin/policy-rc.d").stat().st_mode & 0o111


def test_sources_file_names_the_security_suite_only_for_debian_mirrors() -> None:
    official = rootfs.sources_file(TRIXIE, "http://deb.debian.org/debian")
    assert "URIs: http://deb.debian.org/debian-security" in official
    assert "Suites: trixie-security" in official
    other = rootfs.sources_file(TRIXIE, "http://mirror.example/custom")
    assert "security" not in other
    assert "Suites: trixie trixie-updates" in other


def test_pack_rootfs_keeps_modes_and_symlinks(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "usr/bin").mkdir(parents=True)
    tool = root / "usr/bin/tool"
    tool.write_text("#!/bin/sh\n")
    tool.chmod(0o755)
    (root / "bin").symlink_to("usr/bin")
    rootfs.pack_rootfs(root, tmp_path / "rootfs.tar")
    with tarfile.open(tmp_path / "rootfs.tar") as tar:
        members = {m.name: m for m in tar}
    assert members["usr/bin/tool"].mode == 0o755
    assert members["bin"].issym()
    assert members["bin"].linkname == "usr/bin"
