"""The final filesystem as the analyses read it: visible files, kept contents, listed paths."""

from __future__ import annotations

import io

from slimstage.analyze import finalfs, packages
from slimstage.analyze.filetree import Stacked, stack
from slimstage.image.layer import scan
from tests.imagebuild import Spec, layer_tar


def _stacked(*layers: list[Spec]) -> Stacked:
    return stack(
        scan(io.BytesIO(layer_tar(specs)), "t", needs=packages.NEEDS).table for specs in layers
    )


LOWER: list[Spec] = [
    ("symlink", "bin", "usr/bin"),
    ("file", "usr/bin/bash", "b" * 10),
    ("hardlink", "usr/bin/sh", "usr/bin/bash"),
    ("file", "var/lib/dpkg/info/bash.list", "/bin/bash\n"),
    ("file", "etc/old", "o"),
]
UPPER: list[Spec] = [("file", "var/lib/dpkg/info/bash.list", "/bin/bash\n/bin/sh\n")]


def test_visible_files_their_sizes_and_the_symlinks() -> None:
    stacked = _stacked(LOWER, UPPER)
    refs, sizes, links = finalfs.visible_files(stacked)
    assert sizes == {
        "usr/bin/bash": 10,
        "usr/bin/sh": 0,  # a hard link: its bytes are the target's
        "var/lib/dpkg/info/bash.list": 18,
        "etc/old": 1,
    }
    assert list(refs) == list(sizes)
    assert links == {"bin"}
    # The kept contents are those of the visible version.
    assert finalfs.kept_contents(stacked, refs) == {
        "var/lib/dpkg/info/bash.list": b"/bin/bash\n/bin/sh\n"
    }


def test_listed_paths_resolve_through_symlinked_folders_only() -> None:
    stacked = _stacked(LOWER)
    _, sizes, _ = finalfs.visible_files(stacked)
    resolve = finalfs.resolver(stacked, sizes)
    assert resolve("/bin/bash") == ("usr/bin/bash", 10)
    assert resolve("/usr/bin/bash") == ("usr/bin/bash", 10)
    assert resolve("/bin") is None  # the symlink itself is no file
    assert resolve("/nowhere/x") is None


def test_files_with_origin_mark_the_base_images_files() -> None:
    refs = {"a": 0, "b": 1 << 32, "c": 2 << 32}
    sizes = {"a": 1, "b": 2, "c": 3}
    assert list(finalfs.files_with_origin(refs, sizes, 2)) == [
        ("a", 1, True),
        ("b", 2, True),
        ("c", 3, False),
    ]


def test_a_symlinked_folder_deeper_down_is_followed_too() -> None:
    stacked = _stacked([("symlink", "usr/lib64", "lib"), ("file", "usr/lib/ld.so", "l" * 4)])
    _, sizes, _ = finalfs.visible_files(stacked)
    resolve = finalfs.resolver(stacked, sizes)
    assert resolve("/usr/lib64/ld.so") == ("usr/lib/ld.so", 4)
    assert resolve("/usr/lib/ld.so") == ("usr/lib/ld.so", 4)
