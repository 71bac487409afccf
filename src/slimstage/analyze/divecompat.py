"""dive 0.13's efficiency figures, reproduced exactly, so users can check one against the other.

dive builds one tree per layer and visits each tree's leaves (children sorted by name, children
first). Per path it sums the sizes seen (CumulativeSize) and keeps the smallest; the score is
sum(smallest) / sum(cumulative) and inefficientBytes is the cumulative size of every path seen
more than once — the copy that stays included. A whiteout counts 0 bytes, except that a
whiteout of a directory counts every node under it in the layers below, stacked. Opaque markers
are ignored. A whiteout whose path the layers below do not have stops the visit of the rest of
that layer. All of this is kept as dive does it, faults included: this is a compatibility figure;
slimstage's own waste figures (filetree.py) are the correct ones. dive itself is never run here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from slimstage.image.layer import DIR, Entry

_WHITEOUT = ".wh."
_DOUBLE_WHITEOUT = ".wh..wh.."


class _Node:
    __slots__ = ("children", "is_dir", "name", "parent", "size")

    def __init__(
        self, name: str, parent: _Node | None, size: int = 0, is_dir: bool = False
    ) -> None:
        self.name = name
        self.parent = parent
        self.size = size
        self.is_dir = is_dir
        self.children: dict[str, _Node] = {}

    def copy(self, parent: _Node | None) -> _Node:
        new = _Node(self.name, parent, self.size, self.is_dir)
        new.children = {name: child.copy(new) for name, child in self.children.items()}
        return new

    def is_whiteout(self) -> bool:
        return self.name.startswith(_WHITEOUT)


class _Tree:
    def __init__(self) -> None:
        self.root = _Node("", None)

    def copy(self) -> _Tree:
        new = _Tree()
        new.root = self.root.copy(None)
        return new

    def add_path(
        self, path: str, size: int, is_dir: bool, parents: dict[str, _Node] | None = None
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
                if name.startswith(_DOUBLE_WHITEOUT):
                    return
                child = _Node(name, node)
                node.children[name] = child
            node = child
            if index < len(names) - 1 and parents is not None:
                parents["/".join(names[: index + 1])] = node
        node.size, node.is_dir = size, is_dir

    def get(self, path: str) -> _Node | None:
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

    def stack(self, upper: list[tuple[_Node, str]]) -> None:
        """Graft an upper tree, given as its _child_first() order, as dive's Stack does."""
        for node, path in upper:
            if node.is_whiteout():
                self.remove(path)
            else:
                self.add_path(path, node.size, node.is_dir)


def _child_first(node: _Node, base: str = "") -> list[tuple[_Node, str]]:
    """All nodes below NODE, with dive's path for each, in dive's visit order: children by
    name, each before its parent. A whiteout's path is that of what it deletes."""
    out: list[tuple[_Node, str]] = []
    stack: list[tuple[_Node, str, bool]] = [(node, base, False)]
    while stack:
        current, path, expanded = stack.pop()
        if expanded:
            if current.parent is not None:
                name = current.name
                visible = path + "/" + (name[4:] if name.startswith(_WHITEOUT) else name)
                out.append((current, visible))
            continue
        stack.append((current, path, True))
        inner = path + "/" + current.name if current.parent is not None else path
        for name in sorted(current.children, reverse=True):
            stack.append((current.children[name], inner, False))
    return out


def _layer_tree(entries: Sequence[Entry]) -> _Tree:
    tree = _Tree()
    parents: dict[str, _Node] = {}
    for entry in entries:
        tree.add_path(entry.path, entry.size, entry.kind == DIR, parents)
    return tree


@dataclass(frozen=True)
class DiveFigures:
    """dive's image figures; the JSON `dive` object of `analyze`."""

    efficiency: float
    inefficient_bytes: int
    size_bytes: int


@dataclass(frozen=True)
class FileReference:
    """One entry of dive's fileReference: a path seen in more than one layer."""

    path: str
    count: int  # layers it appears in
    size_bytes: int  # cumulative bytes over those layers


def as_dive_json(figures: DiveFigures, references: Sequence[FileReference]) -> dict[str, object]:
    """The `image` object of `dive --json`, with dive's key names."""
    return {
        "image": {
            "sizeBytes": figures.size_bytes,
            "inefficientBytes": figures.inefficient_bytes,
            "efficiencyScore": figures.efficiency,
            "fileReference": [
                {"count": r.count, "sizeBytes": r.size_bytes, "file": r.path} for r in references
            ],
        }
    }


def figures(layers: Sequence[Sequence[Entry]]) -> tuple[DiveFigures, list[FileReference]]:
    """dive's figures and its fileReference list (largest first) for stacked LAYERS."""
    trees = [_layer_tree(entries) for entries in layers]
    cumulative: dict[str, int] = {}
    smallest: dict[str, int] = {}
    seen: dict[str, int] = {}
    # The stacked tree only serves whiteout lookups: build it only as far as they need it.
    whiteouts = [i for i, entries in enumerate(layers) if any(_WHITEOUT in e.path for e in entries)]
    last_needed = whiteouts[-1] if whiteouts else -1
    stacked = trees[0].copy() if last_needed >= 0 else _Tree()
    for index, tree in enumerate(trees):
        order = _child_first(tree.root)
        for node, path in order:
            if node.children:
                continue  # only leaves are visited
            if path not in cumulative:
                # dive creates the path's record first, with "smallest" unset (-1)...
                cumulative[path], smallest[path] = 0, -1
            if node.is_whiteout():
                previous = stacked.get(path)
                if previous is None:
                    # ...so a failing whiteout leaves -1 in the sum of smallest sizes, and the
                    # error ends dive's visit of this layer.
                    break
                size = 0
                if previous.is_dir:
                    size = previous.size + sum(n.size for n, _ in _child_first(previous))
            else:
                size = node.size
            cumulative[path] += size
            smallest[path] = size if smallest[path] < 0 else min(smallest[path], size)
            seen[path] = seen.get(path, 0) + 1
        # dive stacks layers 0..k-1 onto a copy of layer 0 for layer k's whiteouts.
        if index < last_needed:
            stacked.stack(order)
    total = sum(cumulative.values())
    score = 1.0 if total == 0 else sum(smallest.values()) / total
    repeated = [FileReference(p, count, cumulative[p]) for p, count in seen.items() if count >= 2]
    inefficient = sum(r.size_bytes for r in repeated)
    size_bytes = sum(e.size for entries in layers for e in entries)
    # dive sorts by size with an unstable sort; ties are ordered by path here.
    references = sorted(repeated, key=lambda r: (-r.size_bytes, r.path))
    return DiveFigures(score, inefficient, size_bytes), references
