"""Render comparison results: table (stdout, for people), json (for machines), markdown (docs)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence

from slimstage.compare.run import VariantResult
from slimstage.tables import grid, markdown
from slimstage.units import human_bytes

SCHEMA = "slimstage.compare/1"


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}s"


def _delta(value: int | None, baseline: int | None) -> str:
    if value is None or not baseline:
        return "-"
    if value == baseline:
        return "baseline"
    return f"{(value - baseline) / baseline * 100:+.0f}%"


def _smoke(result: VariantResult) -> str:
    if result.smoke is None:
        return "-"
    return "ok" if result.smoke.ok else "FAIL"


HEADERS = (
    "variant",
    "size",
    "vs base",
    "compressed",
    "layers",
    "cold build",
    "warm build",
    "ready",
    "memory",
    "smoke",
    "base",
)


def rows(results: Sequence[VariantResult]) -> list[tuple[str, ...]]:
    baseline = results[0].size_bytes if results else None
    out: list[tuple[str, ...]] = []
    for r in results:
        smoke = r.smoke
        base = "-" if r.base is None else r.base + (" (stand-in)" if r.stand_in_base else "")
        out.append(
            (
                r.name,
                human_bytes(r.size_bytes),
                _delta(r.size_bytes, baseline),
                human_bytes(r.compressed_bytes),
                "-" if r.layers is None else str(r.layers),
                _seconds(r.build_seconds_cold),
                _seconds(r.build_seconds_warm),
                _seconds(smoke.seconds_to_ready if smoke else None),
                human_bytes(smoke.memory_bytes if smoke else None),
                _smoke(r) if r.error is None or r.smoke else "not built",
                base,
            )
        )
    return out


def summary(results: Sequence[VariantResult]) -> list[str]:
    """The findings the comparison exists for, as sentences."""
    lines: list[str] = []
    if not results:
        return lines
    baseline = results[0]
    working = [r for r in results if r.smoke and r.smoke.ok and r.size_bytes]
    if working and baseline.size_bytes:
        best = min(working, key=lambda r: r.size_bytes or 0)
        share = (best.size_bytes or 0) / baseline.size_bytes * 100
        lines.append(
            f"smallest working image: {best.name}, {human_bytes(best.size_bytes)} = "
            f"{share:.0f}% of {baseline.name} ({human_bytes(baseline.size_bytes)})"
        )
    for r in results:
        if r.build_seconds_cold and r.build_seconds_warm is not None:
            share = r.build_seconds_warm / r.build_seconds_cold * 100
            lines.append(
                f"warm rebuild of {r.name} after an app edit: {share:.0f}% of its cold build"
            )
    for r in results:
        if r.error:
            first, *rest = r.error.splitlines()
            lines.append(f"{r.name}: {first}")
            lines.extend("    " + line for line in rest)
    return lines


def table(results: Sequence[VariantResult]) -> str:
    lines = grid(HEADERS, rows(results))
    return "\n".join([*lines, "", *summary(results)]).rstrip() + "\n"


def to_markdown(results: Sequence[VariantResult]) -> str:
    lines = markdown(HEADERS, rows(results))
    notes = summary(results)
    if notes:
        lines += ["", *(f"- {line.strip()}" for line in notes if not line.startswith("    "))]
    return "\n".join(lines) + "\n"


def to_json(results: Sequence[VariantResult]) -> str:
    document = {
        "schema": SCHEMA,
        "baseline": results[0].name if results else None,
        "variants": [dataclasses.asdict(r) for r in results],
    }
    return json.dumps(document, indent=2) + "\n"


RENDERERS = {"table": table, "markdown": to_markdown, "json": to_json}
