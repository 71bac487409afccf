"""A layer's entries as columns: kinds, links, whiteouts, and contents compared where they lie."""

from __future__ import annotations

import io
from pathlib import Path

from slimstage.image.entries import same_content
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
