"""Look inside an image with its own interpreter: run probe.py (with elf.py) in a throw-away
container and read its JSON answer.

A container of the image itself is the fast way in: it starts in a few tenths of a second, reads
only the files it needs, and exports nothing (`docker save` of a builder image with a compiler is
hundreds of MB; scripts/bench-optimize measures both).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from slimstage.engine import Engine, RunSpec
from slimstage.errors import CannotOptimize

_FUTURE = "from __future__ import annotations\n"


@dataclass(frozen=True)
class PackageInfo:
    depends: tuple[str, ...]
    essential: bool
    size_kb: int
    libs: tuple[str, ...]  # shared library file names it ships
    programs: tuple[str, ...]  # program names it ships in a bin folder


@dataclass(frozen=True)
class Need:
    soname: str
    bundled: bool  # found inside the virtualenv (a wheel's *.libs/)
    path: str | None  # where the builder's loader finds it
    package: str | None  # the package that owns that file


@dataclass(frozen=True)
class SharedObject:
    file: str  # relative to the virtualenv
    needs: tuple[Need, ...]


@dataclass(frozen=True)
class ImageSurvey:
    version: str
    executable: str
    os: str
    codename: str
    tools: Mapping[str, bool]
    manager: str | None  # dpkg, apk or None
    packages: Mapping[str, PackageInfo]
    library_files: frozenset[str]
    venv: tuple[SharedObject, ...] | None

    @property
    def interpreter(self) -> str:
        return f"Python {self.version} ({self.executable})"


def script() -> str:
    """The probe as one Python program: elf.py, then probe.py, then the call."""
    folder = resources.files("slimstage.optimize")
    sources = [folder.joinpath(n).read_text() for n in ("elf.py", "probe.py")]
    body = "\n".join(s.replace(_FUTURE, "", 1) for s in sources)
    return f"{_FUTURE}{body}\nmain(dynamic_of)\n"


def parse(document: Mapping[str, Any]) -> ImageSurvey:
    packages = {
        name: PackageInfo(
            tuple(info["depends"]),
            bool(info["essential"]),
            int(info["size_kb"]),
            tuple(info.get("libs", ())),
            tuple(info.get("programs", ())),
        )
        for name, info in document["packages"].items()
    }
    venv = document.get("venv")
    objects = None
    if venv is not None:
        objects = tuple(SharedObject(o["file"], tuple(Need(**n) for n in o["needs"])) for o in venv)
    found = document["interpreter"]
    return ImageSurvey(
        version=found["version"],
        executable=found["executable"],
        os=found["os"],
        codename=found["codename"],
        tools=dict(document["tools"]),
        manager=document.get("manager"),
        packages=packages,
        library_files=frozenset(document["library_files"]),
        venv=objects,
    )


def survey_image(
    engine: Engine,
    image: str,
    *,
    venv: str | None,
    labels: Mapping[str, str],
    python: str = "python3",
) -> ImageSurvey:
    """Run the probe in IMAGE with its PYTHON; VENV is the virtualenv to read, if any."""
    spec = RunSpec(
        image,
        labels=labels,
        command=["-c", script(), venv or ""],
        network="none",
        user="0",
        entrypoint=python,
    )
    result = engine.run_once(spec, timeout=120)
    if result.returncode != 0:
        tail = (result.stderr.strip() or result.stdout.strip()).splitlines()[-1:] or ["no output"]
        raise CannotOptimize(f"cannot look inside {image} with {python}: {tail[0]}")
    return parse(json.loads(result.stdout))
