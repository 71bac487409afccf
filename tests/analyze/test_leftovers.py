"""Build-only content left in the final filesystem, by category."""

from __future__ import annotations

import pytest

from slimstage.analyze.leftovers import (
    CATEGORIES,
    Bytecode,
    Leftover,
    category_of,
    find,
    python_versions,
)


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
    assert category_of(path) == category


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
    assert category_of(path) is None


#: A Python 3.13 image's files: the standard library with its bytecode, a site-packages.
STDLIB = "usr/lib/python3.13"
SITE = "usr/local/lib/python3.13/site-packages"
IMAGE = {
    f"{STDLIB}/os.py": 40_000,
    f"{STDLIB}/__pycache__/os.cpython-313.pyc": 50_000,
    f"{STDLIB}/__pycache__/os.cpython-313.opt-1.pyc": 50_000,
    f"{STDLIB}/json/__init__.py": 14_000,
    f"{STDLIB}/json/__pycache__/__init__.cpython-313.pyc": 13_000,
    f"{SITE}/app/__init__.py": 10,
    f"{SITE}/app/__pycache__/__init__.cpython-313.pyc": 300,
    f"{SITE}/app/__pycache__/gone.cpython-313.pyc": 500,  # its source was deleted
    f"{SITE}/app/__pycache__/__init__.cpython-311.pyc": 290,  # another interpreter's
    f"{SITE}/app/legacy.py": 20,
    f"{SITE}/app/legacy.pyc": 70,  # beside its source: Python 3 never reads it there
    f"{SITE}/app/sourceless.pyc": 80,  # no source: imported as it is
    f"{SITE}/app/old.pyo": 60,
}


def test_python_versions_come_from_the_standard_library() -> None:
    assert python_versions(IMAGE) == {"3.13"}
    assert python_versions(["usr/local/lib/python3.11/os.py", "opt/venv/lib/python3.9/x.py"]) == {
        "3.11"
    }


@pytest.mark.parametrize(
    ("path", "leftover"),
    [
        (f"{STDLIB}/__pycache__/os.cpython-313.pyc", False),  # read at every start
        (f"{STDLIB}/__pycache__/os.cpython-313.opt-1.pyc", False),  # read under -O
        (f"{STDLIB}/json/__pycache__/__init__.cpython-313.pyc", False),
        (f"{SITE}/app/__pycache__/__init__.cpython-313.pyc", False),
        (f"{SITE}/app/__pycache__/gone.cpython-313.pyc", True),
        (f"{SITE}/app/__pycache__/__init__.cpython-311.pyc", True),
        (f"{SITE}/app/legacy.pyc", True),
        (f"{SITE}/app/sourceless.pyc", False),
        (f"{SITE}/app/old.pyo", True),
    ],
)
def test_bytecode_is_a_leftover_only_when_nothing_can_import_it(path: str, leftover: bool) -> None:
    bytecode = Bytecode(IMAGE, python_versions(IMAGE))
    assert bytecode.leftover(path) is leftover
    assert category_of(path, bytecode) == ("bytecode" if leftover else None)
    assert category_of(path) is None  # unjudged bytecode is never called a leftover


def test_an_unknown_interpreter_makes_no_bytecode_foreign() -> None:
    files = {"opt/app/mod.py": 1, "opt/app/__pycache__/mod.cpython-311.pyc": 1}
    assert not Bytecode(files, python_versions(files)).leftover(
        "opt/app/__pycache__/mod.cpython-311.pyc"
    )


