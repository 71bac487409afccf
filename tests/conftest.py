"""Shared fixtures: the real engine, a real PostgreSQL server, and clean-up of what tests create.

Tests marked `engine` need a running Docker engine with BuildKit and the stand-in bases; when
there is none they fail with the reason (deselect them explicitly with `-m "not engine"`).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from glob import glob
from pathlib import Path

import pytest

from slimstage import bases
from slimstage.engine import Engine
from slimstage.errors import SlimstageError
from slimstage.variants import discover

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "demo"
TEST_LABEL = "org.slimstage.test"


@pytest.fixture(scope="session")
def engine() -> Engine:
    try:
        found = Engine.connect()
    except SlimstageError as exc:
        pytest.fail(f"engine tests need a Docker engine with BuildKit: {exc}", pytrace=False)
    release = bases.RELEASES[bases.DEFAULT_RELEASE]
    missing = [row.tag for row in bases.status(found, release) if not row.present]
    if missing:
        pytest.fail(
            f"engine tests need the base images {missing}: run `slimstage base build`",
            pytrace=False,
        )
    return found


@dataclass
class Sweeper:
    """Hands out a label for what a test creates, and removes all of it afterwards."""

    engine: Engine
    run: str

    @property
    def labels(self) -> dict[str, str]:
        return {TEST_LABEL: self.run}

    def tag(self, name: str) -> str:
        return f"slimstage-test/{name}:{self.run}"

    def clean(self) -> None:
        selector = f"{TEST_LABEL}={self.run}"
        self.engine.remove_containers(self.engine.containers_with_label(selector))
        self.engine.remove_images(self.engine.images_with_label(selector))


@pytest.fixture
def sweeper(engine: Engine) -> Iterator[Sweeper]:
    sweep = Sweeper(engine, uuid.uuid4().hex[:10])
    try:
        yield sweep
    finally:
        sweep.clean()


# --- PostgreSQL --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class Postgres:
    url: str
    port: int


@dataclass(frozen=True)
class PostgresServer:
    """A throw-away PostgreSQL server on 127.0.0.1, which its owner may stop and restart."""

    bindir: Path
    workdir: Path
    port: int
    prefix: tuple[str, ...]  # runuser, when running as root: the server refuses root

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _ctl(self, *args: str, check: bool = True) -> None:
        data = str(self.workdir / "data")
        cmd = [*self.prefix, str(self.bindir / "pg_ctl"), "-D", data, "-w", *args]
        subprocess.run(cmd, check=check, capture_output=True)

    def _options(self) -> list[str]:
        # -l: the server's output goes to a file, not to the pipes pg_ctl's caller waits on.
        options = f"-p {self.port} -k {self.workdir} -c listen_addresses=127.0.0.1"
        return ["-o", options, "-l", str(self.workdir / "log")]

    def start(self) -> None:
        self._ctl(*self._options(), "start")

    def stop(self, *, check: bool = True) -> None:
        self._ctl("-m", "fast", "stop", check=check)

    def restart(self) -> None:
        self._ctl(*self._options(), "-m", "fast", "restart")


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """Start a PostgreSQL server from the installed server binaries; remove it afterwards."""
    candidates = sorted(glob("/usr/lib/postgresql/*/bin/initdb"))
    initdb = candidates[-1] if candidates else shutil.which("initdb")
    if not initdb:
        pytest.fail(
            "PostgreSQL server binaries not found (apt-get install postgresql; scripts/test does)",
            pytrace=False,
        )
    workdir = Path(tempfile.mkdtemp(prefix="slimstage-pg-", dir="/tmp"))
    prefix: tuple[str, ...] = ()
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(workdir, user.pw_uid, user.pw_gid)
        prefix = ("runuser", "-u", "postgres", "--")
    server = PostgresServer(Path(initdb).parent, workdir, free_port(), prefix)
    try:
        subprocess.run(
            [*prefix, initdb, "-D", str(workdir / "data"), "-U", "postgres", "--auth=trust"],
            check=True,
            capture_output=True,
        )
        server.start()
        yield server
    finally:
        server.stop(check=False)
        time.sleep(0.1)
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """A PostgreSQL server on 127.0.0.1 shared by the session: never stop or restart it."""
    with postgres_server() as server:
        yield Postgres(server.url, server.port)


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server of the test's own, to stop and restart without disturbing others."""
    with postgres_server() as server:
        yield server


# --- the demo images ---------------------------------------------------------------------------

#: Variants that cannot be built here: the seed's Alpine build (no Alpine package source).
UNBUILDABLE_DEMO_VARIANTS = ("newmultistage",)


@pytest.fixture(scope="session")
def demo_images(engine: Engine) -> Iterator[dict[str, str]]:
    """Every buildable Dockerfile in demo/, built once per session: variant name -> image tag.

    The images carry the test label and are removed when the session ends.
    """
    sweep = Sweeper(engine, uuid.uuid4().hex[:10])
    images: dict[str, str] = {}
    try:
        for variant in discover([DEMO], None):
            if variant.name in UNBUILDABLE_DEMO_VARIANTS:
                continue
            tag = sweep.tag(f"demo-{variant.name.lower()}")
            engine.build(
                dockerfile=variant.dockerfile,
                context=variant.context,
                tag=tag,
                labels=sweep.labels,
            )
            images[variant.name] = tag
        yield images
    finally:
        sweep.clean()


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `slimstage ARGS` as a user would, in a new process, capturing its output."""
    return subprocess.run(
        [sys.executable, "-m", "slimstage", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env=env,
    )
