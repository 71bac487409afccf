"""Stacking crafted layers: every stored byte is visible or waste with exactly one cause."""

from __future__ import annotations

import io

from slimstage.analyze.filetree import Waste, stack
from slimstage.image.layer import Entry, scan
from tests.imagebuild import Spec, layer_tar

L0: list[Spec] = [
    ("dir", "etc"),
    ("file", "etc/a", "a" * 100),
    ("dir", "bin"),
    ("file", "bin/tool", "t" * 1000),
    ("dir", "data"),
    ("file", "data/x", "x" * 300),
    ("file", "data/y", "y" * 200),
    ("dir", "keep"),
    ("file", "keep/k", "k" * 70),
    ("file", "same", "s" * 400),
]
L1: list[Spec] = [
    ("file", "etc/a", "b" * 150),  # overwritten: 100
    ("file", "same", "s" * 400, "0755"),  # chmod-only rewrite: 400 unchanged
    ("whiteout", "bin/tool"),  # whiteout: 1000
    ("whiteout", "data"),  # dir deleted: 500
    ("opaque", "keep"),
    ("file", "keep/new", "n" * 60),  # opaque: 70
    ("hardlink", "etc/b", "etc/a"),
    ("symlink", "s", "etc/a"),
]
L2: list[Spec] = [("whiteout", "ghost"), ("file", "aa", "a" * 5), ("file", "zz", "z" * 10)]


def entries(specs: list[Spec]) -> tuple[Entry, ...]:
    return scan(io.BytesIO(layer_tar(specs)), "test").entries


def test_every_cause_is_counted_exactly() -> None:
    result = stack([entries(L0), entries(L1), entries(L2)])
    assert result.stored_bytes == 2070 + 610 + 15
    assert result.waste == Waste(
        overwritten=100, rewritten_unchanged=400, whiteout=1000, dir_deleted=500, opaque=70
    )
    assert result.visible_bytes == 150 + 400 + 60 + 15
    assert result.stored_bytes == result.visible_bytes + result.wasted_bytes


def test_final_filesystem_and_layer_counts() -> None:
    result = stack([entries(L0), entries(L1), entries(L2)])
    paths = {path for path, _ in result.files()}
    assert paths == {"etc/a", "etc/b", "same", "keep/new", "s", "aa", "zz"}
    first, second, third = result.layer_stats
    assert (first.added, first.modified, first.deleted) == (6, 0, 0)
    assert (second.added, second.modified, second.deleted) == (3, 2, 3)
    assert (third.added, third.deleted) == (2, 0)  # a whiteout of nothing deletes nothing


def test_opaque_keeps_what_the_same_layer_adds_before_the_marker() -> None:
    lower = entries([("dir", "d"), ("file", "d/old", "o" * 10)])
    upper = entries([("file", "d/new", "n" * 5), ("opaque", "d")])  # marker after the file
    result = stack([lower, upper])
    assert {p for p, _ in result.files()} == {"d/new"}
    assert result.waste.opaque == 10


def test_file_replaced_by_directory_and_back() -> None:
    result = stack(
        [
            entries([("file", "p", "f" * 8)]),
            entries([("dir", "p"), ("file", "p/q", "q" * 3)]),
            entries([("file", "p", "g" * 2)]),
        ]
    )
    assert {p for p, _ in result.files()} == {"p"}
    assert result.waste.overwritten == 8 + 3
    assert result.visible_bytes == 2


def test_symlink_loops_resolve_to_nothing() -> None:
    result = stack([entries([("symlink", "a", "b"), ("symlink", "b", "a")])])
    assert result.resolve("a/x") is None
    assert result.resolve("a", follow_last=False) is not None


def test_merged_usr_resolution() -> None:
    result = stack([entries([("symlink", "bin", "usr/bin"), ("file", "usr/bin/sh", "x")])])
    found = result.resolve("bin/sh", follow_last=False)
    assert found is not None
    assert found[0] == "usr/bin/sh"


def test_a_file_of_one_byte_hidden_by_a_whiteout_counts_as_waste() -> None:
    result = stack([entries([("file", "one", "1")]), entries([("whiteout", "one")])])
    assert result.waste == Waste(whiteout=1)
    assert result.hidden == [("one", 0, 1, "whiteout")]
    assert (result.stored_bytes, result.visible_bytes) == (1, 0)


def test_every_cause_counts_files_of_one_byte() -> None:
    lower = entries(
        [
            ("file", "over", "o"),
            ("file", "same", "s"),
            ("dir", "gone"),
            ("file", "gone/f", "g"),
            ("dir", "opq"),
            ("file", "opq/f", "q"),
        ]
    )
    upper = entries(
        [("file", "over", "O"), ("file", "same", "s"), ("whiteout", "gone"), ("opaque", "opq")]
    )
    result = stack([lower, upper])
    assert result.waste == Waste(overwritten=1, rewritten_unchanged=1, dir_deleted=1, opaque=1)
    assert sorted(result.hidden) == [
        ("gone/f", 0, 1, "dir_deleted"),
        ("opq/f", 0, 1, "opaque"),
        ("over", 0, 1, "overwritten"),
        ("same", 0, 1, "rewritten_unchanged"),
    ]


def test_an_empty_file_hidden_is_no_waste_and_not_listed() -> None:
    result = stack([entries([("file", "empty", "")]), entries([("whiteout", "empty")])])
    assert result.waste == Waste()
    assert result.hidden == []
