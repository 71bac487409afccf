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
    status = "ok" if error is None else "skipped" if size is None else "failed"
    return VariantResult(
        name=name,
        dockerfile=f"/x/{name}",
        status=status,
        image=None if size is None else f"t/{name}:1",
        base="python:3.13-slim",
        stand_in_base=True if size is not None else None,
        size_bytes=size,
        compressed_bytes=None if size is None else size // 3,
        layers=None if size is None else 5,
        build_seconds_cold=None if size is None else 100.0,
        build_seconds_warm=None if size is None else 4.0,
        smoke=smoke,
        breakdown=None,
        log=f"/logs/{name}.log",
        error=error,
    )


RESULTS = [
    _result("Dockerfile", 500_000_000),
    _result("slim", 60_000_000),
    _result("broken", 10_000_000, ok=False, error="smoke test failed: exited"),
    _result("alpine", None, error="base image python:3.13-alpine is not present"),
    _result("huge", 900_000_000),
]


def test_human_bytes_uses_decimal_units_like_docker_images() -> None:
    assert human_bytes(526_000_000) == "526.0MB"
    assert human_bytes(999) == "999B"
    assert human_bytes(1_500) == "1.5kB"
    assert human_bytes(2_000_000_000) == "2.0GB"
    assert human_bytes(None) == "-"


def _row(text: str, name: str) -> list[str]:
    return next(line for line in text.splitlines() if line.startswith(name + " ")).split()


def test_table_has_deltas_against_the_first_variant_not_the_largest() -> None:
    text = scorecard.table(RESULTS)
    assert text.splitlines()[0].split()[:3] == ["variant", "size", "vs"]
    assert _row(text, "Dockerfile")[:3] == ["Dockerfile", "500.0MB", "baseline"]
    assert _row(text, "slim")[:4] == ["slim", "60.0MB", "-88%", "20.0MB"]
    assert _row(text, "huge")[2] == "+80%"
    assert _row(text, "slim")[-2:] == ["python:3.13-slim", "(stand-in)"]
    assert _row(text, "alpine")[:3] == ["alpine", "-", "-"]
    assert "skipped" in _row(text, "alpine")
    assert "FAIL" in _row(text, "broken")


def test_a_variant_of_the_baselines_size_is_not_called_baseline() -> None:
    same = [_result("Dockerfile", 100), _result("copy", 100)]
    assert _row(scorecard.table(same), "copy")[2] == "+0%"


def test_a_failed_build_reads_not_built() -> None:
    failed = _result("bad", None, error="build failed (exit 1)\n#7 ERROR")
    failed = VariantResult(**{**failed.__dict__, "status": "failed"})
    text = scorecard.table([failed])
    assert " not built " in text.splitlines()[2]
    assert _row(text, "bad")[:3] == ["bad", "-", "-"]
    assert "bad failed: build failed (exit 1)" in text
    assert "#7 ERROR" not in text  # the log's tail goes to stderr and JSON, not the table


def test_summary_names_the_smallest_working_image_not_the_smallest_broken_one() -> None:
    text = scorecard.table(RESULTS)
    assert "smallest working image: slim, 60.0MB = 12% of Dockerfile (500.0MB)" in text
    assert "warm rebuild of slim after an app edit: 4% of its cold build" in text
    assert "alpine skipped: base image python:3.13-alpine is not present" in text
    assert "broken failed: smoke test failed: exited" in text


def test_json_has_the_documented_fields_and_values() -> None:
    document = json.loads(scorecard.to_json(RESULTS))
    assert document["schema"] == "slimstage.compare/2"
    assert document["baseline"] == "Dockerfile"
    slim = document["variants"][1]
    assert slim == {
        "name": "slim",
        "dockerfile": "/x/slim",
        "status": "ok",
        "image": "t/slim:1",
        "base": "python:3.13-slim",
        "stand_in_base": True,
        "size_bytes": 60_000_000,
        "compressed_bytes": 20_000_000,
        "layers": 5,
        "build_seconds_cold": 100.0,
        "build_seconds_warm": 4.0,
        "smoke": {
            "ok": True,
            "seconds_to_ready": 0.5,
            "memory_bytes": 30_000_000,
            "status": 200,
            "detail": "",
        },
        "breakdown": None,
        "log": "/logs/slim.log",
        "error": None,
    }
    alpine = document["variants"][3]
    assert (alpine["status"], alpine["smoke"], alpine["size_bytes"]) == ("skipped", None, None)
    assert alpine["error"] == "base image python:3.13-alpine is not present"


