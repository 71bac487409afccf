"""An engine double for compare's and the smoke test's own logic: builds are recorded, images
are small archives written by tests.imagebuild, and a "container" is a real HTTP server on
127.0.0.1 (or none), so the smoke test's polling and timing run for real."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any

from slimstage.engine import BuildResult, RunSpec
from slimstage.errors import CommandFailed
from tests.imagebuild import ImageSpec, docker_classic


class _Answer(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        self.send_response(self.status)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class FakeContainer:
    id: str
    port: int | None  # where the "app" answers; None: it never opens a port
    exit_code: int | None = None  # set: the container has exited with it
    removed: bool = False

    def state(self) -> dict[str, Any]:
        if self.removed:
            return {}
        running = self.exit_code is None
        return {"Running": running, "ExitCode": self.exit_code or 0}

    def logs(self, *, tail: int = 20) -> str:
        return "app log line"

    def memory_bytes(self) -> int | None:
        return 25_000_000

    def host_port(self, container_port: str) -> int:
        if self.port is None:
            raise CommandFailed(("docker", "port"), 1, "", "no public port")
        return self.port


@dataclass
class Behaviour:
    """How one image behaves when run: an HTTP status to answer with, or an exit code."""

    status: int | None = 200
    exit_code: int | None = None
    exposed: str | None = "8000/tcp"


@dataclass
class FakeEngine:
    tmp: Path
    present: set[str] = field(default_factory=lambda: {"python:3.13-slim"})
    failing: dict[str, str] = field(default_factory=dict)  # Dockerfile name -> build log
    behaviours: dict[str, Behaviour] = field(default_factory=dict)  # Dockerfile name -> ...
    builds: list[dict[str, Any]] = field(default_factory=list)
    removed_images: list[str] = field(default_factory=list)
    removed_labels: list[str] = field(default_factory=list)
    started: list[RunSpec] = field(default_factory=list)
    interrupt_builds: bool = False
    _images: dict[str, str] = field(default_factory=dict)  # tag or id -> Dockerfile name

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
        self.builds.append(
            {"dockerfile": dockerfile.name, "tag": tag, "no_cache": no_cache, "target": target}
        )
        if self.interrupt_builds:
            raise KeyboardInterrupt
        if dockerfile.name in self.failing:
            raise CommandFailed(("docker", "build"), 1, self.failing[dockerfile.name], "")
        image_id = f"sha256:{len(self.builds):064x}"
        self._images[tag] = self._images[image_id] = dockerfile.name
        return BuildResult(image_id, 1.5 if no_cache else 0.25, "log")

    def inspect_image(self, ref: str) -> dict[str, Any] | None:
        if ref in self.present:
            return {"Config": {}}
        name = self._images.get(ref)
        if name is None:
            return None
        behaviour = self.behaviours.get(name, Behaviour())
        exposed: dict[str, object] = {behaviour.exposed: {}} if behaviour.exposed else {}
        labels = {"org.slimstage.stand-in": "true"}
        return {
            "Size": 123_000_000,
            "RootFS": {"Layers": ["a", "b"]},
            "Config": {"ExposedPorts": exposed, "Labels": labels},
        }

    @contextmanager
    def saved(self, ref: str) -> Iterator[IO[bytes]]:
        path = docker_classic(self.tmp / "saved.tar", ImageSpec([[("file", "a", "a" * 10_000)]]))
        yield io.BytesIO(path.read_bytes())

    @contextmanager
    def container(self, spec: RunSpec) -> Iterator[FakeContainer]:
        self.started.append(spec)
        behaviour = self.behaviours.get(self._images.get(spec.image, ""), Behaviour())
        server: ThreadingHTTPServer | None = None
        if behaviour.status is not None and behaviour.exit_code is None:
            handler = type("Handler", (_Answer,), {"status": behaviour.status})
            server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
            threading.Thread(target=server.serve_forever, daemon=True).start()
        box = FakeContainer("c1", server.server_address[1] if server else None, behaviour.exit_code)
        try:
            yield box
        finally:
            box.removed = True
            if server is not None:
                server.shutdown()
                server.server_close()

    def remove_images(self, refs: Iterable[str]) -> None:
        self.removed_images += list(refs)

    def remove_labelled(self, label: str) -> None:
        self.removed_labels.append(label)
