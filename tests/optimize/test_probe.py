"""The in-image probe: package databases read from text, and a real survey of this machine."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest

from slimstage.optimize import elf, probe, survey

STATUS = """Package: libpq5
Status: install ok installed
Installed-Size: 912
Depends: libc6 (>= 2.38), libgssapi-krb5-2 (>= 1.17), libldap2 (>= 2.6.2) | libldap-2.5-0,
 libssl3t64 (>= 3.0.0)

Package: gone
Status: deinstall ok config-files
Depends: libc6

Package: bash
Essential: yes
Status: install ok installed
Pre-Depends: libc6:any (>= 2.36), libtinfo6 (>= 6)
Installed-Size: 7000
"""

APK = """C:Q1abc=
P:libpq
V:17.2-r0
I:409600
D:so:libc.musl-x86_64.so.1 so:libssl.so.3 !conflict
F:usr/lib
R:libpq.so.5.17
R:libpq.so.5

P:curl
F:usr/bin
R:curl
"""


def test_dpkg_status_keeps_installed_packages_with_first_alternatives() -> None:
    packages = probe.parse_dpkg_status(STATUS)
    assert set(packages) == {"libpq5", "bash"}
    assert packages["libpq5"]["depends"] == ["libc6", "libgssapi-krb5-2", "libldap2", "libssl3t64"]
    assert packages["libpq5"]["size_kb"] == 912
    assert packages["bash"]["essential"] is True
    assert packages["bash"]["depends"] == ["libc6", "libtinfo6"]


def test_apk_database_gives_packages_and_their_files() -> None:
    packages, files = probe.parse_apk_installed(APK)
    assert files["libpq"] == ["/usr/lib/libpq.so.5.17", "/usr/lib/libpq.so.5"]
    assert packages["libpq"]["depends"] == ["so:libc.musl-x86_64.so.1", "so:libssl.so.3"]
    assert packages["libpq"]["size_kb"] == 400
    assert files["curl"] == ["/usr/bin/curl"]


def test_find_library_follows_origin_runpaths(tmp_path: Path) -> None:
    (tmp_path / "pkg.libs").mkdir()
    (tmp_path / "pkg.libs" / "libbundled.so.1").write_bytes(b"")
    (tmp_path / "pkg").mkdir()
    found = probe.find_library(
        "libbundled.so.1", [], ("$ORIGIN/../pkg.libs",), str(tmp_path / "pkg")
    )
    assert found == str(tmp_path / "pkg" / ".." / "pkg.libs" / "libbundled.so.1")
    assert probe.find_library("libnothing.so.9", [str(tmp_path)], (), str(tmp_path)) is None


def test_a_survey_of_this_machine_maps_psycopg2s_libpq_to_its_package(tmp_path: Path) -> None:
    if not Path("/var/lib/dpkg/status").exists():
        pytest.fail("this test reads the host's dpkg database (a Debian or Ubuntu host)")
    venv = tmp_path / "venv"
    shutil.copytree(Path(psycopg2.__file__).parent, venv / "lib" / "psycopg2")
    found = survey.parse(probe.survey(str(venv), elf.dynamic_of))
    assert found.manager == "dpkg"
    assert found.venv is not None
    needs = {n.soname: n for o in found.venv for n in o.needs}
    assert needs["libpq.so.5"].package == "libpq5"
    assert needs["libc.so.6"].package == "libc6"
    assert "libpq.so.5" in found.packages["libpq5"].libs
    assert found.packages["libc6"].essential is False
    assert "libz.so.1" in found.library_files


def test_the_probe_script_runs_as_one_program_and_prints_json(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", survey.script(), ""], capture_output=True, text=True, check=True
    )
    found = survey.parse(__import__("json").loads(result.stdout))
    assert found.venv is None
    assert found.version.startswith(f"{sys.version_info.major}.{sys.version_info.minor}")
    assert found.tools["sh"] is True


def test_elf_and_probe_define_no_name_twice() -> None:
    """They run as one script: a name defined in both would replace the other's."""
    import ast

    def names(module: object) -> set[str]:
        tree = ast.parse(Path(str(getattr(module, "__file__", ""))).read_text())
        return {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)} | {
            t.id
            for n in tree.body
            if isinstance(n, ast.Assign)
            for t in n.targets
            if isinstance(t, ast.Name)
        }

    assert names(elf) & names(probe) == set()
