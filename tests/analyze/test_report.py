"""analyze's renderings: the figures, in every format, split into the base's and yours."""

from __future__ import annotations

import json
from dataclasses import replace

from slimstage.analyze import report
from slimstage.analyze.analysis import Packages, PathSize
from slimstage.analyze.divecompat import DiveFigures
from slimstage.analyze.filetree import Waste
from slimstage.analyze.leftovers import Leftover
from slimstage.analyze.origin import Origin
from slimstage.analyze.packages import Owned
from slimstage.analyze.secrets import Secret
from slimstage.image.layerlist import Verification
from tests.analyze.sample import analysis, layer_report

RESULT = analysis(
    source="demo:1",
    layout="docker-archive (classic)",
    size_bytes=2_000_000,
    visible_bytes=1_500_000,
    wasted_bytes=500_000,
    efficiency=0.75,
    waste=Waste(overwritten=400_000, whiteout=100_000),
    base_waste=Waste(whiteout=100_000),
    base_visible_bytes=1_000_000,
    dive=DiveFigures(0.8125, 600_000, 2_000_000),
    layers=[
        layer_report(0, 1_200_000, "ADD rootfs /", from_base=True, wasted_bytes=100_000),
        layer_report(1, 800_000, "RUN " + "x" * 100, files_modified=3, files_deleted=1),
    ],
    leftovers=[Leftover("compilers", 300_000, 4, ("/usr/bin/gcc-14",), 100_000, 1)],
    packages=Packages(
        os=[Owned("gcc-14", "dpkg", 300_000, 4, "14.2.0-19", "", 0)],
        python=[Owned("flask", "python", 50_000, 20, "3.1.3", "/opt/venv/lib", 0)],
        unowned_bytes=1_150_000,
        unowned_base_bytes=1_000_000,
    ),
    secrets=[Secret("dotenv", "file", 1, "/app/.env", False)],
    top=[PathSize("/usr/bin/gcc-14", 250_000)],
    base=Origin(1, "base image layers", "python:3.13-slim", "the first 1 layers are ..."),
    bytecode_disabled=True,
)


def test_table_summary_lines_carry_the_figures() -> None:
    lines = report.analysis_table(RESULT).splitlines()
    assert lines[0] == "image: demo:1 (docker-archive (classic)), 2 layers"
    assert lines[1] == "stored 2.0MB, visible 1.5MB, wasted 500.0kB, efficiency 75.00%"
    assert lines[2] == "base image: the first 1 layers are ... (base image layers)"
    # yours: 1.5 MB visible - 1.0 MB from the base; 500 kB wasted - 100 kB in base layers
    assert lines[3] == (
        "yours (what editing this Dockerfile can change): visible 500.0kB, wasted 400.0kB"
    )
    assert lines[4] == "dive-compatible: efficiency 81.2500%, inefficient bytes 600000"
    assert lines[5] == "digests verified: config"


def test_table_sections_split_base_and_yours() -> None:
    text = report.analysis_table(RESULT)
    assert "overwritten  400.0kB  0B" in text
    assert "whiteout     0B       100.0kB" in text
    assert "opaque" not in text
    assert "compilers  200.0kB  100.0kB    4      /usr/bin/gcc-14" in text
    assert "RUN " + "x" * 65 + "…" in text
    assert "0  base   1.2MB" in text
    assert "/app/.env  1      no (deleted later, still in the layer)" in text
    assert "(no package)  -          -        150.0kB  1.0MB      -" in text


def test_empty_sections_say_none() -> None:
    empty = replace(RESULT, secrets=[], leftovers=[], waste=Waste(), base_waste=Waste())
    text = report.analysis_table(empty)
    assert text.count("  (none)") == 3
    assert "(none)" in report.analysis_markdown(empty)


def test_markdown_has_one_table_per_section() -> None:
    text = report.analysis_markdown(RESULT)
    assert text.startswith("- image: demo:1")
    for title in ("Layers", "Waste by cause", "Largest owners", "Largest files"):
        assert f"### {title}" in text
    assert "| gcc-14 | 14.2.0-19 | dpkg | 300.0kB | 0B | 4 |" in text


