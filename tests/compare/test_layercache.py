from __future__ import annotations

import json
from pathlib import Path

import pytest

from slimstage.compare import layercache
from slimstage.compare.layercache import SizeCache, default_path


def test_default_path_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_path() == tmp_path / "slimstage" / "compressed-layers.json"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_path() == tmp_path / "home" / ".cache" / "slimstage" / "compressed-layers.json"


def test_sizes_survive_a_save_and_merge_with_another_run(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "sizes.json"
    first, second = SizeCache(path), SizeCache(path)
    first.put("sha256:a", 10)
    first.save()
    second.put("sha256:b", 20)
    second.save()  # written after the first: both entries stay
    assert json.loads(path.read_text()) == {"sha256:a": 10, "sha256:b": 20}
    assert SizeCache(path).get("sha256:a") == 10
    assert SizeCache(path).get("sha256:c") is None
    assert [p.name for p in path.parent.iterdir()] == ["sizes.json"]  # no temporary file left


def test_a_broken_or_foreign_file_is_an_empty_cache(tmp_path: Path) -> None:
    path = tmp_path / "sizes.json"
    for text in ("{not json", "[1, 2]", '{"sha256:a": -1, "sha256:b": "x"}'):
        path.write_text(text)
        assert SizeCache(path).get("sha256:a") is None
        assert SizeCache(path).get("sha256:b") is None


def test_no_path_means_no_file(tmp_path: Path) -> None:
    cache = SizeCache(None)
    cache.put("sha256:a", 1)
    cache.save()
    assert cache.get("sha256:a") == 1


def test_an_unwritable_cache_never_fails_the_run(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    cache = SizeCache(blocker / "sizes.json")  # its folder cannot be made
    cache.put("sha256:a", 1)
    cache.save()


def test_the_file_keeps_the_newest_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(layercache, "MAX_ENTRIES", 3)
    cache = SizeCache(tmp_path / "sizes.json")
    for n in range(5):
        cache.put(f"sha256:{n}", n)
    cache.save()
    assert list(json.loads((tmp_path / "sizes.json").read_text())) == [
        "sha256:2",
        "sha256:3",
        "sha256:4",
    ]
