"""`compare` and `analyze` against a second Docker engine, reached only over a private address.

The fixture starts its own dockerd in a network namespace of its own (a veth pair with addresses
that exist only on this machine; its own data root, exec root, pid file, bridge and settings
file), reached with DOCKER_HOST=tcp://ADDR:PORT. It has no images: the stand-in Python base is
streamed into it with `docker save | docker load`. Whatever happens, dockerd is stopped by its
pid and the namespace, the veth pair and every file are removed.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from slimstage.engine import Engine
from tests.conftest import run_cli

pytestmark = pytest.mark.engine

DOCKER = "/usr/bin/docker"
BASE = "python:3.13-slim"
PORT = 2375


@dataclass(frozen=True)
class Remote:
    host: str  # tcp://ADDR:PORT
    work: Path

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "DOCKER_HOST": self.host}

    def docker(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [DOCKER, *args], env=self.env, capture_output=True, text=True, check=False, timeout=120
        )


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True)


def _free_subnet() -> int:
    """An X for 10.213.X.0/30 that no interface of this machine uses."""
    used = subprocess.run(["ip", "-4", "addr"], capture_output=True, text=True, check=True).stdout
    for offset in range(250):
        candidate = (os.getpid() + offset) % 250 + 1
        if f"10.213.{candidate}." not in used:
            return candidate
    pytest.fail("no free 10.213.X.0/30 for the second engine's veth pair", pytrace=False)


def _our_processes(work: Path) -> list[int]:
    """Processes whose command line names WORK: dockerd's own containerd and its shims."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if str(work) in cmdline:
                found.append(int(entry.name))
    return found


def _stop(pid: int, wait: float) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _teardown(
    work: Path, namespace: str, host_veth: str, dockerd: subprocess.Popen[bytes] | None
) -> None:
    if dockerd is not None:
        # A dockerd that has built and run things can take long over a graceful stop; what is
        # left of it is ended below, by the paths only it uses.
        _stop(dockerd.pid, 5)
        dockerd.wait(timeout=30)
    for pid in _our_processes(work):
        _stop(pid, 5)
    mounts = [line.split()[1] for line in Path("/proc/mounts").read_text().splitlines()]
    for mount in sorted((m for m in mounts if m.startswith(str(work))), reverse=True):
        subprocess.run(["umount", "--lazy", mount], check=False, capture_output=True)
    subprocess.run(["ip", "netns", "delete", namespace], check=False, capture_output=True)
    subprocess.run(["ip", "link", "delete", host_veth], check=False, capture_output=True)
    shutil.rmtree(work, ignore_errors=True)


