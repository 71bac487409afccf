"""Bytes by owner: dpkg file lists, apk's database, Python RECORD files."""

from __future__ import annotations

from collections.abc import Callable

from slimstage.analyze import packages
from slimstage.analyze.packages import Owned, attribute


def test_dpkg_lists_name_the_package_without_its_architecture() -> None:
    found = packages.dpkg_lists(
        [
            ("var/lib/dpkg/info/bash.list", b"/.\n/bin\n/bin/bash\n"),
            ("var/lib/dpkg/info/libc6:amd64.list", b"/usr/lib/x86_64-linux-gnu/libc.so.6\n\n"),
        ]
    )
    assert found == {
        "bash": ["/.", "/bin", "/bin/bash"],
        "libc6": ["/usr/lib/x86_64-linux-gnu/libc.so.6"],
    }


def test_apk_database_joins_folders_and_files() -> None:
    installed = b"P:musl\nV:1\nF:lib\nR:ld-musl.so.1\n\nP:busybox\nR:top-level\nF:bin\nR:busybox\n"
    assert packages.apk_installed(installed) == {
        "musl": ["/lib/ld-musl.so.1"],
        "busybox": ["/top-level", "/bin/busybox"],
    }


def test_python_records_resolve_relative_to_site_packages() -> None:
    record = (
        b"flask/__init__.py,sha256=x,20\n../../../bin/flask,sha256=y,5\n"
        b"flask-3.1.dist-info/RECORD,,\n"
    )
    found = packages.python_records(
        [("opt/venv/lib/python3.13/site-packages/flask-3.1.dist-info/RECORD", record)]
    )
    assert found == {
        "flask": [
            "/opt/venv/lib/python3.13/site-packages/flask/__init__.py",
            "/opt/venv/bin/flask",
            "/opt/venv/lib/python3.13/site-packages/flask-3.1.dist-info/RECORD",
        ]
    }


def test_owners_pick_their_own_files_from_the_kept_contents() -> None:
    contents = {
        "var/lib/dpkg/info/bash.list": b"/bin/bash\n",
        "lib/apk/db/installed": b"P:musl\nR:x\n",
        "usr/lib/python3/dist-packages/six-1.16.dist-info/RECORD": b"six.py,,\n",
        "etc/ssl/private/key.pem": b"-----BEGIN PRIVATE KEY-----",  # another analysis's need
    }
    owners = packages.owners(contents)
    assert owners == {
        "dpkg": {"bash": ["/bin/bash"]},
        "python": {"six": ["/usr/lib/python3/dist-packages/six.py"]},
        "apk": {"musl": ["/x"]},
    }


def _resolve_in(visible: dict[str, int]) -> Callable[[str], tuple[str, int] | None]:
    def resolve(listed: str) -> tuple[str, int] | None:
        path = listed.strip("/")
        return (path, visible[path]) if path in visible else None

    return resolve


def test_each_file_counts_once_python_before_the_os() -> None:
    visible = {"usr/lib/python3/dist-packages/six.py": 100, "usr/bin/python3": 50, "etc/x": 7}
    owners = {
        # The OS package lists the file too (a pip upgrade over a Debian package).
        "dpkg": {
            "python3-six": ["/usr/lib/python3/dist-packages/six.py"],
            "python3": ["/usr/bin/python3"],
        },
        "python": {"six": ["/usr/lib/python3/dist-packages/six.py"]},
    }
    owned, unowned, owner_of = attribute(owners, _resolve_in(visible), visible)
    assert owned == [Owned("six", "python", 100, 1), Owned("python3", "dpkg", 50, 1)]
    assert unowned == 7
    assert owner_of == {"usr/lib/python3/dist-packages/six.py": "six", "usr/bin/python3": "python3"}


def test_a_file_listed_twice_by_one_package_counts_once() -> None:
    visible = {"a": 10}
    owned, unowned, _ = attribute(
        {"dpkg": {"p": ["/a", "/a", "/gone"]}}, _resolve_in(visible), visible
    )
    assert owned == [Owned("p", "dpkg", 10, 1)]
    assert unowned == 0


def test_owners_are_listed_largest_first() -> None:
    visible = {"s": 1, "l": 1000, "m": 10}
    owners = {"dpkg": {"small": ["/s"], "large": ["/l"]}, "apk": {"middle": ["/m"]}}
    owned, _, _ = attribute(owners, _resolve_in(visible), visible)
    assert [o.name for o in owned] == ["large", "middle", "small"]