def test_json_is_the_documented_schema_with_the_values() -> None:
    document = json.loads(report.analysis_json(RESULT))
    assert document["schema"] == "slimstage.analyze/2"
    assert document["efficiency"] == 0.75
    assert document["waste"] == {
        "overwritten": 400_000,
        "rewritten_unchanged": 0,
        "whiteout": 100_000,
        "dir_deleted": 0,
        "opaque": 0,
    }
    assert document["base_waste"]["whiteout"] == 100_000
    assert document["dive"] == {
        "efficiency": 0.8125,
        "inefficient_bytes": 600_000,
        "size_bytes": 2_000_000,
    }
    assert document["layers"][1]["files_deleted"] == 1
    assert document["layers"][0]["from_base"] is True
    assert document["secrets"] == [
        {"kind": "dotenv", "where": "file", "layer": 1, "name": "/app/.env", "visible": False}
    ]
    assert document["base"]["base_layers"] == 1
    assert document["verification"] == {"verified": True, "checked": ["config"], "not_checked": []}


def test_control_characters_from_the_image_are_escaped_in_text_and_markdown() -> None:
    hostile = replace(
        RESULT,
        top=[PathSize("/app/\x1b]0;owned\x07\nSecrets: (none)\udcff", 10)],
        layers=[layer_report(0, 10, "RUN echo \x1b[2J")],
    )
    for text in (report.analysis_table(hostile), report.analysis_markdown(hostile)):
        assert "\x1b" not in text
        assert "\x07" not in text
        assert "\\x1b]0;owned\\x07\\nSecrets: (none)\\xff" in text
        text.encode("utf-8")  # no surrogates left: printing cannot fail
        assert not any(line.startswith("Secrets: (none)") for line in text.splitlines())


CUT = "RUN " + "x" * 65 + "…"  # the first 70 characters of a longer command

# Every line, as a reader sees it; the figures are RESULT's, worked out by hand: yours = total
# minus the base's (leftovers 300 kB - 100 kB, unowned 1.15 MB - 1.0 MB), long commands cut at 70.
TABLE = (
    "image: demo:1 (docker-archive (classic)), 2 layers\n"
    "stored 2.0MB, visible 1.5MB, wasted 500.0kB, efficiency 75.00%\n"
    "base image: the first 1 layers are ... (base image layers)\n"
    "yours (what editing this Dockerfile can change): visible 500.0kB, wasted 400.0kB\n"
    "dive-compatible: efficiency 81.2500%, inefficient bytes 600000\n"
    "digests verified: config\n"
    "\n"
    "Layers:\n"
    "#  from   size     added  modified  deleted  hidden later  created by\n"
    "-  -----  -------  -----  --------  -------  ------------  " + "-" * 70 + "\n"
    "0  base   1.2MB    1      0         0        100.0kB       ADD rootfs /\n"
    "1  yours  800.0kB  1      3         1        0B            " + CUT + "\n"
    "\n"
    "Waste by cause (bytes stored, then hidden):\n"
    "cause        yours    from base\n"
    "-----------  -------  ---------\n"
    "overwritten  400.0kB  0B\n"
    "whiteout     0B       100.0kB\n"
    "\n"
    "Leftovers (build-only content in the final filesystem):\n"
    "category   yours    from base  files  largest\n"
    "---------  -------  ---------  -----  ---------------\n"
    "compilers  200.0kB  100.0kB    4      /usr/bin/gcc-14\n"
    "\n"
    "Largest owners:\n"
    "package       version    manager  yours    from base  files\n"
    "------------  ---------  -------  -------  ---------  -----\n"
    "gcc-14        14.2.0-19  dpkg     300.0kB  0B         4\n"
    "flask         3.1.3      python   50.0kB   0B         20\n"
    "(no package)  -          -        150.0kB  1.0MB      -\n"
    "\n"
    "Secrets (names only, never values):\n"
    "kind    where      layer  still visible\n"
    "------  ---------  -----  --------------------------------------\n"
    "dotenv  /app/.env  1      no (deleted later, still in the layer)\n"
    "\n"
    "Largest files:\n"
    "path             bytes\n"
    "---------------  -------\n"
    "/usr/bin/gcc-14  250.0kB\n"
)

