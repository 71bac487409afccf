"""Bytes by owner: dpkg file lists, apk's database, Python RECORD files."""

from __future__ import annotations

from collections.abc import Callable

from slimstage.analyze import packages
from slimstage.analyze.packages import Owned, Package, attribute


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
        "musl": Package("1", "", ["/lib/ld-musl.so.1"]),
        "busybox": Package("", "", ["/top-level", "/bin/busybox"]),
    }


def test_apk_lines_before_the_first_package_belong_to_none() -> None:
    installed = b"C:Q1x=\nV:9\nF:etc\nR:stray\nP:musl\nV:1\nR:ld-musl.so.1\n"
    assert packages.apk_installed(installed) == {"musl": Package("1", "", ["/ld-musl.so.1"])}


def test_dpkg_continuation_lines_are_never_fields() -> None:
    # a description's lines may look like fields; they belong to the description
    status = (
        b"Package: tool\nStatus: install ok installed\nVersion: 1.0-1\n"
        b"Description: a tool\n Version: 2 of the format is read too.\n"
        b" Package: none\n"
    )
    assert packages.dpkg_versions([status]) == {"tool": "1.0-1"}


def test_dpkg_versions_of_installed_packages_only() -> None:
    status = (
        b"Package: bash\nStatus: install ok installed\nVersion: 5.2-1\nDescription: x\n y: z\n\n"
        b"Package: old\nStatus: deinstall ok config-files\nVersion: 1\n\n"
        b"Package: half\nStatus: install reinstreq half-installed\nVersion: 2\n"
    )
    distroless = b"Package: libc6\nVersion: 2.41-6\n"  # status.d files carry no Status
    assert packages.dpkg_versions([status, distroless]) == {"bash": "5.2-1", "libc6": "2.41-6"}
    assert packages.DPKG_STATUS.wants("var/lib/dpkg/status")
    assert packages.DPKG_STATUS.wants("var/lib/dpkg/status.d/libc6")
    assert not packages.DPKG_STATUS.wants("var/lib/dpkg/status-old")


def test_python_records_resolve_relative_to_site_packages() -> None:
    record = (
        b"flask/__init__.py,sha256=x,20\n../../../bin/flask,sha256=y,5\n"
        b"flask-3.1.dist-info/RECORD,,\n"
    )
    found = packages.python_records(
        [("opt/venv/lib/python3.13/site-packages/flask-3.1.dist-info/RECORD", record)]
    )
    site = "/opt/venv/lib/python3.13/site-packages"
    assert found == {
        f"flask@{site}": Package(
            "3.1",
            site,
            [
                f"{site}/flask/__init__.py",
                "/opt/venv/bin/flask",
                f"{site}/flask-3.1.dist-info/RECORD",
            ],
        )
    }


def test_owners_pick_their_own_files_from_the_kept_contents() -> None:
    contents = {
        "var/lib/dpkg/status": b"Package: bash\nVersion: 5.2\n",
        "var/lib/dpkg/info/bash.list": b"/bin/bash\n",
        "lib/apk/db/installed": b"P:musl\nR:x\n",
        "usr/lib/python3/dist-packages/six-1.16.dist-info/RECORD": b"six.py,,\n",
        "etc/ssl/private/key.pem": b"-----BEGIN PRIVATE KEY-----",  # another analysis's need
    }
    owners = packages.owners(contents)
    site = "/usr/lib/python3/dist-packages"
    assert owners == {
        "dpkg": {"bash": Package("5.2", "", ["/bin/bash"])},
        "python": {f"six@{site}": Package("1.16", site, [f"{site}/six.py"])},
        "apk": {"musl": Package("", "", ["/x"])},
    }


def _p(*paths: str) -> Package:
    return Package("1", "", list(paths))


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
            "python3-six": _p("/usr/lib/python3/dist-packages/six.py"),
            "python3": _p("/usr/bin/python3"),
        },
        "python": {
            "six@/usr/lib/python3/dist-packages": _p("/usr/lib/python3/dist-packages/six.py")
        },
    }
    owned, unowned, owner_of = attribute(
        owners, _resolve_in(visible), visible, lambda path: path == "usr/bin/python3"
    )
    assert owned == [
        Owned("six", "python", 100, 1, "1", ""),
        Owned("python3", "dpkg", 50, 1, "1", "", 50),
    ]
    assert unowned == 7
    assert owner_of == {"usr/lib/python3/dist-packages/six.py": "six", "usr/bin/python3": "python3"}


def test_a_file_listed_twice_by_one_package_counts_once() -> None:
    visible = {"a": 10}
    owned, unowned, _ = attribute(
        {"dpkg": {"p": _p("/a", "/a", "/gone")}}, _resolve_in(visible), visible
    )
    assert owned == [Owned("p", "dpkg", 10, 1, "1")]
    assert unowned == 0


def test_owners_are_listed_largest_first() -> None:
    visible = {"s": 1, "l": 1000, "m": 10}
    owners = {"dpkg": {"small": _p("/s"), "large": _p("/l")}, "apk": {"middle": _p("/m")}}
    owned, _, _ = attribute(owners, _resolve_in(visible), visible)
    assert [o.name for o in owned] == ["large", "middle", "small"]


def test_databases_with_bytes_that_are_not_utf8_are_read() -> None:
    status = b"Package: tool\nStatus: install ok installed\nVersion: 1:2.0\nDescription: \xff\n"
    assert packages.dpkg_versions([status]) == {"tool": "1:2.0"}  # an epoch keeps its colon
    assert packages.dpkg_lists([("var/lib/dpkg/info/tool.list", b"/usr/bin/t\xff\n")]) == {
        "tool": ["/usr/bin/t\ufffd"]
    }
    apk = packages.apk_installed(b"P:tool\nV:1.0-r0\nF:usr/bin\nR:a:b\nR:\xff\n")
    assert apk == {"tool": Package("1.0-r0", "", ["/usr/bin/a:b", "/usr/bin/\ufffd"])}
    records = packages.python_records(
        [("opt/site-packages/x-1.0.dist-info/RECORD", b"x/\xff.py,,\n\nx/a.py,,\n")]
    )
    assert records == {
        "x@/opt/site-packages": Package(
            "1.0",
            "/opt/site-packages",
            ["/opt/site-packages/x/\ufffd.py", "/opt/site-packages/x/a.py"],
        )
    }


def test_what_a_database_does_not_say_is_left_empty() -> None:
    assert packages.dpkg_versions([b"Package: bare\n"]) == {"bare": ""}
    apk = packages.apk_installed(b"P:root\nR:top\n")
    assert apk == {"root": Package("", "", ["/top"])}
    records = packages.python_records([("opt/site-packages/odd.dist-info/RECORD", b"odd.py,,\n")])
    assert records["odd.dist-info@/opt/site-packages"].version == ""
    found = packages.owners({"var/lib/dpkg/info/listed.list": b"/x\n"})
    assert found["dpkg"] == {"listed": Package("", "", ["/x"])}


def test_a_packages_base_bytes_add_up_over_its_files() -> None:
    owners = {"dpkg": {"libc": _p("/a", "/b", "/c")}}
    visible = {"a": 10, "b": 20, "c": 40}
    owned, _, _ = attribute(owners, _resolve_in(visible), visible, lambda path: path != "c")
    assert [(o.bytes, o.base_bytes) for o in owned] == [(70, 30)]
