"""What runs at run time, as text: the start and health-check commands, and the app's own files
(those the original copies from the build context), so classify can see which programs of the
installed packages the app calls."""

from __future__ import annotations

import glob
import os
from pathlib import Path

from slimstage.optimize.recipe import Recipe

MAX_FILES = 2000
MAX_BYTES = 1 << 20
_SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".mypy_cache", ".tox"}


def _files(context: Path, source: str) -> list[Path]:
    matches = glob.glob(str(context / source)) if any(c in source for c in "*?[") else []
    paths = [Path(m) for m in matches] or [context / source]
    out: list[Path] = []
    for path in paths:
        if path.is_file():
            out.append(path)
        elif path.is_dir():
            for folder, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
                out += [Path(folder) / n for n in sorted(names)]
    return out


def _text(path: Path) -> str | None:
    try:
        if path.stat().st_size > MAX_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    if b"\0" in data[:4096]:
        return None
    return data.decode("utf-8", "replace")


def runtime_texts(recipe: Recipe, context: Path) -> dict[str, str]:
    """CMD, ENTRYPOINT and HEALTHCHECK ("CMD at line 12") and the copied files (by path)."""
    texts: dict[str, str] = {}
    for step in recipe.steps:
        if step.ins.cmd in ("CMD", "ENTRYPOINT", "HEALTHCHECK"):
            texts[f"{step.ins.cmd} at line {step.ins.line}"] = " ".join(step.ins.value)
    root = context.resolve()
    seen = 0
    for step in recipe.steps:
        if step.kind != "copy" or step.ins.cmd != "COPY":
            continue
        for source in step.ins.value[:-1]:
            for path in _files(root, source):
                if seen >= MAX_FILES:
                    return texts
                seen += 1
                text = _text(path)
                if text is not None and path.resolve().is_relative_to(root):
                    texts[str(path.relative_to(root))] = text
    return texts
