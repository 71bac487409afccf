from __future__ import annotations

import json

from slimstage.compare import scorecard
from slimstage.compare.run import VariantResult
from slimstage.compare.smoke import Smoke
from slimstage.units import human_bytes


def _result(
    name: str, size: int | None, *, ok: bool = True, error: str | None = None
) -> VariantResult:
    smoke = None if size is None else Smoke(ok, 0.5 if ok else None, 30_000_000, 200, "")
    return VariantResult(
        name=name,
        dockerfile=f"/x/{name}",
        image=None if size is None else f"t/{name}:1",
        base="python:3.13-slim",
        stand_in_base=True if size is not None else None,
        size_bytes=size,
        compressed_bytes=None if size is None else size // 3,
        layers=None if size is None else 5,
        build_seconds_cold=None if size is None else 100.0,
        build_seconds_warm=None if size is None else 4.0,
        smoke=smoke,
        error=error,
    )


RESULTS = [
    _result("Dockerfile", 500_000_000),
    _result("slim", 60_000_000),
    _result("broken", 10_000_000, ok=False, error="smoke test failed: exited"),
    _result("alpine", None, error="base image python:3.13-alpine is not present\nlog line"),
]


def test_human_bytes_uses_decimal_units_like_docker_images() -> None:
    assert human_bytes(526_000_000) == "526.0MB"
    assert human_bytes(999) == "999B"
    assert human_bytes(1_500) == "1.5kB"
    assert human_bytes(2_000_000_000) == "2.0GB"
    assert human_bytes(None) == "-"


def test_table_has_deltas_against_the_first_variant() -> None:
    text = scorecard.table(RESULTS)
    lines = text.splitlines()
    assert lines[0].split()[:3] == ["variant", "size", "vs"]
    slim = next(line for line in lines if line.startswith("slim "))
    assert "-88%" in slim
    assert "(stand-in)" in slim
    assert "baseline" in next(line for line in lines if line.startswith("Dockerfile"))
    assert "not built" in next(line for line in lines if line.startswith("alpine"))
    assert "FAIL" in next(line for line in lines if line.startswith("broken"))


def test_summary_names_the_smallest_working_image_not_the_smallest_broken_one() -> None:
    text = scorecard.table(RESULTS)
    assert "smallest working image: slim, 60.0MB = 12% of Dockerfile" in text
    assert "warm rebuild of slim after an app edit: 4% of its cold build" in text
    assert "alpine: base image python:3.13-alpine is not present" in text


def test_json_has_the_documented_fields() -> None:
    document = json.loads(scorecard.to_json(RESULTS))
    assert document["schema"] == "slimstage.compare/1"
    assert document["baseline"] == "Dockerfile"
    first = document["variants"][0]
    for key in (
        "name",
        "dockerfile",
        "image",
        "size_bytes",
        "compressed_bytes",
        "layers",
        "build_seconds_cold",
        "build_seconds_warm",
        "stand_in_base",
        "smoke",
        "error",
    ):
        assert key in first
    assert set(first["smoke"]) >= {"ok", "seconds_to_ready", "memory_bytes"}
    assert document["variants"][3]["smoke"] is None
    assert document["variants"][3]["error"].startswith("base image")


def test_markdown_is_a_table_with_one_row_per_variant() -> None:
    text = scorecard.to_markdown(RESULTS)
    table_lines = [line for line in text.splitlines() if line.startswith("|")]
    assert len(table_lines) == 2 + len(RESULTS)
    assert table_lines[1].startswith("| --- |")
