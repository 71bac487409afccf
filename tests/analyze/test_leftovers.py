"""Build-only content left in the final filesystem, by category."""

from __future__ import annotations

import pytest

from slimstage.analyze.leftovers import CATEGORIES, Leftover, category_of, find


@pytest.mark.parametrize(
    ("path", "category"),
    [
        ("usr/bin/gcc-12", "compilers"),
        ("usr/bin/x86_64-linux-gnu-gcc-14", "compilers"),
        ("usr/lib/gcc/x86_64-linux-gnu/14/cc1", "compilers"),
        ("usr/bin/make", "compilers"),
        ("usr/lib/x86_64-linux-gnu/libbfd-2.44-system.so", "compilers"),
        ("root/.cargo/bin/cargo", "compilers"),
        ("usr/include/stdio.h", "headers"),
        ("usr/local/include/python3.13/Python.h", "headers"),
        ("usr/lib/x86_64-linux-gnu/libc.a", "static-libraries"),
        ("var/lib/apt/lists/deb.debian.org_InRelease", "package-indexes"),
        ("var/cache/apt/archives/gcc.deb", "package-indexes"),
        ("var/cache/apk/APKINDEX.tar.gz", "package-indexes"),
        ("root/.cache/pip/http/a", "pip-caches"),
        ("home/app/.cache/uv/x", "pip-caches"),
        ("opt/venv/lib/python3.13/site-packages/numpy/tests/test_a.py", "tests-in-site-packages"),
        ("usr/share/doc/bash/README", "docs"),
        ("usr/share/man/man1/ls.1.gz", "docs"),
        ("app/.git/objects/ab/cdef", "vcs"),
    ],
)
def test_categories(path: str, category: str) -> None:
    assert category_of(path, bytecode_disabled=False) == category


@pytest.mark.parametrize(
    "path",
    [
        "usr/bin/python3.13",
        "usr/lib/x86_64-linux-gnu/libpq.so.5",
        "var/lib/apt/lists/lock",
        "usr/share/doc/bash/copyright",
        "app/app.py",
        "usr/bin/gcc-wrapper-script",
    ],
)
def test_runtime_files_are_no_leftovers(path: str) -> None:
    assert category_of(path, bytecode_disabled=True) is None


def test_bytecode_counts_only_when_the_image_says_not_to_write_it() -> None:
    path = "usr/lib/python3/x/__pycache__/a.cpython-313.pyc"
    assert category_of(path, bytecode_disabled=False) is None
    assert category_of(path, bytecode_disabled=True) == "bytecode"


def test_find_groups_sums_and_lists_the_largest_examples_first() -> None:
    files = [(f"usr/include/h{i}.h", i) for i in range(1, 61)] + [
        ("usr/bin/gcc-14", 5000),
        ("var/lib/apt/lists/lock", 0),  # empty files cost nothing
        ("app/app.py", 999),
    ]
    found = find(files, bytecode_disabled=False)
    assert [lo.category for lo in found] == ["compilers", "headers"]
    headers = found[1]
    assert (headers.bytes, headers.files) == (sum(range(1, 61)), 60)
    assert headers.examples == tuple(f"/usr/include/h{i}.h" for i in (60, 59, 58, 57, 56))
    assert found[0] == Leftover("compilers", 5000, 1, ("/usr/bin/gcc-14",))


def test_every_category_has_a_distinct_name() -> None:
    names = [name for name, _ in CATEGORIES]
    assert len(names) == len(set(names))
