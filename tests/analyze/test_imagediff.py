"""diff by identity: packages by name and version, files by content where their paths differ."""

from __future__ import annotations

from pathlib import Path

from slimstage.analyze import analysis
from slimstage.analyze.analysis import Examined
from slimstage.analyze.imagediff import Move, Named, PackageChange, canonical, diff
from slimstage.image import source
from tests.imagebuild import ImageSpec, Spec, docker_classic

LIBPQ = "p" * 3000
RECORD = "flask/__init__.py,,\nflask/app.py,,\n"
STATUS = (
    "Package: gcc-14\nStatus: install ok installed\nVersion: 14.2.0-19\n\n"
    "Package: libpq5\nStatus: install ok installed\nVersion: 17.5-1\n\n"
    "Package: gone\nStatus: deinstall ok config-files\nVersion: 1\n"
)
SINGLE: list[Spec] = [
    ("file", "var/lib/dpkg/status", STATUS),
    ("file", "var/lib/dpkg/info/gcc-14:amd64.list", "/usr/bin/gcc-14\n/usr/lib/gcc/cc1\n"),
    ("file", "var/lib/dpkg/info/libpq5.list", "/usr/lib/libpq.so.5.17\n/usr/lib/libpq.so.5\n"),
    ("file", "usr/bin/gcc-14", "g" * 5000),
    ("file", "usr/lib/gcc/cc1", "c" * 9000),
    ("file", "usr/lib/libpq.so.5.17", LIBPQ),
    ("symlink", "usr/lib/libpq.so.5", "libpq.so.5.17"),
    ("file", "usr/local/lib/python3.13/dist-packages/flask/__init__.py", "f" * 20),
    ("file", "usr/local/lib/python3.13/dist-packages/flask/app.py", "a" * 30),
    ("file", "usr/local/lib/python3.13/dist-packages/Flask-3.1.3.dist-info/RECORD", RECORD),
    ("file", "app/app.py", "print('hi')\n"),
    ("file", "etc/changed", "x" * 40),
]
SLIM_STATUS = "Package: libpq5\nStatus: install ok installed\nVersion: 17.6-1\n"
RUNTIME: list[Spec] = [
    ("file", "var/lib/dpkg/status", SLIM_STATUS),
    ("file", "var/lib/dpkg/info/libpq5.list", "/usr/lib/libpq.so.5\n"),
    ("file", "usr/lib/libpq.so.5", LIBPQ),  # COPY --from dereferences the symlink
    ("file", "opt/venv/lib/python3.13/site-packages/flask/__init__.py", "f" * 20),
    ("file", "opt/venv/lib/python3.13/site-packages/flask/app.py", "a" * 30),
    ("file", "opt/venv/lib/python3.13/site-packages/flask-3.1.3.dist-info/RECORD", RECORD),
    ("file", "opt/venv/bin/gunicorn", "#!python\n"),
    ("file", "app/app.py", "print('hi')\n"),
    ("file", "etc/changed", "y" * 41),
]


def _examined(tmp_path: Path, name: str, specs: list[Spec]) -> Examined:
    path = docker_classic(tmp_path / f"{name}.tar", ImageSpec([specs]))
    image = source.load(str(path), read_layer=analysis.read_layer)
    return analysis.examine(image, top=10, base=None)


def test_packages_by_name_and_version(tmp_path: Path) -> None:
    result = diff(_examined(tmp_path, "a", SINGLE), _examined(tmp_path, "b", RUNTIME))
    packages = result.packages
    assert [(c.name, c.a_version) for c in packages.only_in_a] == [("gcc-14", "14.2.0-19")]
    assert packages.only_in_b == []
    assert [(c.name, c.a_version, c.b_version) for c in packages.changed] == [
        ("libpq5", "17.5-1", "17.6-1")
    ]
    # Flask did not appear in B: it moved from dist-packages to the virtualenv.
    assert packages.moved == [
        PackageChange(
            "Flask",
            "python",
            "3.1.3",
            "3.1.3",
            "/usr/local/lib/python3.13/dist-packages",
            "/opt/venv/lib/python3.13/site-packages",
            50,
            50,
        )
    ]


def test_files_by_content_where_paths_differ(tmp_path: Path) -> None:
    a, b = _examined(tmp_path, "a", SINGLE), _examined(tmp_path, "b", RUNTIME)
    result = diff(a, b, top=10)
    removed, added = result.only_in_a, result.only_in_b
    # The venv's flask files and libpq.so.5 (a symlink in A, a file in B) are no new content.
    assert {t.path for t in added.top} == {
        "/opt/venv/bin/gunicorn",
        "/etc/changed",
        "/var/lib/dpkg/status",
        "/var/lib/dpkg/info/libpq5.list",
    }
    assert ("/usr/lib/libpq.so.5.17", "/usr/lib/libpq.so.5", 3000) in {
        (m.a_path, m.b_path, m.bytes) for m in result.moved.examples
    }
    moved_flask = Move(
        "/usr/local/lib/python3.13/dist-packages/flask/app.py",
        "/opt/venv/lib/python3.13/site-packages/flask/app.py",
        30,
    )
    assert moved_flask in result.moved.examples
    assert result.moved.files == 4  # libpq, flask's two files, and the RECORD
    assert result.moved.bytes == 3000 + 20 + 30 + len(RECORD)
    # What is left in A alone: the compiler, the dpkg databases of A, the changed file.
    assert removed.by_leftover == [Named("compilers", 14000, 2)]
    assert "/usr/bin/gcc-14" in {t.path for t in removed.top}
    assert removed.files == 6
    assert removed.bytes == 5000 + 9000 + 40 + len(STATUS) + sum(
        len(s[2]) for s in SINGLE if s[1].startswith("var/lib/dpkg/info/")
    )


