"""SS204: a virtualenv copied between stages with different Pythons.

A virtualenv points at the interpreter that made it (`home` in pyvenv.cfg) and holds extension
modules built for its version. Copied into a stage whose base has another Python version, or the
same version at another path (python:3.13-slim has /usr/local/bin/python3.13, Debian's python3
/usr/bin/python3.13), it fails at start. Build and run on bases with the same Python.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from slimstage.dockerfile import Instruction
from slimstage.lint.rule import Context, Rule, Severity

DEBIAN_PYTHON = {"bookworm": "3.11", "12": "3.11", "trixie": "3.13", "13": "3.13"}


def python_of(image: str | None) -> tuple[str, str] | None:
    """(where Python lives, version) for bases whose Python is known; None otherwise."""
    if not image:
        return None
    name, _, tag = image.partition("@")[0].rpartition(":") if ":" in image else (image, "", "")
    repo = name.rsplit("/", 1)[-1]
    if repo == "python" and name in ("python", "library/python", "docker.io/library/python"):
        match = re.match(r"(\d+\.\d+)", tag)
        return ("/usr/local", match.group(1)) if match else None
    if name == "slimstage/python":
        match = re.match(r"(\d+\.\d+)", tag)
        return ("/usr", match.group(1)) if match else None
    if repo == "debian" or repo.startswith("python3-debian"):
        key = repo.removeprefix("python3-debian") if repo != "debian" else tag.split("-")[0]
        version = DEBIAN_PYTHON.get(key)
        return ("/usr", version) if version else None
    return None


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    df = ctx.dockerfile
    for stage in df.stages:
        runs_on = python_of(df.external_base(stage))
        for ins in stage.instructions:
            source = df.stage_named(ins.flag("from") or "") if ins.cmd == "COPY" else None
            if source is None or not any("venv" in src for src in ins.value[:-1]):
                continue
            built_on = python_of(df.external_base(source))
            if runs_on and built_on and runs_on != built_on:
                yield (
                    ins,
                    (
                        f"virtualenv built with Python {built_on[1]} in {built_on[0]} "
                        f"({df.external_base(source)}) runs on Python {runs_on[1]} in {runs_on[0]} "
                        f"({df.external_base(stage)})"
                    ),
                )


RULE = Rule("SS204", Severity.ERROR, "Virtualenv copied across Python builds", check)
