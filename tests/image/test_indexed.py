"""A tar on disk: indexed by its headers, its layers read in place, in parallel or not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from slimstage.analyze.analysis import read_layer
from slimstage.errors import UsageError
from slimstage.image import assembly, indexed, manifest, segments, workers
from tests.image import craft
from tests.imagebuild import ImageSpec, docker_classic, flip

SPEC = ImageSpec(
    [
        [("dir", "etc"), ("file", "etc/a", "a" * 3000), ("symlink", "etc/b", "a")],
        [("file", "etc/a", "b" * 3000), ("whiteout", "etc/b")],
        [("file", f"f{i}", str(i) * i) for i in range(200)],
    ]
)


def test_the_index_lists_regular_members_with_their_places(tmp_path: Path) -> None:
    path = docker_classic(tmp_path / "a.tar", SPEC)
    members = indexed.index(str(path), "a.tar")
    assert "manifest.json" in members
    manifest = members["manifest.json"]
    with path.open("rb") as handle:
        handle.seek(manifest.offset)
        assert handle.read(manifest.size).startswith(b"[{")


def _tables(path: Path) -> list[tuple[object, ...]]:
    image = indexed.read(str(path), "a", read_layer=read_layer, platform=None, verify=True)
    return [
        (tuple(t.paths), bytes(t.kinds), list(t.sizes), list(t.offsets), t.links)
        for t in (layer.summary.table for layer in image.layers)
    ]


def test_worker_processes_read_what_this_process_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = docker_classic(tmp_path / "a.tar", SPEC)
    here = _tables(path)
    monkeypatch.setattr(assembly, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(workers, "processes", lambda: 2)
    assert _tables(path) == here


def test_a_bad_layer_read_by_a_worker_is_the_same_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = docker_classic(tmp_path / "a.tar", SPEC)
    flip(path, b"b" * 3000)  # the second layer no longer matches its diff_id
    monkeypatch.setattr(assembly, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(workers, "processes", lambda: 2)
    with pytest.raises(UsageError, match="does not match its diff_id"):
        _tables(path)


def test_json_members_are_read_within_a_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = docker_classic(tmp_path / "a.tar", SPEC)
    monkeypatch.setattr(manifest, "JSON_LIMIT", 10)
    with pytest.raises(UsageError, match=r"manifest\.json is larger than 10 bytes"):
        _tables(path)


def test_names_lose_a_leading_dot_slash_and_the_last_member_wins(tmp_path: Path) -> None:
    path = tmp_path / "t.tar"
    path.write_bytes(
        craft.tar(
            craft.member("./manifest.json", b"old"),
            craft.member("dir", kind=b"5"),
            craft.member("manifest.json", b"[new]"),
            craft.member("./a/./b", b"x"),
        )
    )
    members = indexed.index(str(path), "t.tar")
    assert sorted(members) == ["a/./b", "manifest.json"]  # no folder, one manifest
    assert members["manifest.json"].size == 5
    # headers at 0 (./manifest.json, its data at 512), 1024 (dir) and 1536: the data at 2048
    assert members["manifest.json"].offset == 2048


def test_a_broken_tar_names_the_last_member_read(tmp_path: Path) -> None:
    good = craft.member("first", b"x" * 10)
    bad = bytearray(craft.member("second", b"y"))
    bad[148:156] = b"0000000\0"  # a checksum that does not add up
    path = tmp_path / "t.tar"
    path.write_bytes(good + bytes(bad))
    with pytest.raises(
        UsageError,
        match=r"^t\.tar: not a readable image archive: .*"
        r" \(last member read: first\)$",
    ):
        indexed.index(str(path), "t.tar")
    path.write_bytes(b"\xff" * 1024)  # no member at all
    with pytest.raises(UsageError, match=r"^t\.tar: not a readable image archive: [^(]*$"):
        indexed.index(str(path), "t.tar")


def test_json_up_to_the_limit_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = docker_classic(tmp_path / "a.tar", SPEC)
    members = indexed.index(str(path), "a.tar")
    largest = max(m.size for name, m in members.items() if name.endswith(".json"))
    monkeypatch.setattr(manifest, "JSON_LIMIT", largest)
    assert len(_tables(path)) == 3


def test_an_archive_that_is_no_tar_at_all_names_no_member(tmp_path: Path) -> None:
    path = tmp_path / "t.tar"
    path.write_bytes(b"\xff" * 1024)
    with pytest.raises(UsageError) as caught:
        indexed.index(str(path), "t.tar")
    assert str(caught.value) == (
        "t.tar: not a readable image archive: bad header checksum at byte 0"
    )


def test_a_member_claiming_more_than_the_archive_holds_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "t.tar"
    path.write_bytes(craft.member("manifest.json", b"[]") + craft.header("big", 10_000))
    with pytest.raises(UsageError) as caught:
        indexed.index(str(path), "t.tar")
    assert str(caught.value) == (
        "t.tar: not a readable image archive: truncated or inconsistent: a member claims "
        "10000 bytes, 0 are left (last member read: big)"
    )


def _plain(stream: object, name: str, location: str | None) -> str:
    return name  # a reader that cannot read parts of a layer


def test_a_reader_that_cannot_read_parts_reads_every_layer_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = docker_classic(tmp_path / "a.tar", SPEC)
    monkeypatch.setattr(segments, "SPLIT_BYTES", 1024)
    monkeypatch.setattr(assembly, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(workers, "processes", lambda: 2)
    image = indexed.read(str(path), "x", read_layer=_plain, platform=None, verify=True)
    assert [layer.summary for layer in image.layers] == [layer.digest for layer in image.layers]


@pytest.mark.filterwarnings("error")
def test_a_config_the_archive_lacks_is_named_as_the_config(tmp_path: Path) -> None:
    path = tmp_path / "t.tar"
    listing = json.dumps([{"Config": "c.json", "Layers": []}]).encode()
    path.write_bytes(craft.tar(craft.member("manifest.json", listing)))
    with pytest.raises(UsageError) as caught:
        indexed.read(str(path), "t.tar", read_layer=_plain, platform=None, verify=True)
    assert str(caught.value) == "image archive names a config it does not contain: c.json"
