"""Stand-in base images: the pure root-filesystem trimming, and the real images' promises."""

from __future__ import annotations

from pathlib import Path

import pytest

from slimstage import bases
from slimstage.engine import Engine
from slimstage.errors import UsageError
from tests.conftest import Sweeper

TRIXIE = bases.RELEASES["trixie"]


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
    bases.slim_rootfs(tmp_path, TRIXIE, mirror="http://mirror.example/debian", ca_bundle=ca)
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
    assert (tmp_path / bases.EXTRA_CA_PATH).read_text() == ca.read_text()
    assert (tmp_path / "usr/sbin/policy-rc.d").stat().st_mode & 0o111


def test_base_image_names_follow_the_official_ones() -> None:
    tags = [image.tag for image in bases.base_images(TRIXIE)]
    assert tags == ["debian:trixie-slim", "python:3.13-slim", "slimstage/python:3.13-runtime"]
    assert bases.base_images(bases.RELEASES["bookworm"])[1].tag == "python:3.11-slim"


def test_unknown_release_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="known: bookworm, trixie"):
        bases.release_named("sid")


# --- the real images ---------------------------------------------------------------------------


def _sh(engine: Engine, sweeper: Sweeper, image: str, script: str) -> tuple[int, str]:
    result = engine.run_once(image, ["sh", "-c", script], labels=sweeper.labels)
    return result.returncode, result.stdout + result.stderr


@pytest.mark.engine
def test_every_stand_in_says_it_is_one(engine: Engine) -> None:
    for image in bases.base_images(TRIXIE):
        labels = engine.image_labels(image.tag)
        assert labels.get(bases.LABEL_STAND_IN) == "true", image.tag
        assert labels.get(bases.LABEL_BUILT_FROM), image.tag
    rows = bases.status(engine, TRIXIE)
    assert all(row.present and row.stand_in for row in rows)


@pytest.mark.engine
def test_python_slim_stand_in_keeps_the_official_promises(engine: Engine, sweeper: Sweeper) -> None:
    code, out = _sh(
        engine,
        sweeper,
        "python:3.13-slim",
        "set -e; for c in python pip python3 pip3; do command -v $c; done; python --version;"
        " test -f /usr/include/python3.13/Python.h && echo headers;"
        " test ! -e /usr/lib/python3.13/EXTERNALLY-MANAGED && echo no-pep668;"
        ' test -z "$(find /usr/share/man /usr/share/doc -type f ! -name copyright)" && echo no-man;'
        ' test -z "$(ls /var/lib/apt/lists | grep -v -e partial -e lock)" && echo no-lists;'
        " command -v gcc || echo no-gcc",
    )
    assert code == 0, out
    for word in (
        "/usr/local/bin/python",
        "/usr/local/bin/pip",
        "Python 3.13",
        "headers",
        "no-pep668",
        "no-man",
        "no-lists",
        "no-gcc",
    ):
        assert word in out


@pytest.mark.engine
def test_runtime_base_has_python_and_nothing_to_build_with(
    engine: Engine, sweeper: Sweeper
) -> None:
    ok = engine.run_once(
        "slimstage/python:3.13-runtime",
        ["python", "-c", "import ssl, sqlite3, zlib, ctypes, json, urllib.request; print('ok')"],
        labels=sweeper.labels,
    )
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == "ok"
    probe = (
        "import os, shutil, importlib.util as u;"
        "print(*(shutil.which(c) for c in ('sh', 'gcc', 'pip', 'apt-get')),"
        " u.find_spec('pip'), os.path.exists('/usr/include/python3.13'))"
    )
    out = engine.run_once(
        "slimstage/python:3.13-runtime", ["python", "-c", probe], labels=sweeper.labels
    )
    assert out.stdout.strip() == "None None None None None False", out.stderr


@pytest.mark.engine
def test_apt_and_a_source_build_work_on_the_stand_in(
    engine: Engine, sweeper: Sweeper, tmp_path: Path
) -> None:
    # The foundation's promise: an ordinary Dockerfile builds offline from the registry's view,
    # with apt reaching Debian and pip reaching PyPI (through the trusted CA bundle).
    (tmp_path / "Dockerfile").write_text(
        "FROM python:3.13-slim\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev"
        " && rm -rf /var/lib/apt/lists/*\n"
        "RUN pip install --no-cache-dir --no-binary markupsafe markupsafe==3.0.2\n"
        "RUN pip install --no-cache-dir --user six==1.16.0\n"
    )
    tag = sweeper.tag("source-build")
    engine.build(
        dockerfile=tmp_path / "Dockerfile", context=tmp_path, tag=tag, labels=sweeper.labels
    )
    probe = engine.run_once(
        tag,
        ["python", "-c", "import markupsafe._speedups as s, six; print(s.__file__, six.__file__)"],
        labels=sweeper.labels,
    )
    assert probe.returncode == 0, probe.stderr
    compiled, user_site = probe.stdout.split()
    assert compiled.endswith(".so")
    assert user_site.startswith("/root/.local/lib/python3.13/site-packages/")


@pytest.mark.engine
def test_bookworm_release_gives_python_3_11(engine: Engine, sweeper: Sweeper) -> None:
    # Built once and kept as a cache, like the trixie stand-ins.
    rows = bases.build_all(engine, bases.BuildOptions(release=bases.RELEASES["bookworm"]))
    assert [row.tag for row in rows] == [
        "debian:bookworm-slim",
        "python:3.11-slim",
        "slimstage/python:3.11-runtime",
    ]
    assert all(row.present and row.stand_in for row in rows)
    for image in ("python:3.11-slim", "slimstage/python:3.11-runtime"):
        out = engine.run_once(
            image,
            ["python3", "-c", "import sys, ssl, sqlite3; print(sys.version_info[:2])"],
            labels=sweeper.labels,
        )
        assert out.stdout.strip() == "(3, 11)", out.stderr
