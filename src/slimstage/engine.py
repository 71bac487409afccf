"""The only code that talks to the container engine (Docker with BuildKit).

It drives the docker CLI, not the socket, so DOCKER_HOST, contexts and the CLI's configuration
apply as for `docker`. What it starts it owns: `saved()` and `container()` are context managers
that wait for or remove what they started. Code above depends on the ContainerEngine protocol.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import IO, Any

from slimstage import proc
from slimstage.buildpath import BuildPath, find_build_path
from slimstage.engineapi import LABEL as LABEL
from slimstage.engineapi import BuildResult as BuildResult
from slimstage.engineapi import ContainerEngine as ContainerEngine
from slimstage.engineapi import RunningContainer as RunningContainer
from slimstage.engineapi import RunSpec as RunSpec
from slimstage.engineapi import ServerInfo as ServerInfo
from slimstage.errors import CommandFailed, EngineUnavailable
from slimstage.units import parse_mem_usage


class Container:
    """A container started by Engine.container(), alive until the `with` block ends."""

    def __init__(self, cli: str, container_id: str) -> None:
        self.cli = cli
        self.id = container_id

    def state(self) -> dict[str, Any]:
        """`docker inspect`'s State; empty when the container is gone."""
        fmt = "{{json .State}}"
        result = proc.run([self.cli, "container", "inspect", "--format", fmt, self.id], check=False)
        if result.returncode != 0:
            return {}
        state: dict[str, Any] = json.loads(result.stdout)
        return state

    def logs(self, *, tail: int = 20) -> str:
        result = proc.run([self.cli, "logs", "--tail", str(tail), self.id], check=False)
        return (result.stdout + result.stderr).strip()

    def memory_bytes(self) -> int | None:
        fmt = "{{.MemUsage}}"
        result = proc.run(
            [self.cli, "stats", "--no-stream", "--format", fmt, self.id], check=False, timeout=30
        )
        return parse_mem_usage(result.stdout) if result.returncode == 0 else None

    def host_port(self, container_port: str) -> int:
        """The loopback port a published CONTAINER_PORT ('5000/tcp') is reachable on."""
        out = proc.run([self.cli, "port", self.id, container_port]).stdout
        for line in out.splitlines():
            host, _, port = line.strip().rpartition(":")
            if host in ("127.0.0.1", "0.0.0.0") and port.isdigit():
                return int(port)
        raise CommandFailed((self.cli, "port", self.id, container_port), 0, out, "no port")

    def exec(self, command: Sequence[str], *, timeout: float = 30) -> proc.Result:
        """Run COMMAND inside the container (`docker exec`) and return what it printed."""
        return proc.run([self.cli, "exec", self.id, *command], check=False, timeout=timeout)

    def follow(self, on_line: Callable[[str], None]) -> None:
        """Hand each line the container prints to ON_LINE until it exits or is removed."""
        proc.stream([self.cli, "logs", "--follow", self.id], on_line=on_line, check=False)


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

    def server_info(self, *, timeout: float = 20) -> ServerInfo:
        try:
            cmd = [self.cli, "info", "--format", "{{json .}}"]
            result = proc.run(cmd, timeout=timeout, check=False)
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
        labels = ((data or {}).get("Config") or {}).get("Labels") or {}
        return {str(k): str(v) for k, v in labels.items()}

    def tag(self, ref: str, new_tag: str) -> None:
        proc.run([self.cli, "tag", ref, new_tag])

    def remove_images(self, refs: Iterable[str]) -> None:
        refs = list(refs)
        if refs:
            proc.run([self.cli, "image", "rm", "--force", *refs], check=False)

    def remove_if_unused(self, image_id: str) -> bool:
        """Remove an image unless a container or another tag still uses it (no --force)."""
        return proc.run([self.cli, "image", "rm", image_id], check=False).returncode == 0

    def images_with_label(self, label: str) -> list[str]:
        cmd = [self.cli, "image", "ls", "--quiet", "--no-trunc", "--filter", f"label={label}"]
        return sorted(set(proc.run(cmd, check=False).stdout.split()))

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
            env = {"DOCKER_BUILDKIT": "1"} if self.build_path.mode == "builtin" else {}
            result = proc.stream(cmd, on_line=on_line or (lambda _line: None), env=env)
            seconds = time.monotonic() - started
            image_id = iidfile.read_text().strip() if iidfile.exists() else ""
        return BuildResult(image_id=image_id, seconds=seconds, log=result.stdout)

    def _build_words(self) -> list[str]:
        return ["buildx", "build", "--load"] if self.build_path.mode == "buildx" else ["build"]

    def import_rootfs(self, tarball: Path, *, tag: str, changes: Sequence[str]) -> str:
        cmd = [self.cli, "import"]
        for change in changes:
            cmd += ["--change", change]
        return proc.run([*cmd, str(tarball), tag]).stdout.strip()

    def saved(self, ref: str) -> AbstractContextManager[IO[bytes]]:
        """`with engine.saved(ref) as stream:` the image as a `docker save` archive stream."""
        return proc.reading([self.cli, "save", ref])

    # -- containers -----------------------------------------------------------------------------

    @contextmanager
    def container(self, spec: RunSpec) -> Iterator[Container]:
        """Start a container in the background; it is removed when the block ends, whatever
        happens (Ctrl-C included)."""
        container_id = proc.run([self.cli, *spec.words("--detach")]).stdout.strip()
        try:
            yield Container(self.cli, container_id)
        finally:
            self.remove_containers([container_id])

    def run_once(self, spec: RunSpec, *, timeout: float = 300) -> proc.Result:
        """Run a command in a throw-away container and return what it printed.

        A container outlives a killed `docker run` client, so on a timeout it is removed by name.
        """
        name = f"slimstage-once-{uuid.uuid4().hex[:12]}"
        words = spec.words("--rm")
        try:
            return proc.run(
                [self.cli, words[0], "--name", name, *words[1:]], check=False, timeout=timeout
            )
        except BaseException:
            self.remove_containers([name])
            raise

    def remove_containers(self, containers: Iterable[str]) -> None:
        ids = list(containers)
        if ids:
            proc.run([self.cli, "rm", "--force", "--volumes", *ids], check=False)

    def containers_with_label(self, label: str) -> list[str]:
        cmd = [self.cli, "ps", "--all", "--quiet", "--no-trunc", "--filter", f"label={label}"]
        return proc.run(cmd, check=False).stdout.split()

    def remove_labelled(self, label: str) -> None:
        """Remove every container and network carrying LABEL ('key=value'): the safety net."""
        self.remove_containers(self.containers_with_label(label))
        cmd = [self.cli, "network", "ls", "--quiet", "--filter", f"label={label}"]
        networks = proc.run(cmd, check=False).stdout.split()
        if networks:
            proc.run([self.cli, "network", "rm", *networks], check=False)

    @contextmanager
    def network(self, labels: Mapping[str, str]) -> Iterator[str]:
        """A new bridge network (its name) for containers that must reach each other by name;
        removed when the block ends, after the containers started inside the block."""
        name = f"slimstage-{uuid.uuid4().hex[:12]}"
        cmd = [self.cli, "network", "create", "--label", f"{LABEL}=true"]
        for key, value in labels.items():
            cmd += ["--label", f"{key}={value}"]
        proc.run([*cmd, name])
        try:
            yield name
        finally:
            proc.run([self.cli, "network", "rm", name], check=False)
