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