MARKDOWN = (
    "- image: demo:1 (docker-archive (classic)), 2 layers\n"
    "- stored 2.0MB, visible 1.5MB, wasted 500.0kB, efficiency 75.00%\n"
    "- base image: the first 1 layers are ... (base image layers)\n"
    "- yours (what editing this Dockerfile can change): visible 500.0kB, wasted 400.0kB\n"
    "- dive-compatible: efficiency 81.2500%, inefficient bytes 600000\n"
    "- digests verified: config\n"
    "\n"
    "### Layers\n"
    "\n"
    "| # | from | size | added | modified | deleted | hidden later | created by |\n"
    "| --- | --- | --- | --- | --- | --- | --- | --- |\n"
    "| 0 | base | 1.2MB | 1 | 0 | 0 | 100.0kB | ADD rootfs / |\n"
    "| 1 | yours | 800.0kB | 1 | 3 | 1 | 0B | " + CUT + " |\n"
    "\n"
    "### Waste by cause (bytes stored, then hidden)\n"
    "\n"
    "| cause | yours | from base |\n"
    "| --- | --- | --- |\n"
    "| overwritten | 400.0kB | 0B |\n"
    "| whiteout | 0B | 100.0kB |\n"
    "\n"
    "### Leftovers (build-only content in the final filesystem)\n"
    "\n"
    "| category | yours | from base | files | largest |\n"
    "| --- | --- | --- | --- | --- |\n"
    "| compilers | 200.0kB | 100.0kB | 4 | /usr/bin/gcc-14 |\n"
    "\n"
    "### Largest owners\n"
    "\n"
    "| package | version | manager | yours | from base | files |\n"
    "| --- | --- | --- | --- | --- | --- |\n"
    "| gcc-14 | 14.2.0-19 | dpkg | 300.0kB | 0B | 4 |\n"
    "| flask | 3.1.3 | python | 50.0kB | 0B | 20 |\n"
    "| (no package) | - | - | 150.0kB | 1.0MB | - |\n"
    "\n"
    "### Secrets (names only, never values)\n"
    "\n"
    "| kind | where | layer | still visible |\n"
    "| --- | --- | --- | --- |\n"
    "| dotenv | /app/.env | 1 | no (deleted later, still in the layer) |\n"
    "\n"
    "### Largest files\n"
    "\n"
    "| path | bytes |\n"
    "| --- | --- |\n"
    "| /usr/bin/gcc-14 | 250.0kB |\n"
)


def test_the_whole_table() -> None:
    assert report.analysis_table(RESULT) == TABLE


def test_the_whole_markdown() -> None:
    assert report.analysis_markdown(RESULT) == MARKDOWN


def test_secrets_still_visible_or_in_the_config_and_digests_not_verified() -> None:
    changed = replace(
        RESULT,
        secrets=[
            Secret("dotenv", "file", 1, "/app/.env", True),
            Secret("env", "env", None, "API_TOKEN", True),
        ],
        verification=Verification(False, (), ()),
    )
    text = report.analysis_table(changed)
    assert text.splitlines()[5] == "digests not verified (--no-verify)"
    section = text[text.index("Secrets") : text.index("Largest files")]
    assert section.splitlines() == [
        "Secrets (names only, never values):",
        "kind    where          layer  still visible",
        "------  -------------  -----  -------------",
        "dotenv  /app/.env      1      yes",
        "env     env API_TOKEN  -      yes",
        "",
    ]


def test_every_digest_checked_is_named() -> None:
    checked = replace(RESULT, verification=Verification(True, ("config", "layers"), ()))
    assert report.analysis_table(checked).splitlines()[5] == "digests verified: config, layers"


def test_empty_sections_in_full() -> None:
    empty = replace(RESULT, secrets=[], leftovers=[], waste=Waste(), base_waste=Waste())
    text = report.analysis_table(empty)
    assert "Secrets (names only, never values):\n  (none)\n" in text
    markdown = report.analysis_markdown(empty)
    assert "### Secrets (names only, never values)\n\n(none)\n" in markdown


def test_json_is_indented_by_two() -> None:
    text = report.analysis_json(RESULT)
    assert text.startswith('{\n  "schema": "slimstage.analyze/2",\n  "source": "demo:1",\n')
    assert text.endswith("}\n")


def test_owner_rows_at_most_fifteen_and_versions_cut_at_24() -> None:
    owners = [Owned(f"p{i:02}", "dpkg", 1000 - i, 1, "v" * 24, "", 0) for i in range(16)]
    owners[0] = replace(owners[0], version="w" * 25)
    many = replace(RESULT, packages=replace(RESULT.packages, os=owners, python=[]))
    section = report.analysis_table(many).split("Largest owners:\n")[1].split("\n\n")[0]
    rows = section.splitlines()[2:]
    assert [row.split()[0] for row in rows] == [f"p{i:02}" for i in range(15)] + ["(no"]
    assert rows[0].split()[1] == "w" * 23 + "…"  # 25 characters: cut
    assert rows[1].split()[1] == "v" * 24  # exactly 24: kept
