"""The real stand-in images keep the promises of the images they stand for."""

from __future__ import annotations

from pathlib import Path

import pytest

from slimstage.bases import build
from slimstage.bases.catalog import RELEASES
from slimstage.engine import Engine, RunSpec
from slimstage.errors import UsageError
from slimstage.options import BaseBuildOptions
from tests.conftest import Sweeper

RUNTIME = "slimstage/python:3.13-runtime"


def test_plan_resolves_defaults_and_checks_the_ca_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    plan = build.plan(BaseBuildOptions())
    assert (plan.release.codename, plan.mirror, plan.ca_bundle) == (
        "trixie",
        "http://deb.debian.org/debian",
        None,
    )
    ca = tmp_path / "ca.pem"
    ca.write_text("x")
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))
    assert build.plan(BaseBuildOptions(release="bookworm")).ca_bundle == ca
    with pytest.raises(UsageError, match="no such file"):
        build.plan(BaseBuildOptions(ca_bundle=tmp_path / "missing.pem"))


def _sh(engine: Engine, sweeper: Sweeper, image: str, script: str) -> tuple[int, str]:
    result = engine.run_once(RunSpec(image, labels=sweeper.labels, command=["sh", "-c", script]))
    return result.returncode, result.stdout + result.stderr


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
    imports = "import ssl, sqlite3, zlib, ctypes, json, urllib.request; print('ok')"
    ok = engine.run_once(RunSpec(RUNTIME, labels=sweeper.labels, command=["python", "-c", imports]))
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == "ok"
    probe = (
        "import os, shutil, importlib.util as u;"
        "print(*(shutil.which(c) for c in ('sh', 'gcc', 'pip', 'apt-get')),"
        " u.find_spec('pip'), os.path.exists('/usr/include/python3.13'))"
    )
    out = engine.run_once(RunSpec(RUNTIME, labels=sweeper.labels, command=["python", "-c", probe]))
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
    code = "import markupsafe._speedups as s, six; print(s.__file__, six.__file__)"
    probe = engine.run_once(RunSpec(tag, labels=sweeper.labels, command=["python", "-c", code]))
    assert probe.returncode == 0, probe.stderr
    compiled, user_site = probe.stdout.split()
    assert compiled.endswith(".so")
    assert user_site.startswith("/root/.local/lib/python3.13/site-packages/")


@pytest.mark.engine
def test_bookworm_release_gives_python_3_11(engine: Engine, sweeper: Sweeper) -> None:
    # Built once and kept as a cache, like the trixie stand-ins.
    rows = build.build_all(engine, build.BuildPlan(release=RELEASES["bookworm"]))
    assert [row.tag for row in rows] == [
        "debian:bookworm-slim",
        "python:3.11-slim",
        "slimstage/python:3.11-runtime",
    ]
    assert all(row.present and row.stand_in for row in rows)
    for image in ("python:3.11-slim", "slimstage/python:3.11-runtime"):
        code = "import sys, ssl, sqlite3; print(sys.version_info[:2])"
        out = engine.run_once(
            RunSpec(image, labels=sweeper.labels, command=["python3", "-c", code])
        )
        assert out.stdout.strip() == "(3, 11)", out.stderr
