"""Which Dockerfiles to compare: folders expanded to their Dockerfiles, each variant named."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from slimstage.errors import UsageError


@dataclass(frozen=True)
class Variant:
    name: str
    dockerfile: Path
    context: Path


def _is_dockerfile(path: Path) -> bool:
    name = path.name
    return (
        path.is_file()
        and (name == "Dockerfile" or name.startswith("Dockerfile."))
        and not (name.endswith((".dockerignore", "~", ".swp", ".orig", ".bak")))
    )


def _sort_key(path: Path) -> tuple[int, str]:
    # The plain `Dockerfile` is the baseline when a folder is given: it comes first.
    return (0 if path.name == "Dockerfile" else 1, path.name)


def variant_name(dockerfile: Path) -> str:
    """`Dockerfile` keeps its name; `Dockerfile.venv` becomes `venv`; other names stay."""
    name = dockerfile.name
    if name.startswith("Dockerfile.") and len(name) > len("Dockerfile."):
        return name[len("Dockerfile.") :]
    return name


def discover(paths: list[Path], context: Path | None) -> list[Variant]:
    """Expand folders to their Dockerfile* files, keep the order given, name each variant."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted((p for p in path.iterdir() if _is_dockerfile(p)), key=_sort_key)
            if not found:
                raise UsageError(f"{path}: no Dockerfile* in this folder")
            files.extend(found)
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
