"""dive 0.13's efficiency figures, reproduced exactly, so users can check one against the other.

dive builds one tree per layer and visits each tree's leaves (children sorted by name, children
first). Per path it sums the sizes seen (CumulativeSize) and keeps the smallest; the score is
sum(smallest) / sum(cumulative) and inefficientBytes is the cumulative size of every path seen
more than once — the copy that stays included. A whiteout counts 0 bytes, except that a
whiteout of a directory counts every node under it in the layers below, stacked. Opaque markers
are ignored. A whiteout whose path the layers below do not have stops the visit of the rest of
that layer. All of this is kept as dive does it, faults included: this is a compatibility figure;
slimstage's own waste figures (filetree.py) are the correct ones. dive itself is never run here.

Sums and minimums do not depend on the order of the visit, so a layer's leaves are found from
its paths alone; dive's ordered tree walk (divetree.py) is taken only for a layer with a
whiteout that fails. The stacked tree dive looks whiteouts up in is built only from the paths
that can matter: the deleted paths, their ancestors and everything under them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import compress

from slimstage.analyze.divetree import (
    DOUBLE_WHITEOUT,
    WHITEOUT,
    DiveLayer,
    DiveTree,
    child_first,
    layer_tree,
    leaves,
    subtree_bytes,
)
from slimstage.image.layer import KIND_CODE, EntryTable

_DIR = KIND_CODE["dir"]
Entry3 = tuple[str, int, bool]


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


class _Records:
    """dive's per-path records: most paths are seen once, and cost one dict entry."""

    def __init__(self) -> None:
        self.single: dict[str, int] = {}  # path -> size, seen once
        self.multi: dict[str, list[int]] = {}  # path -> [cumulative, smallest, seen]

    def visit(self, path: str, size: int) -> None:
        multi = self.multi
        if multi and path in multi:
            record = multi[path]
            record[0] += size
            record[1] = size if record[1] < 0 else min(record[1], size)
            record[2] += 1
            return
        single = self.single
        count = len(single)
        first = single.setdefault(path, size)
        if len(single) > count:
            return
        del single[path]
        multi[path] = [first + size, min(first, size), 2]

    def fail(self, path: str) -> None:
        """A failing whiteout: dive made its record ("smallest" unset, -1) before it failed."""
        if path not in self.single and path not in self.multi:
            self.multi[path] = [0, -1, 0]


def _entries(table: EntryTable, indices: Iterable[int] | None = None) -> Iterator[Entry3]:
    """(path, size, is a folder) of the entries at INDICES (all, without), in tar order."""
    paths, sizes, kinds = table.paths, table.sizes, table.kinds
    for index in range(len(paths)) if indices is None else indices:
        yield paths[index], sizes[index], kinds[index] == _DIR


def _targets(layers: Sequence[EntryTable], facts: Sequence[DiveLayer]) -> tuple[set[str], int]:
    """Every path a whiteout (of any component) deletes, and the last layer holding one."""
    targets: set[str] = set()
    last = -1
    for index, (table, found) in enumerate(zip(layers, facts, strict=True)):
        for position in found.marked:
            last = index
            parts = table.paths[position].split("/")
            for k, part in enumerate(parts):
                if part.startswith(DOUBLE_WHITEOUT):
                    break
                if part.startswith(WHITEOUT):
                    targets.add("/".join([*parts[:k], part[len(WHITEOUT) :]]))
    return targets, last


