"""The final filesystem of a stacked image, as the analyses read it: its visible files, the kept
contents of those, and listed paths resolved through its symlinked folders."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from slimstage.analyze import filetree
from slimstage.image.layer import KIND_CODE

_FILE_KINDS = (KIND_CODE["file"], KIND_CODE["hardlink"])
_SYMLINK = KIND_CODE["symlink"]
_INDEX = 0xFFFFFFFF


def visible_files(stacked: filetree.Stacked) -> tuple[dict[str, int], dict[str, int], set[str]]:
    """Every visible regular file (and hard link), by path: its ref, and its size (in the same
    order); and the paths of the visible symlinks."""
    kinds = [table.kinds for table in stacked.tables]
    all_sizes = [table.sizes for table in stacked.tables]
    refs: dict[str, int] = {}
    sizes: dict[str, int] = {}
    links: set[str] = set()
    for path, ref in stacked.files():
        layer, index = ref >> 32, ref & _INDEX
        kind = kinds[layer][index]
        if kind in _FILE_KINDS:
            refs[path] = ref
            sizes[path] = all_sizes[layer][index]
        elif kind == _SYMLINK:
            links.add(path)
    return refs, sizes, links


def kept_contents(stacked: filetree.Stacked, refs: dict[str, int]) -> dict[str, bytes]:
    """The kept first bytes of visible files (the version that is visible)."""
    out = {}
    for number, table in enumerate(stacked.tables):
        for index, content in table.contents.items():
            path = table.paths[index]
            if refs.get(path) == (number << 32 | index):
                out[path] = content
    return out


def resolver(
    stacked: filetree.Stacked, sizes: dict[str, int]
) -> Callable[[str], tuple[str, int] | None]:
    """Listed path -> (real path, size): through symlinked folders (merged /usr lists /bin/bash,
    the file is /usr/bin/bash), not through a symlink that is the listed file itself."""
    folders: dict[str, str | None] = {}

    def resolve(listed: str) -> tuple[str, int] | None:
        path = listed.strip("/")
        if path in sizes:
            return path, sizes[path]
        head, _, name = path.rpartition("/")
        if head not in folders:
            found = stacked.resolve(head) if head else ("", stacked.root)
            folders[head] = found[0] if found is not None and type(found[1]) is dict else None
        real = folders[head]
        if real is None:
            return None
        path = f"{real}/{name}" if real else name
        return (path, sizes[path]) if path in sizes else None

    return resolve


def files_with_origin(
    refs: dict[str, int], sizes: dict[str, int], base_layers: int
) -> Iterator[tuple[str, int, bool]]:
    """(path, size, from the base image) of every visible file."""
    layers = base_layers
    return (
        (path, size, ref >> 32 < layers)
        for (path, ref), size in zip(refs.items(), sizes.values(), strict=True)
    )
