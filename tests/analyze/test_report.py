"""analyze's and diff's renderings: the figures, in every format."""

from __future__ import annotations

import json
from dataclasses import replace

from slimstage.analyze import report
from slimstage.analyze.analysis import Analysis, LayerReport, Packages, PathSize
from slimstage.analyze.divecompat import DiveFigures
from slimstage.analyze.filetree import Waste
from slimstage.analyze.leftovers import Leftover
from slimstage.analyze.packages import Owned
from slimstage.analyze.secrets import Secret

RESULT = Analysis(
    source="demo:1",
    layout="docker-archive (classic)",
    size_bytes=2_000_000,
    visible_bytes=1_500_000,
    wasted_bytes=500_000,
    efficiency=0.75,
    waste=Waste(overwritten=400_000, whiteout=100_000),
    dive=DiveFigures(0.8125, 600_000, 2_000_000),
    layers=[
        LayerReport(0, "blobs/sha256/aa", "ADD rootfs /", 1_200_000, 10, 0, 0),
        LayerReport(1, "blobs/sha256/bb", "RUN " + "x" * 100, 800_000, 2, 3, 1),
    ],
    leftovers=[Leftover("compilers", 300_000, 4, ("/usr/bin/gcc-14",))],
    packages=Packages(
        os=[Owned("gcc-14", "dpkg", 300_000, 4)],
        python=[Owned("flask", "python", 50_000, 20)],
        unowned_bytes=1_150_000,
    ),
    secrets=[Secret("dotenv", "file", 1, "/app/.env", False)],
    top=[PathSize("/usr/bin/gcc-14", 250_000)],
    bytecode_disabled=True,
)


def test_table_summary_lines_carry_the_figures() -> None:
    lines = report.analysis_table(RESULT).splitlines()
    assert lines[0] == "image: demo:1 (docker-archive (classic)), 2 layers"
    assert lines[1] == "stored 2.0MB, visible 1.5MB, wasted 500.0kB, efficiency 75.00%"
    assert lines[2] == "dive-compatible: efficiency 81.2500%, inefficient bytes 600000"


def test_table_sections_list_only_causes_that_happened_and_shorten_commands() -> None:
    text = report.analysis_table(RESULT)
    assert "overwritten  400.0kB" in text
    assert "opaque" not in text
    assert "RUN " + "x" * 65 + "…" in text
    assert "/app/.env  1      no (deleted later, still in the layer)" in text
    assert "(no package)  -        1.1MB" in text


def test_empty_sections_say_none() -> None:
    empty = replace(RESULT, secrets=[], leftovers=[], waste=Waste())
    text = report.analysis_table(empty)
    assert text.count("  (none)") == 3
    assert "(none)" in report.analysis_markdown(empty)


def test_markdown_has_one_table_per_section() -> None:
    text = report.analysis_markdown(RESULT)
    assert text.startswith("- image: demo:1")
    for title in ("Layers", "Waste by cause", "Largest owners", "Largest files"):
        assert f"### {title}" in text
    assert "| gcc-14 | dpkg | 300.0kB | 4 |" in text


def test_json_is_the_documented_schema_with_the_values() -> None:
    document = json.loads(report.analysis_json(RESULT))
    assert document["schema"] == "slimstage.analyze/1"
    assert document["efficiency"] == 0.75
    assert document["waste"] == {
        "overwritten": 400_000,
        "rewritten_unchanged": 0,
        "whiteout": 100_000,
        "dir_deleted": 0,
        "opaque": 0,
    }
    assert document["dive"] == {
        "efficiency": 0.8125,
        "inefficient_bytes": 600_000,
        "size_bytes": 2_000_000,
    }
    assert document["layers"][1]["files_deleted"] == 1
    assert document["secrets"] == [
        {"kind": "dotenv", "where": "file", "layer": 1, "name": "/app/.env", "visible": False}
    ]