class _Relevance:
    """Which entries can matter to whiteout lookups: whiteouts, deleted paths, their ancestors,
    and anything under a deleted path. Judged a folder at a time: most entries sit in folders
    nothing deletes, whose entries need no look at all."""

    def __init__(self, targets: set[str]) -> None:
        self.targets = targets
        self.ancestors = {t[:i] for t in targets for i, c in enumerate(t) if c == "/"}
        # Folders holding a target or an ancestor of one: their entries are looked at singly.
        self.holding = {p.rpartition("/")[0] for p in self.targets | self.ancestors}
        self.under: dict[str, bool] = {"": False}

    def _under(self, folder: str) -> bool:
        """Whether FOLDER is a deleted path or under one."""
        chain = []
        while (known := self.under.get(folder)) is None:
            chain.append(folder)
            known = folder in self.targets
            if known:
                break
            folder = folder.rpartition("/")[0]
        for item in chain:
            self.under[item] = known
        return known

    def entries(self, table: EntryTable, found: DiveLayer) -> list[int]:
        """The relevant entries of one layer, in tar order."""
        states = [2 if self._under(f) else 1 if f in self.holding else 0 for f in found.folders]
        picked = set(found.marked)
        paths, targets, ancestors = table.paths, self.targets, self.ancestors
        for index in compress(range(len(paths)), map(states.__getitem__, found.folder_of)):
            path = paths[index]
            if states[found.folder_of[index]] == 2 or path in targets or path in ancestors:
                picked.add(index)
        return sorted(picked)


def _visit_exactly(table: EntryTable, stacked: DiveTree, records: _Records) -> None:
    """dive's own walk of one layer, for a layer where a whiteout fails (it ends the walk)."""
    for node, path in child_first(layer_tree(_entries(table)).root):
        if node.children:
            continue  # only leaves are visited
        key = path[1:]
        if node.is_whiteout():
            previous = stacked.get(path)
            if previous is None:
                records.fail(key)
                break
            records.visit(key, subtree_bytes(previous) if previous.is_dir else 0)
        else:
            records.visit(key, node.size)


def _visit(table: EntryTable, found: DiveLayer, stacked: DiveTree, records: _Records) -> None:
    deleted = found.deleted
    sizes = []
    for path in deleted:
        previous = stacked.get(path)
        if previous is None:
            _visit_exactly(table, stacked, records)
            return
        sizes.append(subtree_bytes(previous) if previous.is_dir else 0)
    visit, paths, entry_sizes = records.visit, table.paths, table.sizes
    for position in found.plain:
        visit(paths[position], entry_sizes[position])
    for path in found.bare:
        visit(path, 0)
    for path, size in zip(deleted, sizes, strict=True):
        visit(path, size)


def figures(
    layers: Sequence[EntryTable], found: Sequence[DiveLayer | None] = ()
) -> tuple[DiveFigures, list[FileReference]]:
    """dive's figures and its fileReference list (largest first) for stacked LAYERS; FOUND may
    hold what leaves() made of each layer already."""
    facts = [
        known if (known := found[i] if i < len(found) else None) is not None else leaves(table)
        for i, table in enumerate(layers)
    ]
    targets, last_needed = _targets(layers, facts)
    relevant = _Relevance(targets)
    records = _Records()
    stacked = DiveTree()
    for index, table in enumerate(layers):
        own = None
        if last_needed >= 0 and (index < last_needed or index == 0):
            own = layer_tree(_entries(table, relevant.entries(table, facts[index])))
            if index == 0:
                stacked = own.copy()  # dive stacks layers 0..k-1 onto a copy of layer 0
        _visit(table, facts[index], stacked, records)
        if index < last_needed and own is not None:
            stacked.stack(child_first(own.root))
    multi = records.multi.values()
    total = sum(records.single.values()) + sum(record[0] for record in multi)
    smallest = sum(records.single.values()) + sum(record[1] for record in multi)
    score = 1.0 if total == 0 else smallest / total
    repeated = [
        FileReference("/" + path, seen, cumulative)
        for path, (cumulative, _, seen) in records.multi.items()
        if seen >= 2
    ]
    inefficient = sum(r.size_bytes for r in repeated)
    size_bytes = sum(sum(table.sizes) for table in layers)
    # dive sorts by size with an unstable sort; ties are ordered by path here.
    references = sorted(repeated, key=lambda r: (-r.size_bytes, r.path))
    return DiveFigures(score, inefficient, size_bytes), references
