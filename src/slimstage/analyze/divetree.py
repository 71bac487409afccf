"""dive 0.13's file tree, node for node: how dive builds a layer's tree and stacks trees; and
a layer's leaves found without building its tree (leaves()).

Kept apart from divecompat.py, which builds trees only where dive's own order of visit matters.
Nothing here recurses: paths can be deeper than Python's stack.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass

from slimstage.image.layer import EntryTable

WHITEOUT = ".wh."
DOUBLE_WHITEOUT = ".wh..wh.."


class DiveNode:
    __slots__ = ("children", "is_dir", "name", "parent", "size")

    def __init__(
        self, name: str, parent: DiveNode | None, size: int = 0, is_dir: bool = False
    ) -> None:
        self.name = name
        self.parent = parent
        self.size = size
        self.is_dir = is_dir
        self.children: dict[str, DiveNode] = {}

    def is_whiteout(self) -> bool:
        return self.name.startswith(WHITEOUT)


class DiveTree:
    def __init__(self) -> None:
        self.root = DiveNode("", None)

    def copy(self) -> DiveTree:
        new = DiveTree()
        stack = [(self.root, new.root)]
        while stack:
            old, made = stack.pop()
            for name, child in old.children.items():
                twin = DiveNode(name, made, child.size, child.is_dir)
                made.children[name] = twin
                stack.append((child, twin))
        return new

    def add_path(
        self, path: str, size: int, is_dir: bool, parents: dict[str, DiveNode] | None = None
    ) -> None:
        """dive's AddPath. PARENTS, when given, caches folder nodes by path (for trees that
        only grow, as a layer's own tree does while it is read)."""
        names = [n for n in path.strip("/").split("/") if n]
        if not names:
            return
        node = self.root
        start = 0
        if parents is not None and len(names) > 1:
            cached = parents.get("/".join(names[:-1]))
            if cached is not None:
                node, start = cached, len(names) - 1
        for index in range(start, len(names)):
            name = names[index]
            child = node.children.get(name)
            if child is None:
                if name.startswith(DOUBLE_WHITEOUT):
                    return
                child = DiveNode(name, node)
                node.children[name] = child
            node = child
            if index < len(names) - 1 and parents is not None:
                parents["/".join(names[: index + 1])] = node
        node.size, node.is_dir = size, is_dir

    def get(self, path: str) -> DiveNode | None:
        node = self.root
        for name in path.strip("/").split("/"):
            if not name:
                continue
            child = node.children.get(name)
            if child is None:
                return None
            node = child
        return node

    def remove(self, path: str) -> None:
        node = self.get(path)
        if node is not None and node.parent is not None:
            del node.parent.children[node.name]

    def stack(self, upper: list[tuple[DiveNode, str]]) -> None:
        """Graft an upper tree, given as its child_first() order, as dive's Stack does."""
        for node, path in upper:
            if node.is_whiteout():
                self.remove(path)
            else:
                self.add_path(path, node.size, node.is_dir)


def child_first(node: DiveNode, base: str = "") -> list[tuple[DiveNode, str]]:
    """All nodes below NODE, with dive's path for each, in dive's visit order: children by
    name, each before its parent. A whiteout's path is that of what it deletes."""
    out: list[tuple[DiveNode, str]] = []
    stack: list[tuple[DiveNode, str, bool]] = [(node, base, False)]
    while stack:
        current, path, expanded = stack.pop()
        if expanded:
            if current.parent is not None:
                name = current.name
                visible = path + "/" + (name[4:] if name.startswith(WHITEOUT) else name)
                out.append((current, visible))
            continue
        stack.append((current, path, True))
        inner = path + "/" + current.name if current.parent is not None else path
        for name in sorted(current.children, reverse=True):
            stack.append((current.children[name], inner, False))
    return out


def subtree_bytes(node: DiveNode) -> int:
    """What dive counts for a deleted folder: the folder and every node under it, once each
    (child_first of a node that has a parent lists the node itself last)."""
    return sum(n.size for n, _ in child_first(node))


def layer_tree(entries: Iterable[tuple[str, int, bool]]) -> DiveTree:
    """A layer's own tree from its (path, size, is_dir) entries in tar order."""
    tree = DiveTree()
    parents: dict[str, DiveNode] = {}
    for path, size, is_dir in entries:
        tree.add_path(path, size, is_dir, parents)
    return tree


@dataclass(frozen=True)
class DiveLayer:
    """What dive's figures need of one layer alone: found where the layer is read."""

    plain: array[int]  # the entries that are leaves (their last copy, when a path repeats)
    bare: list[str]  # leaves no entry declares (made on the way to a .wh..wh.* name): 0 bytes
    deleted: list[str]  # the paths whiteout leaves delete
    marked: list[int]  # entries with a whiteout name anywhere in their path
    folders: list[str]  # every folder holding an entry, once
    folder_of: array[int]  # each entry's folder, by its place in folders


def leaves(table: EntryTable) -> DiveLayer:
    """The leaves of a layer's dive tree, found from its paths alone (no tree is built), and
    its folders: a layer's own business, which can be done where the layer is read. Written
    to run as little Python per entry as it can: a layer may have a million entries."""
    paths = table.paths
    folders = [path.rpartition("/")[0] for path in paths]
    numbers = {folder: number for number, folder in enumerate(dict.fromkeys(folders))}
    folder_of = array("I", map(numbers.__getitem__, folders))
    marked = [position for position, path in enumerate(paths) if WHITEOUT in path]
    declared = dict(zip(paths, range(len(paths)), strict=True))  # a repeated path: its last
    # dive makes no node for a name starting with .wh..wh. nor below it: only the nodes above.
    cut: set[int] = set()
    bare: set[str] = set()
    for position in marked:
        parts = paths[position].split("/")
        at = next((k for k, p in enumerate(parts) if p.startswith(DOUBLE_WHITEOUT)), -1)
        if at >= 0:
            cut.add(position)
            if at > 0:
                bare.add("/".join(parts[:at]))
    for path in {paths[position] for position in cut}:
        del declared[path]
    made = numbers if not cut else dict.fromkeys(f for i, f in enumerate(folders) if i not in cut)
    parents: set[str] = set()
    for folder in (*made, *(node.rpartition("/")[0] for node in bare)):
        while folder and folder not in parents:
            parents.add(folder)
            folder = folder.rpartition("/")[0]
    plain, bare_leaves, deleted = _split_leaves(declared, bare, parents)
    return DiveLayer(plain, bare_leaves, deleted, marked, list(numbers), folder_of)


def _split_leaves(
    declared: dict[str, int], bare: set[str], parents: set[str]
) -> tuple[array[int], list[str], list[str]]:
    plain = array("I")
    bare_leaves: list[str] = []
    deleted: list[str] = []
    for path, position in declared.items():
        if path in parents:
            continue
        if WHITEOUT in path and (name := path.rpartition("/")[2]).startswith(WHITEOUT):
            deleted.append(path[: len(path) - len(name)] + name[len(WHITEOUT) :])
        else:
            plain.append(position)
    for path in sorted(bare):
        if path in parents or path in declared:
            continue
        head, _, name = path.rpartition("/")
        if name.startswith(WHITEOUT):
            deleted.append(f"{head}/{name[len(WHITEOUT) :]}" if head else name[len(WHITEOUT) :])
        else:
            bare_leaves.append(path)
    return plain, bare_leaves, deleted
