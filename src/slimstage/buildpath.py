"""Which docker CLI can build with BuildKit on this machine.

Docker CLIs from 23.0 on hand `docker build` to the buildx plugin and refuse BuildKit without it;
older ones (Debian's docker.io 20.10) have BuildKit built in behind DOCKER_BUILDKIT=1. The first
CLI on PATH is not always usable, so every `docker` on PATH is tried in order.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from slimstage import proc
from slimstage.errors import EngineUnavailable

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
