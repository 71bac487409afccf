"""Stack layers into the final filesystem and account for every stored byte.

OCI layer semantics: within a layer, whiteouts (`.wh.NAME`) and opaque markers
(`.wh..wh..opq`) apply to the layers below before the layer's own entries land. Every byte a
layer stores either is visible in the final filesystem or is waste with one cause:

- overwritten: a later entry at the same path replaced it with other content;
- rewritten_unchanged: replaced by the same content (chmod/chown-only rewrites, repeated COPYs);
- whiteout: deleted by a file whiteout;
- dir_deleted: under a directory a whiteout deleted (`rm -rf dir` in a later RUN);
- opaque: under a directory a later layer made opaque (its lower contents hidden).

So stored == visible + sum(waste), and efficiency = visible / stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, fields

from slimstage.image.layer import DIR, REG, SYMLINK, Entry

WHITEOUT = ".wh."
OPAQUE = ".wh..wh..opq"


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


class Node:
    __slots__ = ("children", "entry", "layer")

    def __init__(self, entry: Entry | None, layer: int) -> None:
        self.entry = entry  # None for directories no layer declared (implied by a child)
        self.layer = layer
        self.children: dict[str, Node] | None = {} if entry is None or entry.kind == DIR else None

    @property
    def is_dir(self) -> bool:
        return self.children is not None


@dataclass
class LayerStats:
    added: int = 0
    modified: int = 0
    deleted: int = 0


@dataclass
class Stacked:
    root: Node
    stored_bytes: int
    waste: Waste
    layer_stats: list[LayerStats]
    # (path, layer, bytes, cause) of every hidden file, for diff and reports
    hidden: list[tuple[str, int, int, str]] = field(default_factory=list)

    @property
    def wasted_bytes(self) -> int:
        return self.waste.total

    def files(self) -> Iterator[tuple[str, Node]]:
        """Every visible non-directory, as (path, node)."""
        stack: list[tuple[str, Node]] = [("", self.root)]
        while stack:
            prefix, node = stack.pop()
            for name, child in (node.children or {}).items():
                path = f"{prefix}/{name}" if prefix else name
                if child.is_dir:
                    stack.append((path, child))
                else:
                    yield path, child

    @property
    def visible_bytes(self) -> int:
        return sum(node.entry.size for _, node in self.files() if node.entry)

    def resolve(
        self, path: str, *, follow: bool = True, follow_last: bool = True
    ) -> tuple[str, Node] | None:
        """The real path and node at PATH; with follow, symlinks in it are resolved (loops end),
        the last component's too unless follow_last is False."""
        parts = _clean(path.split("/"))
        node = self.root
        hops = i = 0
        while i < len(parts):
            child = (node.children or {}).get(parts[i])
            if child is None:
                return None
            last = i == len(parts) - 1
            if (
                follow
                and (follow_last or not last)
                and child.entry is not None
                and child.entry.kind == SYMLINK
            ):
                hops += 1
                if hops > 40:
                    return None
                target = child.entry.linkname
                base = [] if target.startswith("/") else parts[:i]
                parts = _clean([*base, *target.split("/"), *parts[i + 1 :]])
                node, i = self.root, 0
                continue
            node = child
            i += 1
        return "/".join(parts), node

    def lookup(self, path: str, *, follow: bool = True) -> Node | None:
        found = self.resolve(path, follow=follow)
        return found[1] if found else None


def _clean(parts: list[str]) -> list[str]:
    out: list[str] = []
    for part in parts:
        if part == "..":
            if out:
                out.pop()
        elif part not in ("", "."):
            out.append(part)
    return out


def _subtree_files(node: Node, prefix: str) -> Iterator[tuple[str, Node]]:
    """Every non-directory at or below NODE (reached at PREFIX), without recursion: paths can be
    deeper than Python's stack."""
    stack = [(prefix, node)]
    while stack:
        path, current = stack.pop()
        if not current.is_dir:
            yield path, current
            continue
        stack.extend((f"{path}/{name}", child) for name, child in (current.children or {}).items())


