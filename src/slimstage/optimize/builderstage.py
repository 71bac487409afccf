"""The builder stage of a rewrite: the original base, the original's package installs as written
(build tools included: this stage is not shipped), and its pip installs moved into a virtualenv
with pip's cache in a BuildKit cache mount.

Only the files pip needs are copied into the builder: the requirement files (so editing the app
does not re-run the install), or, for a local project (`pip install .`), what the original had
copied before installing it.
"""

from __future__ import annotations

import posixpath
import shlex
from pathlib import Path

from slimstage.optimize import runline
from slimstage.optimize.recipe import Recipe, Step

VENV = "/opt/venv"
PIP_CACHE = "--mount=type=cache,target=/root/.cache/pip"
# Flags a virtualenv install does without: --user fails in a venv, the cache is a mount now.
_DROPPED = {"--user", "--no-cache-dir", "--break-system-packages"}
_BUILDER_CONFIG = {"ARG", "ENV", "WORKDIR", "SHELL"}


def stage_name(recipe: Recipe, wanted: str) -> str:
    return wanted if wanted not in recipe.stage_names else f"slimstage-{wanted}"


def _pip_args(part: runline.Part) -> tuple[str, ...] | None:
    name, args = runline.program(part.words)
    return args if name == "pip" and args[:1] == ("install",) else None


def pip_files(step: Step) -> tuple[list[str], bool]:
    """The files a pip step reads (-r/-c, relative to its working folder), and whether it
    installs a local project or archive."""
    files: list[str] = []
    local = False
    for part in runline.split(" ".join(step.ins.value)):
        args = _pip_args(part) or ()
        wants_file = False
        for arg in args[1:]:
            if wants_file:
                files.append(arg)
                wants_file = False
            elif arg in ("-r", "--requirement", "-c", "--constraint"):
                wants_file = True
            elif arg.startswith(("--requirement=", "--constraint=")):
                files.append(arg.split("=", 1)[1])
            elif arg.startswith("-r") and len(arg) > 2 and not arg.startswith("--"):
                files.append(arg[2:])
            elif not arg.startswith("-") and _is_local(arg):
                local = True
    return files, local


def _is_local(arg: str) -> bool:
    return (
        arg in (".", "..")
        or arg.startswith(("./", "../", "/"))
        or arg.endswith((".whl", ".tar.gz", ".zip"))
    )


def venv_pip(step: Step) -> str:
    """The step's RUN with each `pip install` installing into the virtualenv."""
    parts = []
    for part in runline.split(" ".join(step.ins.value)):
        args = _pip_args(part)
        if args is not None and any(a in _DROPPED for a in args):
            kept = [w for w in part.words if w not in _DROPPED]
            part = runline.Part(shlex.join(kept), tuple(kept), part.operator)
        parts.append(part)
    flags = [f for f in step.ins.flags if "/root/.cache/pip" not in f] + [PIP_CACHE]
    return "RUN " + " \\\n    ".join(flags) + " \\\n    " + runline.join(parts)


def _copy_targets(step: Step, workdir: str, context: Path) -> list[tuple[str, str, str]]:
    """(context path, destination, kind) for each source of a COPY; kind is 'dir' or 'file'."""
    *sources, dest = step.ins.value
    dest_abs = posixpath.normpath(posixpath.join(workdir, dest))
    into_dir = dest.endswith("/") or len(sources) > 1 or dest in (".", "./")
    out = []
    for src in sources:
        if src in (".", "./") or (context / src).is_dir():
            out.append((src, dest_abs, "dir"))
        else:
            target = posixpath.join(dest_abs, posixpath.basename(src)) if into_dir else dest_abs
            out.append((src, target, "file"))
    return out


def requirement_copies(
    needed: list[str], copies: list[tuple[Step, str]], context: Path
) -> list[str] | None:
    """COPY lines that put the NEEDED container paths in place from the context, found through
    the original's COPYs (each with its working folder); None when one cannot be traced."""
    lines: list[str] = []
    for path in needed:
        found = None
        for step, workdir in reversed(copies):
            if step.ins.cmd != "COPY" or any(f.startswith("--chown") for f in step.ins.flags):
                continue
            for src, target, kind in _copy_targets(step, workdir, context):
                if kind == "file" and target == path:
                    found = (src, path)
                elif kind == "dir" and path.startswith(target.rstrip("/") + "/"):
                    inner = posixpath.normpath(posixpath.join(src, path[len(target) :].lstrip("/")))
                    if (context / inner).is_file():
                        found = (inner, path)
                if found:
                    break
            if found:
                break
        if found is None:
            return None
        lines.append(f"COPY {found[0]} {found[1]}")
    return list(dict.fromkeys(lines))


def _copies_for(
    step: Step, workdir: str, copies: list[tuple[Step, str]], emitted: set[str], context: Path
) -> list[str]:
    """The COPY lines a pip step needs that are not in the builder yet."""
    files, local = pip_files(step)
    needed = [posixpath.normpath(posixpath.join(workdir, f)) for f in files]
    traced = None if local else requirement_copies(needed, copies, context)
    if traced is None:  # a local project, or a file the copies do not explain: copy as the original
        traced = [s.source for s, _workdir in copies]
    fresh = [line for line in traced if line not in emitted]
    emitted.update(fresh)
    return fresh


def builder_stage(recipe: Recipe, context: Path) -> list[str]:
    """The builder stage's lines, up to the last pip install."""
    name = stage_name(recipe, "builder")
    lines = [
        "# --- builder: compilers, headers and pip work here; none of it reaches the final image",
        "# Built on the original base, so the virtualenv fits the final stage's interpreter.",
        f"FROM {recipe.base} AS {name}",
    ]
    pip_steps = [i for i, s in enumerate(recipe.steps) if s.pip]
    last = pip_steps[-1] if pip_steps else -1
    workdir, venv = "/", False
    copies: list[tuple[Step, str]] = []
    emitted: set[str] = set()
    for step in recipe.steps[: last + 1]:
        cmd = step.ins.cmd
        if cmd == "WORKDIR":
            workdir = posixpath.normpath(posixpath.join(workdir, step.ins.value[0]))
        if step.kind == "config" and cmd in _BUILDER_CONFIG:
            lines.append(step.source)
        elif step.kind == "copy":
            copies.append((step, workdir))
        elif step.pip:
            if not venv:
                lines += [
                    "",
                    "# A virtualenv is one self-contained folder: the final stage copies it whole.",
                    f"RUN python3 -m venv {VENV}",
                    f"ENV PATH={VENV}/bin:$PATH",
                ]
                venv = True
            lines += ["", *_copies_for(step, workdir, copies, emitted, context)]
            lines += [
                "# pip's cache in a cache mount: out of the layer, reused by the next build.",
                venv_pip(step),
            ]
        elif step.packages:
            lines += [
                "",
                "# The original's packages, build-only ones included: they stay in this stage.",
                step.source,
            ]
    return lines
