"""diff's renderings: both sides, what moved, packages by identity, in every format."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from slimstage.analyze import diffreport
from slimstage.analyze.imagediff import ImageDiff, PackageChange, diff
from tests.analyze.test_imagediff import RUNTIME, SINGLE, _examined


def _diff(tmp_path: Path) -> ImageDiff:
    return diff(_examined(tmp_path, "a", SINGLE), _examined(tmp_path, "b", RUNTIME), top=10)


def test_table_names_both_sides_moves_and_packages(tmp_path: Path) -> None:
    result = _diff(tmp_path)
    text = diffreport.diff_table(result)
    assert text.splitlines()[0].startswith(f"A = {result.a}: ")
    assert f"In {result.a}, not in {result.b}: " in text
    assert "moved: 3.1kB in 4 files are at another path (same content)" in text
    assert "/usr/lib/libpq.so.5.17" in text
    assert "packages installed elsewhere (moved):" in text
    assert "Flask    python   3.1.3 in /usr/local/lib/python3.13/dist-packages" in text
    assert "libpq5   dpkg     17.5-1" in text


def test_markdown_and_json(tmp_path: Path) -> None:
    result = _diff(tmp_path)
    markdown = diffreport.diff_markdown(result)
    assert "### packages at another version" in markdown
    assert "| libpq5 | dpkg | 17.5-1 | 17.6-1 |" in markdown
    document = json.loads(diffreport.diff_json(result))
    assert document["schema"] == "slimstage.diff/2"
    assert document["moved"]["files"] == 4
    assert document["packages"]["moved"][0]["name"] == "Flask"
    assert set(document["only_in_a"]) == {"bytes", "files", "by_package", "by_leftover", "top"}


def test_names_from_the_images_are_escaped(tmp_path: Path) -> None:
    result = _diff(tmp_path)
    hostile = ImageDiff(
        "a\x1b[2J",
        result.b,
        result.a_size_bytes,
        result.b_size_bytes,
        result.packages,
        result.only_in_a,
        result.only_in_b,
        result.moved,
    )
    for text in (diffreport.diff_table(hostile), diffreport.diff_markdown(hostile)):
        assert "\x1b" not in text
        assert "a\\x1b[2J" in text


EXPECTED = Path(__file__).parent / "expected"


def test_the_whole_table_and_markdown(tmp_path: Path) -> None:
    # The expected files were checked line by line against SINGLE and RUNTIME: only in A, gcc-14's
    # two files (5000 + 9000 bytes) and four unowned ones (dpkg's status 186, libpq5.list 43,
    # /etc/changed 40, gcc-14's list 33 = 302 B); only in B, 61 + 41 + 20 + 9 = 131 B; moved,
    # libpq's 3000 B and Flask's three files (35 + 30 + 20) = 3085 B; app.py is in both.
    result = replace(_diff(tmp_path), a="single.tar", b="runtime.tar")
    assert diffreport.diff_table(result) == (EXPECTED / "diff.txt").read_text()
    assert diffreport.diff_markdown(result) == (EXPECTED / "diff.md").read_text()


def test_json_is_indented_by_two(tmp_path: Path) -> None:
    text = diffreport.diff_json(_diff(tmp_path))
    assert text.startswith('{\n  "schema": ')
    assert text.endswith("}\n")


def test_packages_only_on_one_side_are_listed_up_to_twenty(tmp_path: Path) -> None:
    result = _diff(tmp_path)
    many = [PackageChange(f"p{i:02}", "dpkg", "1", "", "", "", 10, 0) for i in range(25)]
    packages = replace(result.packages, only_in_a=many, only_in_b=many[:21])
    text = diffreport.diff_table(replace(result, packages=packages))
    assert "p19" in text
    assert "p20" not in text  # the 21st and later: left out on both sides