def test_identical_images_differ_in_nothing(tmp_path: Path) -> None:
    same = diff(_examined(tmp_path, "a", RUNTIME), _examined(tmp_path, "b", RUNTIME), top=5)
    assert (same.only_in_a.files, same.only_in_b.files, same.moved.files) == (0, 0, 0)
    packages = same.packages
    assert (packages.only_in_a, packages.changed, packages.moved) == ([], [], [])


def test_distribution_names_compare_as_pep_503_says() -> None:
    assert canonical("Flask_SQLAlchemy") == canonical("flask-sqlalchemy") == "flask-sqlalchemy"
    assert canonical("zope.interface") == "zope-interface"


def _status(*packages: tuple[str, str]) -> str:
    return "".join(
        f"Package: {name}\nStatus: install ok installed\nVersion: {version}\n\n"
        for name, version in packages
    )


def _owned(name: str, version: str, files: dict[str, str]) -> list[Spec]:
    listed = "".join(f"/{path}\n" for path in files)
    return [
        ("file", f"var/lib/dpkg/info/{name}.list", listed),
        *(("file", path, content) for path, content in files.items()),
    ]


def test_packages_on_one_side_only_are_all_listed_largest_first(tmp_path: Path) -> None:
    a = [
        ("file", "var/lib/dpkg/status", _status(("aa", "1"), ("zz", "1"))),
        *_owned("aa", "1", {"usr/lib/aa": "a" * 10}),
        *_owned("zz", "1", {"usr/lib/zz": "z" * 99}),
    ]
    b = [
        ("file", "var/lib/dpkg/status", _status(("bb", "2"), ("yy", "3"))),
        *_owned("bb", "2", {"usr/lib/bb": "b" * 5}),
        *_owned("yy", "3", {"usr/lib/yy": "y" * 50}),
        ("file", "srv/site-packages/tiny-1.0.dist-info/RECORD", "tiny.py,,\n"),
        ("file", "srv/site-packages/tiny.py", "t" * 7),
    ]
    packages = diff(_examined(tmp_path, "a", a), _examined(tmp_path, "b", b)).packages
    assert packages.only_in_a == [
        PackageChange("zz", "dpkg", "1", "", "", "", 99, 0),
        PackageChange("aa", "dpkg", "1", "", "", "", 10, 0),
    ]
    assert packages.only_in_b == [
        PackageChange("yy", "dpkg", "", "3", "", "", 0, 50),
        PackageChange("tiny", "python", "", "1.0", "", "/srv/site-packages", 0, 7),
        PackageChange("bb", "dpkg", "", "2", "", "", 0, 5),
    ]


def test_dpkg_names_are_compared_as_they_are_written(tmp_path: Path) -> None:
    # Debian names may hold dots and hyphens both: libfoo1.0 and libfoo1-0 are two packages
    a = [
        ("file", "var/lib/dpkg/status", _status(("libfoo1.0", "1"))),
        *_owned("libfoo1.0", "1", {"usr/lib/foo.so.1.0": "f" * 10}),
    ]
    b = [
        ("file", "var/lib/dpkg/status", _status(("libfoo1-0", "2"))),
        *_owned("libfoo1-0", "2", {"usr/lib/foo.so.1-0": "g" * 20}),
    ]
    packages = diff(_examined(tmp_path, "a", a), _examined(tmp_path, "b", b)).packages
    assert packages.changed == []
    assert packages.only_in_a == [PackageChange("libfoo1.0", "dpkg", "1", "", "", "", 10, 0)]
    assert packages.only_in_b == [PackageChange("libfoo1-0", "dpkg", "", "2", "", "", 0, 20)]


def test_the_ten_largest_are_listed_by_default(tmp_path: Path) -> None:
    files: list[Spec] = [("file", f"f{i:02}", "x" * (i + 1)) for i in range(12)]
    result = diff(_examined(tmp_path, "a", files), _examined(tmp_path, "b", []))
    assert result.only_in_a.files == 12
    assert [(t.path, t.bytes) for t in result.only_in_a.top] == [
        (f"/f{i:02}", i + 1) for i in range(11, 1, -1)
    ]


def test_a_changed_file_whose_old_content_is_elsewhere_is_moved_not_removed(
    tmp_path: Path,
) -> None:
    """B changes /etc/app.conf and keeps A's version as .orig: A's 30 bytes moved, B's new 33
    are B's own, and nothing is counted twice."""
    a: list[Spec] = [("file", "etc/app.conf", "old" * 10)]
    b: list[Spec] = [
        ("file", "etc/app.conf", "new" * 11),
        ("file", "etc/app.conf.orig", "old" * 10),
    ]
    result = diff(_examined(tmp_path, "a", a), _examined(tmp_path, "b", b))
    assert (result.only_in_a.files, result.only_in_a.bytes) == (0, 0)
    assert result.moved.examples == [Move("/etc/app.conf", "/etc/app.conf.orig", 30)]
    assert (result.moved.files, result.moved.bytes) == (1, 30)
    assert [(t.path, t.bytes) for t in result.only_in_b.top] == [("/etc/app.conf", 33)]