def same_digest(old: Entry, new: Entry) -> bool:
    return old.size == new.size and old.digest is not None and old.digest == new.digest


class _Stacker:
    """Builds a Stacked one layer at a time."""

    def __init__(self, same_content: Callable[[Entry, Entry], bool]) -> None:
        self.same_content = same_content
        self.result = Stacked(Node(None, -1), 0, Waste(), [])

    def hide(self, path: str, node: Node, cause: str) -> None:
        for file_path, file_node in _subtree_files(node, path):
            size = file_node.entry.size if file_node.entry else 0
            if size:
                self.result.waste.add(cause, size)
                self.result.hidden.append((file_path, file_node.layer, size, cause))

    def parent_of(self, path: str, layer: int) -> Node:
        """The folder PATH goes into, made (replacing anything that is not a folder) as needed."""
        node = self.result.root
        prefix = ""
        for part in path.split("/")[:-1]:
            assert node.children is not None
            prefix = f"{prefix}/{part}" if prefix else part
            child = node.children.get(part)
            if child is None or not child.is_dir:
                if child is not None:
                    self.hide(prefix, child, "overwritten")
                child = Node(None, layer)
                node.children[part] = child
            node = child
        return node

    def delete(self, entries: Sequence[Entry], stats: LayerStats) -> None:
        """A layer's whiteouts and opaque markers, applied to the layers below."""
        for entry in entries:
            head, _, name = entry.path.rpartition("/")
            if name != OPAQUE and not name.startswith(WHITEOUT):
                continue
            directory = self.result.lookup(head, follow=False) if head else self.result.root
            if directory is None or directory.children is None:
                continue
            victims = list(directory.children) if name == OPAQUE else [name[len(WHITEOUT) :]]
            for victim in victims:
                target = directory.children.get(victim)
                if target is None:
                    continue
                cause = (
                    "opaque" if name == OPAQUE else "dir_deleted" if target.is_dir else "whiteout"
                )
                self.hide(f"{head}/{victim}".lstrip("/"), target, cause)
                del directory.children[victim]
                stats.deleted += 1

    def add(self, index: int, entries: Sequence[Entry], stats: LayerStats) -> None:
        """A layer's own entries, over what the layers below left."""
        for entry in entries:
            name = entry.path.rpartition("/")[2]
            if name.startswith(WHITEOUT):
                continue
            self.result.stored_bytes += entry.size
            parent = self.parent_of(entry.path, index)
            assert parent.children is not None
            old = parent.children.get(name)
            if old is not None and old.is_dir and entry.kind == DIR:
                old.entry, old.layer = entry, index  # metadata change; children stay
                continue
            if old is not None:
                if old.is_dir:
                    self.hide(entry.path, old, "overwritten")
                elif old.entry is not None and old.entry.size:
                    same = old.entry.kind == REG and entry.kind == REG
                    same = same and self.same_content(old.entry, entry)
                    self.hide(entry.path, old, "rewritten_unchanged" if same else "overwritten")
                if entry.kind != DIR:
                    stats.modified += 1
            elif entry.kind != DIR:
                stats.added += 1
            parent.children[name] = Node(entry, index)


def stack(
    layers: Sequence[Sequence[Entry]], same_content: Callable[[Entry, Entry], bool] = same_digest
) -> Stacked:
    """Stack layers in order; SAME_CONTENT tells a rewrite of identical bytes from a change."""
    stacker = _Stacker(same_content)
    for index, entries in enumerate(layers):
        stats = LayerStats()
        # Deletions first: they apply to the layers below, whatever their place in the tar.
        stacker.delete(entries, stats)
        stacker.add(index, entries, stats)
        stacker.result.layer_stats.append(stats)
    return stacker.result
