"""Stack layers into the final filesystem and account for every stored byte.

OCI layer semantics: within a layer, whiteouts (`.wh.NAME`) and opaque markers
(`.wh..wh..opq`) apply to the layers below before the layer's own entries land. Every byte a
layer stores either is visible in the final filesystem or is waste with one cause:

- overwritten: a later entry at the same path replaced it with other content;
- rewritten_unchanged: replaced by the same content (chmod/chown-only rewrites, repeated COPYs);
- whiteout: deleted by a file whiteout;
- dir_deleted: under a directory a whiteout deleted (`rm -rf dir`) in a later layer;
- opaque: under a directory a later layer made opaque (its lower contents hidden).

So stored == visible + sum(waste), and efficiency = visible / stored.

The tree is lean, for images of a million files: a folder is a dict from each child's full path
(the string the layer's EntryTable already holds) to the child, which is a dict again (a folder)
or an int naming a non-folder entry: layer << 32 | its index in that layer's table.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from typing import Any

from slimstage.image.layer import KIND_CODE, SYMLINK, EntryTable, same_content

WHITEOUT = ".wh."
OPAQUE = ".wh..wh..opq"
_DIR, _REG, _SYMLINK = KIND_CODE["dir"], KIND_CODE["file"], KIND_CODE[SYMLINK]
Folder = dict[str, Any]  # child path -> Folder | int


@dataclass
class Waste:
    """Hidden bytes by cause (see the module docstring); the JSON `waste` object."""

    overwritten: int = 0
    rewritten_unchanged: int = 0
    whiteout: int = 0
    dir_deleted: int = 0
    opaque: int = 0

    def add(self, cause: str, size: int) -> None:
        setattr(self, cause, getattr(self, cause) + size)

    @property
    def total(self) -> int:
        return sum(getattr(self, cause) for cause in CAUSES)


CAUSES = tuple(f.name for f in fields(Waste))


@dataclass
class LayerStats:
    added: int = 0
    modified: int = 0
    deleted: int = 0


@dataclass
class Stacked:
    tables: list[EntryTable]
    root: Folder
    stored_bytes: int = 0
    waste: Waste = field(default_factory=Waste)
    layer_stats: list[LayerStats] = field(default_factory=list)
    # per layer: its own bytes that later layers hid, by cause
    stored_waste: list[Waste] = field(default_factory=list)

    @property
    def wasted_bytes(self) -> int:
        return self.waste.total

    def size(self, ref: int) -> int:
        return self.tables[ref >> 32].sizes[ref & 0xFFFFFFFF]

    def kind(self, ref: int) -> int:
        return self.tables[ref >> 32].kinds[ref & 0xFFFFFFFF]

    def files(self) -> Iterator[tuple[str, int]]:
        """Every visible non-directory, as (path, ref)."""
        stack = [self.root]
        while stack:
            for path, child in stack.pop().items():
                if type(child) is dict:
                    stack.append(child)
                else:
                    yield path, child

    @property
    def visible_bytes(self) -> int:
        return sum(self.size(ref) for _, ref in self.files())

    def resolve(
        self, path: str, *, follow: bool = True, follow_last: bool = True
    ) -> tuple[str, Folder | int] | None:
        """The real path and node at PATH; with follow, symlinks in it are resolved (loops end),
        the last component's too unless follow_last is False."""
        parts = _clean(path.split("/"))
        node: Folder | int = self.root
        hops = i = 0
        prefix = ""
        while i < len(parts):
            if type(node) is not dict:
                return None  # a file where a folder should be
            key = f"{prefix}/{parts[i]}" if prefix else parts[i]
            child = node.get(key)
            if child is None:
                return None
            last = i == len(parts) - 1
            if follow and (follow_last or not last) and type(child) is int:
                if self.kind(child) == _SYMLINK:
                    hops += 1
                    if hops > 40:
                        return None
                    target = self.tables[child >> 32].links.get(child & 0xFFFFFFFF, "")
                    base = [] if target.startswith("/") else parts[:i]
                    parts = _clean([*base, *target.split("/"), *parts[i + 1 :]])
                    node, i, prefix = self.root, 0, ""
                    continue
            node, prefix = child, key
            i += 1
        return "/".join(parts), node


def _clean(parts: list[str]) -> list[str]:
    out: list[str] = []
    for part in parts:
        if part == "..":
            if out:
                out.pop()
        elif part not in ("", "."):
            out.append(part)
    return out


