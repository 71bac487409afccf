"""`slimstage diff` on the demo's real images: what the multi-stage build removed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from slimstage.analyze.imagediff import canonical
from slimstage.compare.run import VariantResult
from tests.conftest import run_cli
from tests.imagebuild import ImageSpec, docker_classic, oci_dir

BUILD = ImageSpec(
    [
        [("file", "usr/bin/gcc-14", "g" * 5000), ("file", "usr/include/a.h", "h" * 300)],
        [("file", "app/app.py", "print('hi')\n")],
    ]
)
SLIM = ImageSpec([[("file", "app/app.py", "print('hi')\n"), ("file", "app/extra", "e" * 10)]])


@pytest.fixture
def archives(tmp_path: Path) -> tuple[Path, Path]:
    slim = oci_dir(tmp_path / "slim", [("linux/amd64", SLIM)])
    return docker_classic(tmp_path / "build.tar", BUILD), slim


@pytest.mark.engine
def test_diff_of_single_and_multi_stage_names_the_compiler_toolchain(
    demo_comparison: dict[str, VariantResult],
) -> None:
    single = demo_comparison["Dockerfile"].image or ""
    runtime = demo_comparison["multistage-runtime"].image or ""
    result = run_cli("diff", single, runtime, "--format", "json")
    assert result.returncode == 0, result.stderr[-1000:]
    removed = json.loads(result.stdout)["only_in_a"]
    assert removed["by_leftover"][0]["name"] == "compilers"
    biggest_packages = [p["name"] for p in removed["by_package"][:5]]
    assert any(name.startswith(("gcc-", "cpp-", "g++-")) for name in biggest_packages)
    assert any("/gcc/" in t["path"] or "gcc" in t["path"] for t in removed["top"][:5])
    # Flask and gunicorn moved from dist-packages into /opt/venv: moved, not added.
    document = json.loads(result.stdout)
    moved = {canonical(p["name"]): p for p in document["packages"]["moved"]}
    assert {"flask", "gunicorn"} <= set(moved)
    assert moved["flask"]["b_location"].startswith("/opt/venv/")
    added_packages = {canonical(p["name"]) for p in document["packages"]["only_in_b"]}
    assert "flask" not in added_packages
    assert document["moved"]["bytes"] > 1_000_000


def test_diff_of_a_missing_archive_is_exit_2_whatever_the_engine() -> None:
    result = run_cli("diff", "./no/such/a.tar", "./no/such/b.tar")
    assert result.returncode == 2
    assert result.stderr.strip().endswith("./no/such/a.tar: no such file or folder")


def test_diff_json(archives: tuple[Path, Path]) -> None:
    result = run_cli("diff", str(archives[0]), str(archives[1]), "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["schema"] == "slimstage.diff/2"
    removed = document["only_in_a"]
    assert removed["bytes"] == 5300
    assert removed["files"] == 2
    assert removed["by_leftover"][0] == {"name": "compilers", "bytes": 5000, "files": 1}
    assert removed["top"][0] == {"path": "/usr/bin/gcc-14", "bytes": 5000}
    assert document["only_in_b"]["top"] == [{"path": "/app/extra", "bytes": 10}]


def test_diff_table_and_markdown_name_both_sides(archives: tuple[Path, Path]) -> None:
    table = run_cli("diff", str(archives[0]), str(archives[1])).stdout
    assert f"In {archives[0]}, not in {archives[1]}: 5.3kB in 2 files" in table
    assert "compilers" in table
    markdown = run_cli("diff", str(archives[0]), str(archives[1]), "--format", "markdown").stdout
    assert f"### In {archives[1]}, not in {archives[0]}: 10B in 1 files" in markdown
