"""Which Dockerfiles to compare, and what each one's Dockerfile says about its image.

A folder expands to the files in it named like Dockerfiles: `Dockerfile`, `Dockerfile.<name>`,
`<name>.Dockerfile` (any case: `api.dockerfile`), `Containerfile` and `Containerfile.<name>`.
The plain `Dockerfile` (or `Containerfile`) comes first, as the baseline; the others follow in
name order. Backups and editor files (`~`, `.swp`, `.orig`, `.bak`, `.dockerignore`) are not
Dockerfiles.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from slimstage import dockerfile
from slimstage.compare.ports import first_exposed
from slimstage.engineapi import ContainerEngine
from slimstage.errors import SlimstageError, UsageError
from slimstage.options import CompareOptions

_PLAIN = ("Dockerfile", "Containerfile")
_NOT_DOCKERFILES = (".dockerignore", "~", ".swp", ".orig", ".bak")


@dataclass(frozen=True)
class Variant:
    name: str
    dockerfile: Path
    context: Path


def is_dockerfile_name(name: str) -> bool:
    if name.endswith(_NOT_DOCKERFILES):
        return False
    if name in _PLAIN:
        return True
    if any(name.startswith(plain + ".") and len(name) > len(plain) + 1 for plain in _PLAIN):
        return True
    stem, dot, suffix = name.rpartition(".")
    return bool(dot and stem) and suffix.lower() == "dockerfile"


def _sort_key(path: Path) -> tuple[int, str]:
    # The plain `Dockerfile` is the baseline when a folder is given: it comes first.
    return (_PLAIN.index(path.name) if path.name in _PLAIN else len(_PLAIN), path.name)


def variant_name(path: Path) -> str:
    """`Dockerfile` keeps its name; `Dockerfile.venv`, `venv.Dockerfile` and
    `Containerfile.venv` become `venv`; other names stay."""
    name = path.name
    for plain in _PLAIN:
        if name.startswith(plain + ".") and len(name) > len(plain) + 1:
            return name[len(plain) + 1 :]
    stem, dot, suffix = name.rpartition(".")
    if dot and stem and suffix.lower() == "dockerfile":
        return stem
    return name


def discover(paths: list[Path], context: Path | None) -> list[Variant]:
    """Expand folders to their Dockerfiles, keep the order given, name each variant."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = [p for p in path.iterdir() if p.is_file() and is_dockerfile_name(p.name)]
            if not found:
                raise UsageError(f"{path}: no Dockerfile in this folder (see docs/compare.md)")
            files.extend(sorted(found, key=_sort_key))
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"{path}: no such file or folder")
    if context is not None and not context.is_dir():
        raise UsageError(f"--context {context}: not a folder")
    variants: list[Variant] = []
    seen: dict[str, int] = {}
    for file in files:
        base = variant_name(file)
        seen[base] = seen.get(base, 0) + 1
        name = base if seen[base] == 1 else f"{base}-{seen[base]}"
        variants.append(Variant(name, file.resolve(), (context or file.parent).resolve()))
    return variants


def parsed(variant: Variant) -> dockerfile.Dockerfile | None:
    """The variant's Dockerfile, or None when it does not parse (the build will say why)."""
    try:
        return dockerfile.parse(variant.dockerfile.read_text(), str(variant.dockerfile))
    except (SlimstageError, OSError, UnicodeError):
        return None


def base_image(variant: Variant, options: CompareOptions) -> str | None:
    """The image the variant's final stage rests on ("scratch" when it starts from nothing)."""
    model = parsed(variant)
    if model is None:
        return None
    try:
        return model.external_base(model.final(options.target), options.build_arg)
    except SlimstageError:  # --target names no stage of this file
        return None


def missing_bases(engine: ContainerEngine, variant: Variant, options: CompareOptions) -> list[str]:
    """The images the variant's build needs from outside that the engine does not have."""
    model = parsed(variant)
    if model is None:
        return []
    try:
        images = model.external_images(options.target, options.build_arg)
    except SlimstageError:
        return []
    return [image for image in images if engine.inspect_image(image) is None]


def dockerfile_port(variant: Variant, options: CompareOptions) -> str | None:
    """The first TCP port the variant's Dockerfile EXPOSEs in the final stage's chain."""
    model = parsed(variant)
    args: Mapping[str, str] = options.build_arg
    return None if model is None else first_exposed(model, options.target, args)
