"""The one class that talks to the container engine (Docker with BuildKit).

slimstage drives the docker CLI rather than the engine's socket so that DOCKER_HOST, docker
contexts and the user's CLI configuration all apply as they do for `docker` itself.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slimstage import proc
from slimstage.errors import CommandFailed, EngineUnavailable

#: Label put on everything slimstage creates, so it can always be found and removed.
LABEL = "org.slimstage.managed"

#: Docker CLIs from 23.0 on hand `docker build` to the buildx plugin and refuse BuildKit without it.
_FIRST_CLI_NEEDING_BUILDX = 23


@dataclass(frozen=True)
class BuildPath:
    """How this machine builds with BuildKit."""

    cli: str
    mode: str  # "buildx" or "builtin"
    client_version: str

    def describe(self) -> str:
        if self.mode == "buildx":
            return f"{self.cli} buildx build (client {self.client_version})"
        return (
            f"DOCKER_BUILDKIT=1 {self.cli} build (client {self.client_version}, built-in BuildKit)"
        )


@dataclass(frozen=True)
class BuildResult:
    image_id: str
    seconds: float
    log: str


@dataclass(frozen=True)
class ServerInfo:
    version: str
    storage_driver: str
    os: str
    architecture: str


def _major(version: str) -> int:
    match = re.match(r"(\d+)", version)
    return int(match.group(1)) if match else 0


def _docker_candidates(path_env: str | None) -> list[str]:
    forced = os.environ.get("SLIMSTAGE_DOCKER")
    if forced:
        return [forced]
    seen: set[str] = set()
    found: list[str] = []
    for directory in (path_env or "").split(os.pathsep):
        candidate = os.path.join(directory, "docker")
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            real = os.path.realpath(candidate)
            if real not in seen:
                seen.add(real)
                found.append(candidate)
    return found


def find_build_path(path_env: str | None = None) -> BuildPath:
    """Pick a docker CLI that can build with BuildKit, or say plainly that there is none."""
    candidates = _docker_candidates(path_env if path_env is not None else os.environ.get("PATH"))
    if not candidates:
        raise EngineUnavailable(
            "no docker CLI found on PATH", fix="run scripts/ensure-docker, or install docker"
        )
    refused: list[str] = []
    for cli in candidates:
        version = proc.run([cli, "version", "--format", "{{.Client.Version}}"], check=False)
        client_version = version.stdout.strip().splitlines()[0] if version.stdout.strip() else "?"
        if proc.run([cli, "buildx", "version"], check=False, timeout=30).returncode == 0:
            return BuildPath(cli, "buildx", client_version)
        if 0 < _major(client_version) < _FIRST_CLI_NEEDING_BUILDX:
            return BuildPath(cli, "builtin", client_version)
        refused.append(f"{cli} {client_version} has no buildx plugin")
    raise EngineUnavailable(
        "no BuildKit-capable docker CLI: " + "; ".join(refused),
        fix="install the buildx plugin (Debian: apt-get install docker-buildx) "
        "or a docker CLI older than 23 with built-in BuildKit (Debian: docker.io 20.10)",
    )


class Engine:
    """A Docker engine reached through one docker CLI."""

    def __init__(self, build_path: BuildPath) -> None:
        self.build_path = build_path
        self.cli = build_path.cli

    @classmethod
    def connect(cls, *, timeout: float = 20) -> Engine:
        """Find a BuildKit build path and check that the engine answers."""
        engine = cls(find_build_path())
        engine.server_info(timeout=timeout)
        return engine

    # -- engine facts ---------------------------------------------------------------------------

    def server_info(self, *, timeout: float = 20) -> ServerInfo:
        try:
            result = proc.run(
                [self.cli, "info", "--format", "{{json .}}"], timeout=timeout, check=False
            )
        except CommandFailed as exc:  # timed out
            raise EngineUnavailable(
                f"the container engine did not answer within {timeout:.0f}s",
                fix="start it with scripts/ensure-docker",
            ) from exc
        data: dict[str, Any] = {}
        if result.returncode == 0 and result.stdout.strip():
            data = json.loads(result.stdout)
        if result.returncode != 0 or not data.get("ServerVersion"):
            where = os.environ.get("DOCKER_HOST") or "the default docker context"
            reason = (result.stderr.strip() or result.stdout.strip()).splitlines()
            detail = reason[-1] if reason else "no answer"
            raise EngineUnavailable(
                f"no container engine answers at {where}: {detail}",
                fix="start it with scripts/ensure-docker (or set DOCKER_HOST)",
            )
        return ServerInfo(
            version=str(data.get("ServerVersion")),
            storage_driver=str(data.get("Driver", "?")),
            os=str(data.get("OperatingSystem", "?")),
            architecture=str(data.get("Architecture", "?")),
        )

    # -- images ---------------------------------------------------------------------------------

    def inspect_image(self, ref: str) -> dict[str, Any] | None:
        result = proc.run([self.cli, "image", "inspect", ref], check=False)
        if result.returncode != 0:
            return None
        items: list[dict[str, Any]] = json.loads(result.stdout)
        return items[0] if items else None

    def image_labels(self, ref: str) -> dict[str, str]:
        data = self.inspect_image(ref)
        if data is None:
            return {}
        labels = (data.get("Config") or {}).get("Labels") or {}
        return {str(k): str(v) for k, v in labels.items()}

    def remove_images(self, refs: Iterable[str]) -> None:
        refs = list(refs)
        if refs:
            proc.run([self.cli, "image", "rm", "--force", *refs], check=False)

    def images_with_label(self, label: str) -> list[str]:
        result = proc.run(
            [self.cli, "image", "ls", "--quiet", "--no-trunc", "--filter", f"label={label}"],
            check=False,
        )
        return sorted(set(result.stdout.split()))

    def build(
        self,
        *,
        dockerfile: Path,
        context: Path,
        tag: str,
        labels: Mapping[str, str] | None = None,
        build_args: Mapping[str, str] | None = None,
        target: str | None = None,
        no_cache: bool = False,
        on_line: Callable[[str], None] | None = None,
    ) -> BuildResult:
        """Build an image with BuildKit; raise CommandFailed (with the log) when it fails."""
        with tempfile.TemporaryDirectory(prefix="slimstage-build-") as tmp:
            iidfile = Path(tmp) / "iid"
            cmd = [self.cli, *self._build_words(), "--progress=plain", "--iidfile", str(iidfile)]
            cmd += ["--file", str(dockerfile), "--tag", tag, "--label", f"{LABEL}=true"]
            for key, value in (labels or {}).items():
                cmd += ["--label", f"{key}={value}"]
            for key, value in (build_args or {}).items():
                cmd += ["--build-arg", f"{key}={value}"]
            if target:
                cmd += ["--target", target]
            if no_cache:
                cmd.append("--no-cache")
            cmd.append(str(context))
            started = time.monotonic()
            result = proc.stream(
                cmd, on_line=on_line or (lambda _line: None), env=self._build_env()
            )
            seconds = time.monotonic() - started
            image_id = iidfile.read_text().strip() if iidfile.exists() else ""
        return BuildResult(image_id=image_id, seconds=seconds, log=result.stdout)

    def _build_words(self) -> list[str]:
        if self.build_path.mode == "buildx":
            return ["buildx", "build", "--load"]
        return ["build"]

    def _build_env(self) -> dict[str, str]:
        return {"DOCKER_BUILDKIT": "1"} if self.build_path.mode == "builtin" else {}

    def import_rootfs(self, tarball: Path, *, tag: str, changes: Sequence[str]) -> str:
        cmd = [self.cli, "import"]
        for change in changes:
            cmd += ["--change", change]
        cmd += [str(tarball), tag]
        return proc.run(cmd).stdout.strip()

    def save(self, ref: str) -> subprocess.Popen[bytes]:
        """Start `docker save`; the caller streams the archive from stdout."""
        return proc.open_stdout([self.cli, "save", ref])

    # -- containers -----------------------------------------------------------------------------

    def _run_command(
        self,
        mode: str,
        image: str,
        command: Sequence[str],
        *,
        labels: Mapping[str, str],
        publish: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
        network: str | None = None,
        user: str | None = None,
        entrypoint: str | None = None,
    ) -> list[str]:
        """`docker run MODE ...`: every container slimstage starts carries its label."""
        cmd = [self.cli, "run", mode, "--label", f"{LABEL}=true"]
        for key, value in labels.items():
            cmd += ["--label", f"{key}={value}"]
        for spec in publish:
            cmd += ["--publish", spec]
        for key, value in (env or {}).items():
            cmd += ["--env", f"{key}={value}"]
        if network:
            cmd += ["--network", network]
        if user:
            cmd += ["--user", user]
        if entrypoint is not None:
            cmd += ["--entrypoint", entrypoint]
        return [*cmd, image, *command]

    def run_detached(
        self,
        image: str,
        *,
        labels: Mapping[str, str],
        publish: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
        network: str | None = None,
        command: Sequence[str] = (),
        user: str | None = None,
        entrypoint: str | None = None,
    ) -> str:
        cmd = self._run_command(
            "--detach",
            image,
            command,
            labels=labels,
            publish=publish,
            env=env,
            network=network,
            user=user,
            entrypoint=entrypoint,
        )
        return proc.run(cmd).stdout.strip()

    def run_once(
        self,
        image: str,
        command: Sequence[str],
        *,
        labels: Mapping[str, str],
        entrypoint: str | None = None,
        network: str | None = None,
        env: Mapping[str, str] | None = None,
        user: str | None = None,
        timeout: float = 300,
    ) -> proc.Result:
        """Run a command in a throw-away container and return what it printed."""
        cmd = self._run_command(
            "--rm",
            image,
            command,
            labels=labels,
            env=env,
            network=network,
            user=user,
            entrypoint=entrypoint,
        )
        return proc.run(cmd, check=False, timeout=timeout)

    def container_state(self, container: str) -> dict[str, Any]:
        result = proc.run(
            [self.cli, "container", "inspect", "--format", "{{json .State}}", container],
            check=False,
        )
        if result.returncode != 0:
            return {}
        state: dict[str, Any] = json.loads(result.stdout)
        return state

    def host_port(self, container: str, container_port: str) -> int:
        out = proc.run([self.cli, "port", container, container_port]).stdout
        for line in out.splitlines():
            host, _, port = line.strip().rpartition(":")
            if host in ("127.0.0.1", "0.0.0.0") and port.isdigit():
                return int(port)
        raise CommandFailed((self.cli, "port", container, container_port), 0, out, "no port")

    def memory_bytes(self, container: str) -> int | None:
        result = proc.run(
            [self.cli, "stats", "--no-stream", "--format", "{{.MemUsage}}", container],
            check=False,
            timeout=30,
        )
        if result.returncode != 0:
            return None
        return parse_mem_usage(result.stdout)

    def logs(self, container: str, *, tail: int = 20) -> str:
        result = proc.run([self.cli, "logs", "--tail", str(tail), container], check=False)
        return (result.stdout + result.stderr).strip()

    def remove_containers(self, containers: Iterable[str]) -> None:
        ids = list(containers)
        if ids:
            proc.run([self.cli, "rm", "--force", "--volumes", *ids], check=False)

    def containers_with_label(self, label: str) -> list[str]:
        result = proc.run(
            [self.cli, "ps", "--all", "--quiet", "--no-trunc", "--filter", f"label={label}"],
            check=False,
        )
        return result.stdout.split()


_UNITS = {
    "B": 1,
    "KIB": 1024,
    "MIB": 1024**2,
    "GIB": 1024**3,
    "KB": 1000,
    "MB": 1000**2,
    "GB": 1000**3,
}


def parse_mem_usage(text: str) -> int | None:
    """Parse the used part of `docker stats` MemUsage, e.g. '12.5MiB / 23.4GiB'."""
    used = text.strip().split("/")[0].strip()
    match = re.fullmatch(r"([\d.]+)\s*([A-Za-z]+)", used)
    if not match:
        return None
    unit = _UNITS.get(match.group(2).upper())
    if unit is None:
        return None
    return int(float(match.group(1)) * unit)


def which(name: str) -> str | None:
    return shutil.which(name)
