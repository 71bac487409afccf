"""Stacking crafted layers: every stored byte is visible or waste with exactly one cause."""

from __future__ import annotations

import io

from slimstage.analyze.filetree import Stacked, Waste, stack
from slimstage.image.layer import EntryTable, scan
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


def entries(specs: list[Spec]) -> EntryTable:
    return scan(io.BytesIO(layer_tar(specs)), "test").table


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
    assert result.stored_waste == [Waste(whiteout=1), Waste()]
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
    # every byte hidden is the lower layer's
    assert result.stored_waste[0] == result.waste
    assert result.stored_waste[1] == Waste()


def test_an_empty_file_hidden_is_no_waste_and_not_listed() -> None:
    result = stack([entries([("file", "empty", "")]), entries([("whiteout", "empty")])])
    assert result.waste == Waste()
    assert result.stored_waste == [Waste(), Waste()]


def test_a_changed_file_of_the_same_size_is_overwritten_not_unchanged() -> None:
    result = stack([entries([("file", "f", "aaaa")]), entries([("file", "f", "bbbb")])])
    assert result.waste == Waste(overwritten=4)


def test_a_whiteout_anywhere_in_the_layer_applies() -> None:
    lower = entries([("file", "old", "o" * 3), ("file", "kept", "k")])
    # the whiteout comes after the layer's own files in the tar
    upper = entries([("file", "new", "n"), ("whiteout", "old")])
    result = stack([lower, upper])
    assert {p for p, _ in result.files()} == {"kept", "new"}
    assert result.waste == Waste(whiteout=3)


def test_a_file_whose_name_ends_like_another_does_not_delete_it() -> None:
    # ".wh." is a prefix of the name, not four characters to cut off any name
    lower = entries([("dir", "d"), ("file", "d/efgh", "e")])
    upper = entries([("file", "d/abcdefgh", "a")])
    assert {p for p, _ in stack([lower, upper]).files()} == {"d/efgh", "d/abcdefgh"}


def test_a_directory_declared_again_keeps_what_follows_it() -> None:
    lower = entries([("dir", "d"), ("file", "d/a", "a")])
    upper = entries([("dir", "d"), ("file", "d/b", "b"), ("file", "c", "c")])
    assert {p for p, _ in stack([lower, upper]).files()} == {"d/a", "d/b", "c"}


def test_a_file_replaced_by_a_folder_its_children_imply_is_overwritten() -> None:
    lower = entries([("dir", "a"), ("file", "a/p", "p" * 8)])
    upper = entries([("file", "a/p/q", "q")])  # no entry for the folder a/p itself
    result = stack([lower, upper])
    assert result.stored_waste == [Waste(overwritten=8), Waste()]
    assert {p for p, _ in result.files()} == {"a/p/q"}


def test_whiteout_paths_are_literal_and_recorded_without_a_slash() -> None:
    lower = entries(
        [("dir", "real"), ("file", "real/f", "f"), ("symlink", "link", "real"), ("file", "X1", "x")]
    )
    # a whiteout under a symlink names no file of the layers below: nothing is deleted through it
    upper = entries([("whiteout", "link/f"), ("whiteout", "X1")])
    result = stack([lower, upper])
    assert {p for p, _ in result.files()} == {"real/f", "link"}
    assert result.waste == Waste(whiteout=1)


def test_symlinks_resolve_like_the_kernel() -> None:
    result = stack(
        [
            entries(
                [
                    ("dir", "usr"),
                    ("dir", "usr/bin"),
                    ("file", "usr/bin/python3", "p"),
                    ("dir", "opt"),
                    ("dir", "opt/venv"),
                    ("dir", "opt/venv/bin"),
                    # absolute: from the root, wherever the link is
                    ("symlink", "opt/venv/bin/python", "/usr/bin/python3"),
                    # relative, with .. and empty and . parts
                    ("symlink", "opt/venv/bin/py", "..//./../../usr/bin/python3"),
                    ("symlink", "opt/lib", "venv/bin"),
                ]
            )
        ]
    )
    for path in ("opt/venv/bin/python", "opt/venv/bin/py", "opt/lib/python", "opt/lib/./py"):
        found = result.resolve(path)
        assert found is not None, path
        assert found[0] == "usr/bin/python3", path
    # the last component is followed unless asked not to
    link = result.resolve("opt/lib", follow_last=False)
    assert link is not None
    assert link[0] == "opt/lib"
    target = result.resolve("usr/bin/python3")
    assert target is not None
    assert isinstance(link[1], int)
    assert link[1] != target[1]  # the link itself, not what it points at
    assert result.resolve("opt/lib/python") == result.resolve("usr/bin/python3")
    assert result.resolve("opt/lib/python", follow=False) is None


def test_forty_symlinks_in_a_row_resolve_and_forty_one_do_not() -> None:
    def chain(length: int) -> list[Spec]:
        links: list[Spec] = [("symlink", f"l{i}", f"l{i + 1}") for i in range(length)]
        return [*links, ("file", f"l{length}", "x")]

    assert stack([entries(chain(40))]).resolve("l0") is not None
    assert stack([entries(chain(41))]).resolve("l0") is None


def _found(result: Stacked, path: str, *, follow: bool = True) -> tuple[str, int]:
    found = result.resolve(path, follow=follow)
    assert found is not None, path
    assert isinstance(found[1], int), path
    return found[0], found[1]


def test_entries_of_later_layers_are_found_in_their_own_layer() -> None:
    # A ref holds its layer above bit 32: layer 1's entries must not be looked up in layer 0,
    # nor layer 3's in layer 1. Each layer puts different entries at the same indexes.
    layers = [
        entries([("file", "a", "a" * 5), ("file", "b", "b" * 7)]),
        entries([("file", "pad", "p"), ("symlink", "link", "a")]),
        entries([("file", "c", "c" * 9), ("file", "d", "d" * 11)]),
        entries([("file", "pad2", "q"), ("file", "d", "d" * 11), ("symlink", "l3", "b")]),
    ]
    result = stack(layers)
    assert _found(result, "link")[0] == "a"
    assert _found(result, "l3")[0] == "b"
    link, l3, a = (_found(result, p, follow=False)[1] for p in ("link", "l3", "a"))
    assert result.kind(link) == result.kind(l3) != result.kind(a)
    # d was written again unchanged in layer 3 over layer 2
    assert result.waste == Waste(rewritten_unchanged=11)