def test_find_groups_sums_and_lists_the_largest_examples_first() -> None:
    files = [(f"usr/include/h{i}.h", i) for i in range(1, 61)] + [
        ("usr/bin/gcc-14", 5000),
        ("var/lib/apt/lists/lock", 0),  # empty files cost nothing
        ("app/app.py", 999),
    ]
    found = find([(path, size, path.endswith("9.h")) for path, size in files], None)
    assert [lo.category for lo in found] == ["compilers", "headers"]
    headers = found[1]
    assert (headers.bytes, headers.files) == (sum(range(1, 61)), 60)
    assert headers.examples == tuple(f"/usr/include/h{i}.h" for i in (60, 59, 58, 57, 56))
    # h9.h, h19.h, ... h59.h came with the base image
    assert (headers.base_bytes, headers.base_files) == (sum(range(9, 60, 10)), 6)
    assert found[0] == Leftover("compilers", 5000, 1, ("/usr/bin/gcc-14",), 0, 0)


def test_every_category_has_a_distinct_name() -> None:
    names = [name for name, _ in CATEGORIES]
    assert len(names) == len(set(names))


def test_a_source_that_is_a_symlink_makes_its_bytecode_importable() -> None:
    # Debian: /usr/lib/python3.13/sitecustomize.py -> /etc/python3.13/sitecustomize.py
    files = {f"{STDLIB}/os.py": 1, f"{STDLIB}/__pycache__/sitecustomize.cpython-313.pyc": 1}
    bytecode = Bytecode(files, python_versions(files), {f"{STDLIB}/sitecustomize.py"})
    assert not bytecode.leftover(f"{STDLIB}/__pycache__/sitecustomize.cpython-313.pyc")
    assert Bytecode(files, python_versions(files)).leftover(
        f"{STDLIB}/__pycache__/sitecustomize.cpython-313.pyc"
    )


def test_the_largest_examples_are_kept_whatever_order_files_come_in() -> None:
    files = [(f"usr/include/h{i}.h", i, False) for i in range(60, 0, -1)]  # largest first
    [headers] = find(files, None)
    assert headers.examples == tuple(f"/usr/include/h{i}.h" for i in (60, 59, 58, 57, 56))


def test_find_judges_bytecode_with_what_it_is_given() -> None:
    files = {"opt/app/mod.py": 1, "opt/app/__pycache__/gone.cpython-313.pyc": 70}
    bytecode = Bytecode(files, frozenset({"3.13"}))
    visible = [(path, size, False) for path, size in files.items()]
    assert find(visible, bytecode) == [
        Leftover("bytecode", 70, 1, ("/opt/app/__pycache__/gone.cpython-313.pyc",))
    ]
    assert find(visible, None) == []


@pytest.mark.parametrize(
    ("paths", "versions"),
    [
        (["usr/lib/python3.11/os.pyc"], {"3.11"}),  # bytecode in the legacy place, no source
        (["usr/lib/python3.12/__pycache__/os.cpython-312.pyc"], {"3.12"}),
        (["usr/lib/python3.12/json/__init__.py", "usr/lib/python3.10/cos.py"], set()),
    ],
)
def test_python_versions_from_os_in_any_form(paths: list[str], versions: set[str]) -> None:
    assert python_versions(paths) == versions


def test_bytecode_named_as_no_import_system_names_it_is_not_judged() -> None:
    files = {"opt/x/__pycache__/notes.pyc": 1}
    assert not Bytecode(files, frozenset({"3.13"})).leftover("opt/x/__pycache__/notes.pyc")


def test_bytecode_of_a_module_at_the_root() -> None:
    files = {"mod.py": 1, "__pycache__/mod.cpython-313.pyc": 1}
    bytecode = Bytecode(files, frozenset({"3.13"}))
    assert not bytecode.leftover("__pycache__/mod.cpython-313.pyc")
    assert bytecode.leftover("__pycache__/other.cpython-313.pyc")


def test_an_empty_file_in_a_leftover_folder_counts_as_no_file() -> None:
    files = [("usr/include/empty.h", 0, False), ("usr/include/stdio.h", 300, False)]
    assert find(files, None) == [Leftover("headers", 300, 1, ("/usr/include/stdio.h",))]
    assert find(files[:1], None) == []