class _Stacker:
    """Builds a Stacked one layer at a time."""

    def __init__(self) -> None:
        self.result = Stacked([], {})
        self.dirs: dict[str, Folder] = {"": self.result.root}  # every folder, by path

    def hide(self, path: str, node: Folder | int, cause: str) -> None:
        """Count the bytes of NODE at PATH (a whole folder's, without recursion) as waste of
        CAUSE; a folder is forgotten with everything under it."""
        result = self.result
        if isinstance(node, int):
            size = result.size(node)
            if size:
                result.waste.add(cause, size)
                result.stored_waste[node >> 32].add(cause, size)
            return
        self.dirs.pop(path, None)
        stack = [node]
        while stack:
            for child_path, child in stack.pop().items():
                if type(child) is dict:
                    self.dirs.pop(child_path, None)
                    stack.append(child)
                else:
                    self.hide(child_path, child, cause)

    def folder(self, path: str) -> Folder:
        """The folder at PATH, made (with its parents) as needed; anything that is not a folder
        in the way is replaced."""
        missing = []
        while path not in self.dirs:
            missing.append(path)
            path = path.rpartition("/")[0]
        parent = self.dirs[path]
        for name in reversed(missing):
            old = parent.get(name)
            if old is not None:
                self.hide(name, old, "overwritten")
            new: Folder = {}
            parent[name] = self.dirs[name] = new
            parent = new
        return parent

    def delete(self, table: EntryTable, stats: LayerStats) -> None:
        """A layer's whiteouts and opaque markers, applied to the layers below."""
        for index in table.whiteouts:
            head, _, name = table.paths[index].rpartition("/")
            directory = self.dirs.get(head)
            if directory is None:
                continue
            if name == OPAQUE:
                victims = list(directory)
            else:
                victims = [f"{head}/{name[len(WHITEOUT) :]}" if head else name[len(WHITEOUT) :]]
            for victim in victims:
                target = directory.pop(victim, None)
                if target is None:
                    continue
                is_dir = type(target) is dict
                cause = "opaque" if name == OPAQUE else "dir_deleted" if is_dir else "whiteout"
                self.hide(victim, target, cause)
                stats.deleted += 1

    def _replace(self, path: str, old: Folder | int, ref: int) -> None:
        """A non-folder entry (REF) lands at PATH, where OLD was."""
        if not isinstance(old, int):
            self.hide(path, old, "overwritten")
            return
        result = self.result
        old_size = result.size(old)
        if not old_size:
            return
        same = result.kind(old) == _REG and result.kind(ref) == _REG and self.same(old, ref)
        self.hide(path, old, "rewritten_unchanged" if same else "overwritten")

    def same(self, old: int, new: int) -> bool:
        tables = self.result.tables
        return same_content(
            tables[old >> 32], old & 0xFFFFFFFF, tables[new >> 32], new & 0xFFFFFFFF
        )

    def add(self, layer: int, table: EntryTable, stats: LayerStats) -> None:
        """A layer's own entries, over what the layers below left."""
        dirs, result = self.dirs, self.result
        skip = set(table.whiteouts)
        base = layer << 32
        for index, (path, kind, size) in enumerate(
            zip(table.paths, table.kinds, table.sizes, strict=True)
        ):
            if skip and index in skip:
                continue
            result.stored_bytes += size
            head = path.rpartition("/")[0]
            parent = dirs.get(head)
            if parent is None:
                parent = self.folder(head)
            old = parent.get(path)
            if kind == _DIR:
                if type(old) is dict:
                    continue  # a metadata change; the children stay
                if old is not None:
                    self.hide(path, old, "overwritten")
                parent[path] = dirs[path] = {}
                continue
            if old is not None:
                self._replace(path, old, base | index)
                stats.modified += 1
            else:
                stats.added += 1
            parent[path] = base | index


def stack(layers: Iterable[EntryTable]) -> Stacked:
    """Stack layers in order (each as it comes: the next may still be being read). Overwritten
    files of the same size are compared by content."""
    stacker = _Stacker()
    result = stacker.result
    for index, table in enumerate(layers):
        stats = LayerStats()
        result.tables.append(table)
        result.stored_waste.append(Waste())
        # Deletions first: they apply to the layers below, whatever their place in the tar.
        stacker.delete(table, stats)
        stacker.add(index, table, stats)
        result.layer_stats.append(stats)
    return result
