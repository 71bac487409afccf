from __future__ import annotations

from pathlib import Path

import pytest

from slimstage.compare.variants import discover, variant_name
from slimstage.errors import UsageError
from tests.conftest import DEMO


def test_folder_expands_to_dockerfiles_with_plain_dockerfile_first(tmp_path: Path) -> None:
    for name in ("Dockerfile.zeta", "Dockerfile", "Dockerfile.alpha", "README.md", "Dockerfile~"):
        (tmp_path / name).write_text("FROM scratch\n")
    names = [v.name for v in discover([tmp_path], None)]
    assert names == ["Dockerfile", "alpha", "zeta"]


def test_context_defaults_to_each_files_folder_and_can_be_set(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "Dockerfile").write_text("FROM scratch\n")
    [variant] = discover([tmp_path / "a" / "Dockerfile"], None)
    assert variant.context == (tmp_path / "a").resolve()
    [variant] = discover([tmp_path / "a" / "Dockerfile"], tmp_path)
    assert variant.context == tmp_path.resolve()


def test_same_name_twice_gets_a_suffix(tmp_path: Path) -> None:
    for sub in ("x", "y"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "Dockerfile").write_text("FROM scratch\n")
    names = [v.name for v in discover([tmp_path / "x", tmp_path / "y"], None)]
    assert names == ["Dockerfile", "Dockerfile-2"]


@pytest.mark.parametrize(
    ("paths", "message"),
    [(["missing"], "no such file"), (["empty"], "no Dockerfile")],
)
def test_bad_paths_are_usage_errors(tmp_path: Path, paths: list[str], message: str) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match=message):
        discover([tmp_path / p for p in paths], None)


def test_variant_names() -> None:
    assert variant_name(Path("Dockerfile")) == "Dockerfile"
    assert variant_name(Path("Dockerfile.venv")) == "venv"
    assert variant_name(Path("prod.dockerfile")) == "prod.dockerfile"


def test_demo_variants_are_the_seeds_two_and_the_improved_ones() -> None:
    names = [v.name for v in discover([DEMO], None)]
    assert names[0] == "Dockerfile"
    assert set(names) == {"Dockerfile", "newmultistage", "multistage-venv", "multistage-runtime"}
