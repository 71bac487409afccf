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

from slimstage.bases import catalog
from slimstage.compare.run import VariantResult, compare_variants
from slimstage.compare.variants import discover
from slimstage.engine import Engine
from slimstage.errors import SlimstageError
from slimstage.options import CompareOptions

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "demo"
DEMO_SETTINGS = DEMO / ".slimstage.toml"
TEST_LABEL = "org.slimstage.test"


@pytest.fixture(scope="session")
def engine() -> Engine:
    try:
        found = Engine.connect()
    except SlimstageError as exc:
        pytest.fail(f"engine tests need a Docker engine with BuildKit: {exc}", pytrace=False)
    release = catalog.release_named(None)
    missing = [row.tag for row in catalog.status(found, release) if not row.present]
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
        self.engine.remove_labelled(selector)
        self.engine.remove_images(self.engine.images_with_label(selector))


@pytest.fixture
def sweeper(engine: Engine) -> Iterator[Sweeper]:
    sweep = Sweeper(engine, uuid.uuid4().hex[:10])
    try:
        yield sweep
    finally:
        sweep.clean()


@pytest.fixture(scope="session")
def demo_comparison(
    engine: Engine, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, VariantResult]]:
    """One real `compare` of demo/, shared by every test that needs the demo's images; the
    images are kept for the session and removed at its end."""
    prefix = f"slimstage-test-{uuid.uuid4().hex[:8]}"
    # The demo's own smoke test: every variant stores and reads a message through PostgreSQL.
    options = CompareOptions(
        keep=True,
        tag_prefix=prefix,
        jobs=2,
        config=DEMO_SETTINGS,
        log_dir=tmp_path_factory.mktemp("demo-build-logs"),
    )
    results = compare_variants(engine, discover([DEMO], None), options)
    try:
        yield {r.name: r for r in results}
    finally:
        engine.remove_images([r.image for r in results if r.image])


@pytest.fixture(scope="session")
def demo_images(demo_comparison: dict[str, VariantResult]) -> dict[str, str]:
    """Variant name -> image tag, for every demo Dockerfile that builds here."""
    return {name: r.image for name, r in demo_comparison.items() if r.image}


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


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Where the screenshots of the reports opened in Chromium are (tests/browser.py)."""
    from tests.browser import KEPT

    for shot in KEPT:
        terminalreporter.write_line(f"report screenshot kept: {shot}")


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
