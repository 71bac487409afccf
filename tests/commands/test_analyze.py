"""`slimstage analyze` and `slimstage diff` on archives, as a user runs them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from slimstage import cli
from slimstage.image.blob import DEFAULT_LIMITS
from slimstage.options import ReadOptions
from tests.conftest import run_cli
from tests.imagebuild import ImageSpec, docker_classic, oci_dir

BUILD = ImageSpec(
    [
        [("file", "usr/bin/gcc-14", "g" * 5000), ("file", "usr/include/a.h", "h" * 300)],
        [("file", "app/app.py", "print('hi')\n")],
    ]
)
SLIM = ImageSpec([[("file", "app/app.py", "print('hi')\n"), ("file", "app/extra", "e" * 10)]])


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, cwd=cwd)


@pytest.fixture
def archives(tmp_path: Path) -> tuple[Path, Path]:
    return docker_classic(tmp_path / "build.tar", BUILD), oci_dir(
        tmp_path / "slim", [("linux/amd64", SLIM)]
    )


def test_json_has_the_documented_fields(archives: tuple[Path, Path]) -> None:
    result = _run("analyze", str(archives[0]), "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["schema"] == "slimstage.analyze/2"
    for key in (
        "size_bytes",
        "layers",
        "wasted_bytes",
        "efficiency",
        "dive",
        "leftovers",
        "packages",
        "secrets",
        "top",
        "waste",
        "visible_bytes",
        "base",
        "base_waste",
        "folders",
        "verification",
    ):
        assert key in document
    assert set(document["dive"]) >= {"efficiency", "inefficient_bytes"}
    assert document["size_bytes"] == 5000 + 300 + 12
    assert document["visible_bytes"] == 5000 + 300 + 12
    assert document["efficiency"] == 1.0
    assert document["verification"]["verified"] is True
    assert document["folders"][0] == {"path": "/", "bytes": 5312, "files": 3, "base_bytes": 0}
    assert "analyze: reading" in result.stderr  # progress on stderr, stdout stays JSON


def test_table_and_markdown(archives: tuple[Path, Path]) -> None:
    table = _run("analyze", str(archives[0])).stdout
    assert "Leftovers" in table
    assert "compilers" in table
    markdown = _run("analyze", str(archives[1]), "--format", "markdown").stdout
    assert "### Layers" in markdown
    assert "| --- |" in markdown


def test_gate_failure_exits_7_and_says_why(archives: tuple[Path, Path]) -> None:
    result = _run(
        "analyze", str(archives[0]), "--max-size", "1kB", "--forbid-leftover", "compilers"
    )
    assert result.returncode == 7
    assert "gate failed: max-size: 5312 bytes > 1000 (over by 4312)" in result.stderr
    assert "gate failed: forbid-leftovers: compilers present" in result.stderr
    assert _run("analyze", str(archives[0]), "--max-size", "1MB").returncode == 0


def test_gate_from_config_files(archives: tuple[Path, Path], tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / ".slimstage.toml").write_text('[gate]\nforbid-leftovers = ["headers"]\n')
    assert _run("analyze", str(archives[0]), cwd=work).returncode == 7
    (work / ".dive-ci").write_text("rules:\n  lowestEfficiency: 1.1\n")
    bad = _run("analyze", str(archives[1]), "--dive-ci", str(work / ".dive-ci"), cwd=tmp_path)
    assert bad.returncode == 2
    assert "lowestEfficiency: expected a number from 0 to 1" in bad.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["analyze", "/no/such/thing.tar"], "/no/such/thing.tar: no such file or folder"),
        (["analyze", "x", "--top", "0"], "argument --top: must be at least 1"),
        (["analyze", "x.tar", "--forbid-leftover", "snacks"], "unknown leftover category"),
    ],
)
def test_bad_input_is_one_line_and_a_code(args: list[str], message: str | None) -> None:
    result = _run(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("slimstage: error:")
    if message:
        assert message in result.stderr


@pytest.mark.parametrize("target", ["/no/such/thing.tar", "./missing", "gone.tar.gz"])
def test_a_missing_file_is_exit_2_without_any_docker_cli(tmp_path: Path, target: str) -> None:
    env = {"PATH": str(tmp_path), "HOME": str(tmp_path)}  # no docker anywhere on it
    result = run_cli("analyze", target, env=env, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        f"slimstage: error: {target}: no such file or folder"
    )


def test_reading_flags_fill_the_read_options() -> None:
    _, chosen = cli.parse(
        [
            "analyze",
            "img.tar",
            "--no-verify",
            "--max-layer-bytes",
            "2GiB",
            "--max-ratio",
            "0",
            "--base",
            "python:3.13-slim",
            "--platform",
            "linux/arm64",
        ]
    )
    assert chosen.read == ReadOptions(
        platform="linux/arm64",
        verify=False,
        max_layer_bytes=2 << 30,
        max_ratio=0,
        base="python:3.13-slim",
    )
    _, plain = cli.parse(["diff", "a.tar", "b.tar"])
    assert plain.read == ReadOptions()


def test_the_read_defaults_are_the_readers_defaults() -> None:
    defaults = ReadOptions()
    assert (defaults.max_layer_bytes, defaults.max_ratio) == (
        DEFAULT_LIMITS.max_bytes,
        DEFAULT_LIMITS.max_ratio,
    )
    assert defaults.verify


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--max-ratio", "-1"], "must be 0 or more"),
        (["--max-layer-bytes", "lots"], "not a size"),
    ],
)
def test_bad_reading_flags(args: list[str], message: str) -> None:
    result = _run("analyze", "x.tar", *args)
    assert result.returncode == 2
    assert message in result.stderr


@pytest.mark.engine
def test_the_demos_images_tell_the_base_from_their_own_layers(
    demo_images: dict[str, str],
) -> None:
    single = json.loads(_run("analyze", demo_images["Dockerfile"], "--format", "json").stdout)
    # Built FROM the python:3.13-slim stand-in, whose label names it: its own layers decide.
    assert single["base"]["found_by"] == "base image layers"
    assert single["base"]["base_image"] == "python:3.13-slim"
    base_layers = single["base"]["base_layers"]
    assert [layer["from_base"] for layer in single["layers"]] == [
        i < base_layers for i in range(len(single["layers"]))
    ]
    by = {lo["category"]: lo for lo in single["leftovers"]}
    compilers = by["compilers"]
    assert compilers["bytes"] - compilers["base_bytes"] > 10_000_000  # build-essential: yours
    assert by["headers"]["base_bytes"] > 0  # the base's own python3-dev headers
    # PYTHONDONTWRITEBYTECODE is set, yet the standard library's bytecode is read at every
    # start: it is not a leftover.
    assert single["bytecode_disabled"] is True
    bytecode = by.get("bytecode", {"examples": []})
    assert not any(e.startswith("/usr/lib/python3.13/") for e in bytecode["examples"])
    assert single["python_versions"] == ["3.13"]
    runtime = json.loads(
        _run("analyze", demo_images["multistage-runtime"], "--format", "json").stdout
    )
    # The runtime base names no image it stands in for: the history decides.
    assert runtime["base"]["found_by"] == "history (heuristic)"
    assert runtime["base"]["base_layers"] == 1
    assert runtime["verification"]["verified"] is True


def test_base_named_by_an_archive_splits_the_figures(tmp_path: Path) -> None:
    base_layer = [("file", "usr/include/base.h", "b" * 700)]
    mine = [("file", "usr/include/mine.h", "m" * 300), ("file", "app/app.py", "x")]
    base = docker_classic(tmp_path / "base.tar", ImageSpec([base_layer]))  # type: ignore[list-item]
    image = docker_classic(tmp_path / "image.tar", ImageSpec([base_layer, mine]))  # type: ignore[list-item]
    result = _run("analyze", str(image), "--base", str(base), "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["base"]["found_by"] == "base image layers"
    assert document["base"]["base_layers"] == 1
    [headers] = [lo for lo in document["leftovers"] if lo["category"] == "headers"]
    assert (headers["bytes"], headers["base_bytes"], headers["base_files"]) == (1000, 700, 1)
    assert document["base_visible_bytes"] == 700
    wrong = _run("analyze", str(base), "--base", str(image))
    assert wrong.returncode == 2
    assert "its layers are not the first layers of" in wrong.stderr
