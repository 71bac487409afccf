"""Visible bytes by folder, for a treemap: each folder's figure includes its sub-folders'."""

from __future__ import annotations

from slimstage.analyze.folders import FolderSize, folder_sizes

FILES = [
    ("usr/lib/python3.13/os.py", 400, True),
    ("usr/lib/python3.13/json/__init__.py", 100, True),
    ("usr/lib/python3.13/json/deep/er/still/x.py", 50, False),
    ("usr/bin/python3", 300, True),
    ("app/app.py", 140, False),
    ("README", 10, False),
]


def test_sizes_roll_up_to_every_ancestor_up_to_the_depth() -> None:
    found = {f.path: f for f in folder_sizes(FILES, 1000, depth=3, share=0)}
    assert found["/"] == FolderSize("/", 1000, 6, 800)
    assert found["/usr"] == FolderSize("/usr", 850, 4, 800)
    assert found["/usr/lib/python3.13"] == FolderSize("/usr/lib/python3.13", 550, 3, 500)
    # Folders deeper than the depth are counted in their ancestor at that depth.
    assert "/usr/lib/python3.13/json" not in found
    assert found["/app"] == FolderSize("/app", 140, 1, 0)
    assert set(found) == {"/", "/usr", "/usr/lib", "/usr/lib/python3.13", "/usr/bin", "/app"}


def test_small_folders_are_left_out_and_the_list_is_by_path() -> None:
    found = folder_sizes(FILES, 1000, depth=2, share=0.2)
    assert [f.path for f in found] == ["/", "/usr", "/usr/bin", "/usr/lib"]  # /app: 140 < 200
    assert found[3].bytes == 550


def test_several_files_in_one_folder_all_count() -> None:
    files = [("app/a.py", 10, True), ("app/b.py", 20, True), ("app/c.py", 30, False)]
    found = {f.path: f for f in folder_sizes(files, 60, share=0)}
    assert found["/app"] == FolderSize("/app", 60, 3, 30)
    assert found["/"] == FolderSize("/", 60, 3, 30)


def test_a_folder_at_exactly_the_share_is_kept() -> None:
    files = [("a/x", 25, False), ("b/y", 24, False), ("c/z", 51, False)]
    found = [f.path for f in folder_sizes(files, 100, share=0.25)]
    assert found == ["/", "/a", "/c"]  # 25 of 100 is a quarter: in; 24 is not


def test_every_folder_is_kept_when_the_share_rounds_to_nothing() -> None:
    # a share of a tiny total is under a byte: a folder needs one byte to be listed
    files = [("a/x", 1, False), ("b/y", 0, False)]
    assert [f.path for f in folder_sizes(files, 3, share=0.1)] == ["/", "/a"]
