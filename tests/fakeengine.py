"""An engine double for compare's and the smoke test's own logic.

Builds are recorded; images are small archives written by tests.imagebuild (a base layer and
the image's own layer, the base's layer IDs known to inspect). Containers model what the smoke
test relies on: a probe container holds a "network namespace"; an app container that joins it
(`--network container:ID`) starts a real HTTP server on 127.0.0.1 and maps its container port
there; the probe container's output is the real probe (slimstage.compare.httpprobe) run against
that namespace. An app that "never opens its port" maps nothing, so the probe is refused.
"""

from __future__ import annotations

import hashlib
import io
import json
import socket
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any

from slimstage.compare import httpprobe
from slimstage.engineapi import BuildResult, RunSpec
from slimstage.errors import CommandFailed
from slimstage.proc import Result
from tests.imagebuild import ImageSpec, docker_classic, layer_tar

BASE_LAYER = [("file", "usr/lib/base.so", "b" * 3_000)]
OWN_LAYER = [
    ("file", "var/lib/dpkg/info/libfoo.list", "/usr/lib/libfoo.so\n"),
    ("file", "usr/lib/libfoo.so", "f" * 2_000),
    ("file", "app/app.py", "a" * 1_000),
]


@dataclass
class Behaviour:
    """How one image behaves when run."""

    status: int = 200  # what the app answers every request with
    exit_code: int | None = None  # set: the container exits at once with it
    exposed: str | None = "8000/tcp"
    listens: bool = True  # False: the app never opens its port
    needs_env: str | None = None  # the app answers 503 unless this variable is set


class _App(BaseHTTPRequestHandler):
    """A tiny guestbook: POST /api/messages stores a message, GET lists them."""

    behaviour = Behaviour()
    env: Mapping[str, str] = {}
    messages: list[str]

    def _answer(self, status: int, body: str) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _status(self) -> int:
        if self.behaviour.needs_env and self.behaviour.needs_env not in self.env:
            return 503
        return self.behaviour.status

    def do_GET(self) -> None:
        if self.path.startswith("/api/messages"):
            self._answer(self._status(), json.dumps({"messages": self.messages[::-1]}))
        else:
            self._answer(self._status(), "hello")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        text = json.loads(self.rfile.read(length) or b"{}").get("text", "")
        self.messages.append(text)
        self._answer(201 if self._status() == 200 else self._status(), json.dumps({"text": text}))

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class Namespace:
    """A network namespace held by a probe container: container port -> real local port."""

    ports: dict[int, int] = field(default_factory=dict)
    refused: int = 1

    def address(self, port: int) -> tuple[str, int]:
        return ("127.0.0.1", self.ports.get(port, self.refused))


@dataclass
class FakeContainer:
    id: str
    spec: RunSpec
    exit_code: int | None = None  # set: the container has exited with it
    removed: bool = False
    started_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())
    namespace: Namespace | None = None  # set for a probe container
    execs: list[Sequence[str]] = field(default_factory=list)
    exec_code: int = 0

    def state(self) -> dict[str, Any]:
        if self.removed:
            return {}
        running = self.exit_code is None
        return {"Running": running, "ExitCode": self.exit_code or 0, "StartedAt": self.started_at}

    def logs(self, *, tail: int = 20) -> str:
        return "app log line"

    def memory_bytes(self) -> int | None:
        return 25_000_000

    def exec(self, command: Sequence[str], *, timeout: float = 30) -> Result:
        self.execs.append(command)
        return Result(tuple(command), self.exec_code, "", "" if self.exec_code == 0 else "no")

    def follow(self, on_line: Callable[[str], None]) -> None:
        """A probe container's output: the real probe, run against its namespace."""
        if self.namespace is None or self.removed:
            return
        payload = json.loads(self.spec.command[2])
        httpprobe.run(
            payload, lambda event: on_line(httpprobe.line(event)), address=self.namespace.address
        )


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
    containers: list[FakeContainer] = field(default_factory=list)
    networks: list[str] = field(default_factory=list)
    sidecar_exec_code: int = 0
    interrupt_builds: bool = False
    _images: dict[str, str] = field(default_factory=dict)  # tag or id -> Dockerfile name
    _closed: socket.socket = field(default_factory=socket.socket)

    def __post_init__(self) -> None:
        self._closed.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused

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
        if on_line is not None:
            on_line("#5 [2/3] RUN make")
        if dockerfile.name in self.failing:
            log = self.failing[dockerfile.name]
            for line in log.splitlines():
                if on_line is not None:
                    on_line(line)
            raise CommandFailed(("docker", "build"), 1, log, "")
        image_id = f"sha256:{len(self.builds):064x}"
        self._images[tag] = self._images[image_id] = dockerfile.name
        self.present.add(tag)
        return BuildResult(image_id, 1.5 if no_cache else 0.25, "log")

    def _archive(self, layers: list[list[Any]]) -> Path:
        return docker_classic(
            self.tmp / "saved.tar",
            ImageSpec(layers, history=["FROM base", "RUN make"][: len(layers)]),
        )

    @staticmethod
    def base_diff_ids() -> list[str]:
        """The base image's layer IDs, as the saved images' first layer has them."""
        return ["sha256:" + hashlib.sha256(layer_tar(BASE_LAYER)).hexdigest()]

    def inspect_image(self, ref: str) -> dict[str, Any] | None:
        name = self._images.get(ref)
        if name is None:
            if ref in self.present:
                return {"Config": {}, "RootFS": {"Layers": self.base_diff_ids()}}
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
        yield io.BytesIO(self._archive([BASE_LAYER, OWN_LAYER]).read_bytes())

    @contextmanager
    def network(self, labels: Mapping[str, str]) -> Iterator[str]:
        name = f"net{len(self.networks)}"
        self.networks.append(name)
        try:
            yield name
        finally:
            self.networks.remove(name)

    def _namespace_of(self, spec: RunSpec) -> Namespace | None:
        holder_id = (spec.network or "").removeprefix("container:")
        for box in self.containers:
            if box.id == holder_id:
                return box.namespace
        return None

    def _serve(self, behaviour: Behaviour, env: Mapping[str, str]) -> ThreadingHTTPServer:
        handler = type("Handler", (_App,), {"behaviour": behaviour, "env": env, "messages": []})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server

    @contextmanager
    def container(self, spec: RunSpec) -> Iterator[FakeContainer]:
        self.started.append(spec)
        box = FakeContainer(f"c{len(self.started)}", spec)
        box.exec_code = self.sidecar_exec_code
        self.containers.append(box)
        server: ThreadingHTTPServer | None = None
        if spec.entrypoint == "python3" and spec.command[:1] == ["-c"]:
            box.namespace = Namespace(refused=self._closed.getsockname()[1])
        elif spec.image in self._images:
            behaviour = self.behaviours.get(self._images[spec.image], Behaviour())
            box.exit_code = behaviour.exit_code
            namespace = self._namespace_of(spec)
            if behaviour.exit_code is None and behaviour.listens and behaviour.exposed:
                server = self._serve(behaviour, spec.env)
                if namespace is not None:
                    port = int(behaviour.exposed.split("/")[0])
                    namespace.ports[port] = server.server_address[1]
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
