"""`slimstage diff` on the demo's real images: what the multi-stage build removed."""

from __future__ import annotations

import json

import pytest

from slimstage.compare.run import VariantResult
from tests.conftest import run_cli


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


def test_diff_of_a_missing_archive_is_exit_2_whatever_the_engine(tmp_path: object) -> None:
    result = run_cli("diff", "./no/such/a.tar", "./no/such/b.tar")
    assert result.returncode == 2
    assert result.stderr.strip().endswith("./no/such/a.tar: no such file or folder")
