"""diff: files in one image and absent, or of another size, in the other."""

from __future__ import annotations

from slimstage.analyze.analysis import Analysis, Examined, FileFacts, Packages
from slimstage.analyze.divecompat import DiveFigures
from slimstage.analyze.filetree import Waste
from slimstage.analyze.imagediff import Named, diff


def _examined(source: str, files: dict[str, FileFacts]) -> Examined:
    visible = sum(f.size for f in files.values())
    analysis = Analysis(
        source=source,
        layout="oci-layout",
        size_bytes=visible,
        visible_bytes=visible,
        wasted_bytes=0,
        efficiency=1.0,
        waste=Waste(),
        dive=DiveFigures(1.0, 0, visible),
        layers=[],
        leftovers=[],
        packages=Packages([], [], 0),
        secrets=[],
        top=[],
        bytecode_disabled=False,
    )
    return Examined(analysis, files)


SINGLE = _examined(
    "single",
    {
        "usr/bin/gcc-14": FileFacts(5000, "gcc-14", "compilers"),
        "usr/lib/gcc/cc1": FileFacts(9000, "cpp-14", "compilers"),
        "usr/include/stdio.h": FileFacts(300, "libc6-dev", "headers"),
        "usr/bin/python3": FileFacts(100, "python3", None),
        "app/app.py": FileFacts(12, None, None),
        "etc/changed": FileFacts(40, None, None),
    },
)
MULTI = _examined(
    "multi",
    {
        "usr/bin/python3": FileFacts(100, "python3", None),
        "app/app.py": FileFacts(12, None, None),
        "etc/changed": FileFacts(41, None, None),
        "opt/venv/bin/gunicorn": FileFacts(7, "gunicorn", None),
    },
)


def test_each_side_holds_what_the_other_lacks_or_has_at_another_size() -> None:
    result = diff(SINGLE, MULTI, top=10)
    assert (result.a, result.b) == ("single", "multi")
    assert (result.a_size_bytes, result.b_size_bytes) == (14452, 160)
    removed, added = result.only_in_a, result.only_in_b
    assert (removed.bytes, removed.files) == (5000 + 9000 + 300 + 40, 4)
    assert (added.bytes, added.files) == (41 + 7, 2)
    assert [t.path for t in removed.top] == [
        "/usr/lib/gcc/cc1",
        "/usr/bin/gcc-14",
        "/usr/include/stdio.h",
        "/etc/changed",
    ]


def test_sides_group_by_package_and_leftover_category_largest_first() -> None:
    removed = diff(SINGLE, MULTI, top=10).only_in_a
    assert removed.by_package == [
        Named("cpp-14", 9000, 1),
        Named("gcc-14", 5000, 1),
        Named("libc6-dev", 300, 1),
        Named("(no package)", 40, 1),
    ]
    assert removed.by_leftover == [Named("compilers", 14000, 2), Named("headers", 300, 1)]


def test_top_limits_the_lists() -> None:
    removed = diff(SINGLE, MULTI, top=2).only_in_a
    assert len(removed.top) == 2
    assert len(removed.by_package) == 2
    assert removed.files == 4  # the totals still count everything


def test_identical_images_differ_in_nothing() -> None:
    same = diff(MULTI, MULTI, top=5)
    assert (same.only_in_a.files, same.only_in_b.files, same.only_in_a.bytes) == (0, 0, 0)