def _wait_for(remote: Remote, dockerd: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if dockerd.poll() is not None:
            break
        if remote.docker("version", "--format", "{{.Server.Version}}").returncode == 0:
            return
        time.sleep(0.5)
    pytest.fail(f"the second dockerd did not answer: {log.read_text()[-1500:]}", pytrace=False)


def _load_base(remote: Remote) -> None:
    """Stream the stand-in base from this engine into the other one (no registry involved)."""
    save = subprocess.Popen([DOCKER, "save", BASE], stdout=subprocess.PIPE)
    load = subprocess.run(
        [DOCKER, "load"],
        stdin=save.stdout,
        env=remote.env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert save.stdout is not None
    save.stdout.close()
    assert save.wait() == 0
    assert load.returncode == 0, load.stderr


@pytest.fixture(scope="module")
def remote(engine: Engine) -> Iterator[Remote]:
    if os.geteuid() != 0:
        pytest.fail(
            "the remote-engine test makes a network namespace: run it as root", pytrace=False
        )
    suffix = f"{os.getpid() % 100000}"
    namespace, host_veth, inner_veth, bridge = (
        f"ssre{suffix}",
        f"ssre{suffix}h",
        f"ssre{suffix}n",
        f"ssbr{suffix}",
    )
    subnet = _free_subnet()
    work = Path(tempfile.mkdtemp(prefix="slimstage-remote-", dir="/tmp"))
    dockerd: subprocess.Popen[bytes] | None = None
    try:
        _ip("netns", "add", namespace)
        _ip("link", "add", host_veth, "type", "veth", "peer", "name", inner_veth)
        _ip("link", "set", inner_veth, "netns", namespace)
        _ip("addr", "add", f"10.213.{subnet}.1/30", "dev", host_veth)
        _ip("link", "set", host_veth, "up")
        inside = ("-n", namespace)
        _ip(*inside, "addr", "add", f"10.213.{subnet}.2/30", "dev", inner_veth)
        _ip(*inside, "link", "set", inner_veth, "up")
        _ip(*inside, "link", "set", "lo", "up")
        # The engine's own bridge, inside the namespace only: docker0 is never touched.
        _ip(*inside, "link", "add", bridge, "type", "bridge")
        _ip(*inside, "addr", "add", f"10.214.{subnet}.1/24", "dev", bridge)
        _ip(*inside, "link", "set", bridge, "up")
        (work / "daemon.json").write_text("{}")
        log = work / "dockerd.log"
        address = f"10.213.{subnet}.2:{PORT}"
        with log.open("wb") as out:
            dockerd = subprocess.Popen(
                [
                    *("nsenter", f"--net=/run/netns/{namespace}", "dockerd"),
                    *("--config-file", str(work / "daemon.json"), "--host", f"tcp://{address}"),
                    *("--data-root", str(work / "data"), "--exec-root", str(work / "exec")),
                    *("--pidfile", str(work / "dockerd.pid"), "--bridge", bridge),
                    *("--iptables=false", "--ip-masq=false"),
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        remote = Remote(f"tcp://{address}", work)
        _wait_for(remote, dockerd, log)
        _load_base(remote)
        yield remote
    finally:
        _teardown(work, namespace, host_veth, dockerd)
    assert not Path(f"/run/netns/{namespace}").exists()


class _Decoy(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass(frozen=True)
class Run:
    returncode: int
    variants: dict[str, dict[str, Any]]
    stderr: str
    decoy_hits: list[str]


@pytest.fixture(scope="module")
def compared(remote: Remote, tmp_path_factory: pytest.TempPathFactory) -> Run:
    """One `compare` on the remote engine: a healthy image and one that never opens its port,
    both on the port a decoy answers on this machine's loopback; the images are kept there."""
    decoy = ThreadingHTTPServer(("127.0.0.1", 0), type("Decoy", (_Decoy,), {"hits": []}))
    threading.Thread(target=decoy.serve_forever, daemon=True).start()
    port = decoy.server_address[1]
    folder = tmp_path_factory.mktemp("remote")
    (folder / "Dockerfile").write_text(
        f'FROM {BASE}\nEXPOSE {port}\nCMD ["python", "-m", "http.server", "{port}"]\n'
    )
    (folder / "Dockerfile.silent").write_text(f'FROM {BASE}\nEXPOSE {port}\nCMD ["sleep", "600"]\n')
    try:
        done = run_cli(
            *("compare", str(folder), "--format", "json", "--no-warm", "--keep"),
            *("--smoke-timeout", "10", "--tag-prefix", "slimstage-remote"),
            *("--log-dir", str(folder / "logs")),
            env=remote.env,
        )
    finally:
        decoy.shutdown()
        decoy.server_close()
    hits = list(decoy.RequestHandlerClass.hits)  # type: ignore[attr-defined]
    variants = {v["name"]: v for v in json.loads(done.stdout)["variants"]} if done.stdout else {}
    return Run(done.returncode, variants, done.stderr, hits)


def test_a_healthy_image_passes_on_the_remote_engine(compared: Run) -> None:
    healthy = compared.variants["Dockerfile"]
    assert healthy["status"] == "ok", compared.stderr[-2000:]
    assert healthy["smoke"]["ok"] is True
    assert healthy["smoke"]["status"] == 200
    assert healthy["smoke"]["memory_bytes"] > 1_000_000
    assert 0 <= healthy["smoke"]["seconds_to_ready"] < 10


def test_an_image_that_never_opens_its_port_fails_despite_the_decoy(compared: Run) -> None:
    silent = compared.variants["silent"]
    assert silent["status"] == "failed"
    assert silent["smoke"]["ok"] is False
    assert "not ready within 10s: GET /: no answer" in silent["error"]
    assert compared.decoy_hits == []  # nothing was asked on this machine's loopback
    assert compared.returncode == 1
    assert "1 of 2 variants failed: silent" in compared.stderr


def test_analyze_reads_an_image_only_the_remote_engine_has(remote: Remote, compared: Run) -> None:
    image = compared.variants["Dockerfile"]["image"]
    assert remote.docker("image", "inspect", image).returncode == 0
    local = run_cli("analyze", image)
    assert local.returncode != 0  # not on this machine's engine
    done = run_cli("analyze", image, "--format", "json", env=remote.env)
    assert done.returncode == 0, done.stderr[-1500:]
    document = json.loads(done.stdout)
    assert document["size_bytes"] > 100_000_000
    assert any(p["name"].startswith("python3.13") for p in document["packages"]["os"])
    assert remote.docker("ps", "-aq").stdout.strip() == ""  # the run left no container there


def test_a_docker_context_reaches_the_same_engine(
    remote: Remote, compared: Run, tmp_path: Path
) -> None:
    config = tmp_path / "docker-config"  # a context of the test's own, not the user's
    env = {k: v for k, v in os.environ.items() if k != "DOCKER_HOST"}
    env["DOCKER_CONFIG"] = str(config)
    created = subprocess.run(
        [DOCKER, "context", "create", "slimstage-remote", "--docker", f"host={remote.host}"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert created.returncode == 0, created.stderr
    env["DOCKER_CONTEXT"] = "slimstage-remote"
    done = run_cli("analyze", compared.variants["Dockerfile"]["image"], "--format", "json", env=env)
    assert done.returncode == 0, done.stderr[-1500:]
    assert json.loads(done.stdout)["size_bytes"] > 100_000_000
