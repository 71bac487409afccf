"""A layer's entries as columns: kinds, links, whiteouts, and contents compared where they lie."""

from __future__ import annotations

import io
from pathlib import Path

from slimstage.image.entries import EntryTable, same_content
from slimstage.image.filerange import FileRange
from slimstage.image.layer import scan
from tests.imagebuild import layer_tar


def test_entry_tables_hold_kinds_links_and_whiteouts() -> None:
    blob = layer_tar(
        [
            ("dir", "etc"),
            ("file", "etc/a", "aaa"),
            ("symlink", "etc/s", "/etc/a"),
            ("hardlink", "etc/h", "etc/a"),
            ("whiteout", "etc/gone"),
            ("opaque", "var"),
        ]
    )
    table = scan(io.BytesIO(blob), "t").table
    assert [table.kind(i) for i in range(len(table))] == [
        "dir",
        "file",
        "symlink",
        "hardlink",
        "file",
        "file",
    ]
    assert table.links == {2: "/etc/a", 3: "etc/a"}
    assert [table.paths[i] for i in table.whiteouts] == ["etc/.wh.gone", "var/.wh..wh..opq"]
    assert list(table.sizes) == [0, 3, 0, 0, 0, 0]


def test_same_content_by_digest_or_by_bytes(tmp_path: Path) -> None:
    blob = layer_tar(
        [("file", "a", "x" * 3000), ("file", "b", "x" * 3000), ("file", "c", "x" * 2999 + "y")]
    )
    path = tmp_path / "layer.tar"
    path.write_bytes(blob)
    with FileRange.open(str(path), 0, len(blob)) as stream:
        skipped = scan(stream, "t", str(path)).table
    assert same_content(skipped, 0, skipped, 1)
    assert not same_content(skipped, 0, skipped, 2)
    assert list(skipped.digests) == [-1, -1, -1]  # compared byte for byte, not digested
    streamed = scan(io.BytesIO(blob), "t").table
    for one in (skipped, streamed):
        for other in (skipped, streamed):
            assert same_content(one, 0, other, 1)
            assert not same_content(one, 0, other, 2)


def test_entries_added_one_by_one_and_which_are_whiteouts() -> None:
    table = EntryTable("layer.tar")
    names = ["a/.wh.b", ".wh.top", "a.wh.b/c", "x/y.wh.z", "d/.wh..wh..opq"]
    for index, name in enumerate(names):
        assert table.add(name, 0, index * 10, index, 512 * index) == index
    assert (table.paths, list(table.sizes), list(table.digests), list(table.offsets)) == (
        names,
        [0, 10, 20, 30, 40],
        [0, 1, 2, 3, 4],
        [0, 512, 1024, 1536, 2048],
    )
    assert table.whiteouts == [0, 1, 4]  # only a name that starts with .wh. deletes
    assert len(table) == 5