def test_markdown_is_a_table_with_one_row_per_variant() -> None:
    text = scorecard.to_markdown(RESULTS)
    table_lines = [line for line in text.splitlines() if line.startswith("|")]
    assert len(table_lines) == 2 + len(RESULTS)
    assert table_lines[1].startswith("| --- |")
    assert "- smallest working image: slim" in text


def _varied(
    name: str, size: int, cold: float, warm: float, ready: float, memory: int
) -> VariantResult:
    base = _result(name, size)
    smoke = Smoke(True, ready, memory, 200, "")
    return VariantResult(
        **{
            **base.__dict__,
            "compressed_bytes": size // 4,
            "build_seconds_cold": cold,
            "build_seconds_warm": warm,
            "smoke": smoke,
        }
    )


VARIED = [
    _varied("Dockerfile", 400_000_000, 80.0, 4.0, 0.3, 40_000_000),
    VariantResult(
        **{
            **_varied("runtime", 80_000_000, 60.0, 1.2, 1.5, 25_000_000).__dict__,
            "layers": 4,
            "stand_in_base": False,
            "base": "slimstage/python:3.13-runtime",
        }
    ),
]


def test_the_whole_table_with_a_different_figure_in_every_cell() -> None:
    # worked out by hand: 80 MB is 20% of 400 MB (-80%); compressed is a quarter of the size;
    # warm rebuilds 4.0/80.0 = 5% and 1.2/60.0 = 2%
    assert scorecard.table(VARIED).splitlines() == [
        "variant     size     vs base   compressed  layers  cold build  warm build  ready  memory"
        "  smoke  base",
        "----------  -------  --------  ----------  ------  ----------  ----------  -----  ------"
        "  -----  -----------------------------",
        "Dockerfile  400.0MB  baseline  100.0MB     5       80.0s       4.0s        0.3s   40.0MB"
        "  ok     python:3.13-slim (stand-in)",
        "runtime     80.0MB   -80%      20.0MB      4       60.0s       1.2s        1.5s   25.0MB"
        "  ok     slimstage/python:3.13-runtime",
        "",
        "smallest working image: runtime, 80.0MB = 20% of Dockerfile (400.0MB)",
        "warm rebuild of Dockerfile after an app edit: 5% of its cold build",
        "warm rebuild of runtime after an app edit: 2% of its cold build",
    ]


def test_the_whole_markdown_with_a_skipped_variant() -> None:
    skipped = _result("alpine", None, error="base image python:3.13-alpine is not present")
    assert scorecard.to_markdown([*VARIED, skipped]).splitlines() == [
        "| variant | size | vs base | compressed | layers | cold build | warm build | ready"
        " | memory | smoke | base |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        "| Dockerfile | 400.0MB | baseline | 100.0MB | 5 | 80.0s | 4.0s | 0.3s | 40.0MB | ok"
        " | python:3.13-slim (stand-in) |",
        "| runtime | 80.0MB | -80% | 20.0MB | 4 | 60.0s | 1.2s | 1.5s | 25.0MB | ok"
        " | slimstage/python:3.13-runtime |",
        "| alpine | - | - | - | - | - | - | - | - | skipped | python:3.13-slim |",
        "",
        "- smallest working image: runtime, 80.0MB = 20% of Dockerfile (400.0MB)",
        "- warm rebuild of Dockerfile after an app edit: 5% of its cold build",
        "- warm rebuild of runtime after an app edit: 2% of its cold build",
        "- alpine skipped: base image python:3.13-alpine is not present",
    ]
    assert scorecard.to_markdown([*VARIED, skipped]).endswith("is not present\n")


def test_no_variants_at_all() -> None:
    assert scorecard.to_json([]) == (
        '{\n  "schema": "slimstage.compare/2",\n  "baseline": null,\n  "variants": []\n}\n'
    )
    assert scorecard.table([]).splitlines()[0].split()[:2] == ["variant", "size"]
    assert scorecard.table([]).endswith("-\n")  # the rule under the header, one newline
    assert scorecard.to_markdown([]).count("\n") == 2  # the header and its rule, no notes


def test_shares_are_of_a_hundred_rounded() -> None:
    big = _result("Dockerfile", 400_000_000)
    small = _result("slim", 300_000_000)  # 75%
    small = VariantResult(**{**small.__dict__, "build_seconds_warm": 90.0})  # 90% of 100 s
    lines = scorecard.summary([big, small])
    assert lines[0] == ("smallest working image: slim, 300.0MB = 75% of Dockerfile (400.0MB)")
    assert "warm rebuild of slim after an app edit: 90% of its cold build" in lines


def test_a_variant_without_a_base_shows_a_dash() -> None:
    result = _result("scratchy", 1_000_000)
    result = VariantResult(**{**result.__dict__, "base": None})
    assert _row(scorecard.table([result]), "scratchy")[-1] == "-"
