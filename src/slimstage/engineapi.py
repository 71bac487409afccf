"""What code above the engine depends on: the value types and protocols of slimstage.engine.

Features take a `ContainerEngine` rather than the real `Engine`, so their logic can be tested
with an engine double as well as against a real engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from slimstage.proc import Result

#: Label put on everything slimstage creates, so it can always be found and removed.
LABEL = "org.slimstage.managed"


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


@dataclass(frozen=True)
class RunSpec:
    """How to start a container: every container slimstage starts carries LABEL and these labels."""

    image: str
    labels: Mapping[str, str] = field(default_factory=dict)
    command: Sequence[str] = ()
    publish: Sequence[str] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    network: str | None = None  # a network's name, or "container:ID" to share ID's namespace
    network_aliases: Sequence[str] = ()
    user: str | None = None
    entrypoint: str | None = None

    def words(self, mode: str) -> list[str]:
        """The arguments of `docker run MODE ...`."""
        words = ["run", mode, "--label", f"{LABEL}=true"]
        for key, value in self.labels.items():
            words += ["--label", f"{key}={value}"]
        for spec in self.publish:
            words += ["--publish", spec]
        for key, value in self.env.items():
            words += ["--env", f"{key}={value}"]
        if self.network:
            words += ["--network", self.network]
        for alias in self.network_aliases:
            words += ["--network-alias", alias]
        if self.user:
            words += ["--user", self.user]
        if self.entrypoint is not None:
            words += ["--entrypoint", self.entrypoint]
        return [*words, self.image, *self.command]


class RunningContainer(Protocol):
    id: str

    def state(self) -> dict[str, Any]: ...
    def logs(self, *, tail: int = 20) -> str: ...
    def memory_bytes(self) -> int | None: ...
    def exec(self, command: Sequence[str], *, timeout: float = 30) -> Result: ...
    def follow(self, on_line: Callable[[str], None]) -> None: ...


class ImageBuilder(Protocol):
    """Building and inspecting images: what every feature that builds needs from an engine."""

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
    ) -> BuildResult: ...
    def inspect_image(self, ref: str) -> dict[str, Any] | None: ...


class ContainerEngine(ImageBuilder, Protocol):
    """What compare and its smoke tests need from an engine."""

    def saved(self, ref: str) -> AbstractContextManager[IO[bytes]]: ...
    def container(self, spec: RunSpec) -> AbstractContextManager[RunningContainer]: ...
    def network(self, labels: Mapping[str, str]) -> AbstractContextManager[str]: ...
    def remove_images(self, refs: Iterable[str]) -> None: ...
    def remove_labelled(self, label: str) -> None: ...
