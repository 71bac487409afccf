"""Render `analyze` and `diff` results: table (people), json (machines), markdown (docs)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence

from slimstage.analyze.analysis import Analysis
from slimstage.analyze.imagediff import ImageDiff, Named, Side
from slimstage.tables import grid, markdown
from slimstage.units import human_bytes

ANALYSIS_SCHEMA = "slimstage.analyze/1"
DIFF_SCHEMA = "slimstage.diff/1"


def _short(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _sections(a: Analysis) -> list[tuple[str, Sequence[str], list[list[str]]]]:
    waste = dataclasses.asdict(a.waste)
    owners = sorted(a.packages.os + a.packages.python, key=lambda o: -o.bytes)[:15]
    return [
        (
            "Layers",
            ("#", "size", "added", "modified", "deleted", "created by"),
            [
                [
                    str(layer.index),
                    human_bytes(layer.size_bytes),
                    str(layer.files_added),
                    str(layer.files_modified),
                    str(layer.files_deleted),
                    _short(layer.created_by),
                ]
                for layer in a.layers
            ],
        ),
        (
            "Waste by cause",
            ("cause", "bytes"),
            [[cause, human_bytes(n)] for cause, n in waste.items() if n],
        ),
        (
            "Leftovers (build-only content in the final filesystem)",
            ("category", "bytes", "files", "largest"),
            [
                [lo.category, human_bytes(lo.bytes), str(lo.files), lo.examples[0]]
                for lo in a.leftovers
            ],
        ),
        (
            "Largest owners",
            ("package", "manager", "bytes", "files"),
            [[o.name, o.manager, human_bytes(o.bytes), str(o.files)] for o in owners]
            + [["(no package)", "-", human_bytes(a.packages.unowned_bytes), "-"]],
        ),
        (
            "Secrets (path and layer only)",
            ("kind", "where", "layer", "still visible"),
            [
                [
                    s.kind,
                    s.name,
                    "-" if s.layer is None else str(s.layer),
                    "yes" if s.visible else "no (deleted later, still in the layer)",
                ]
                for s in a.secrets
            ],
        ),
        ("Largest files", ("path", "bytes"), [[t.path, human_bytes(t.bytes)] for t in a.top]),
    ]


def _summary(a: Analysis) -> list[str]:
    return [
        f"image: {a.source} ({a.layout}), {len(a.layers)} layers",
        f"stored {human_bytes(a.size_bytes)}, visible {human_bytes(a.visible_bytes)}, "
        f"wasted {human_bytes(a.wasted_bytes)}, efficiency {a.efficiency * 100:.2f}%",
        f"dive-compatible: efficiency {a.dive.efficiency * 100:.4f}%, "
        f"inefficient bytes {a.dive.inefficient_bytes}",
    ]


def analysis_table(a: Analysis) -> str:
    lines = _summary(a)
    for title, headers, rows in _sections(a):
        lines += ["", f"{title}:"]
        lines += grid(headers, rows) if rows else ["  (none)"]
    return "\n".join(lines) + "\n"


def analysis_markdown(a: Analysis) -> str:
    lines = [f"- {line}" for line in _summary(a)]
    for title, headers, rows in _sections(a):
        lines += ["", f"### {title}", ""]
        lines += markdown(headers, rows) if rows else ["(none)"]
    return "\n".join(lines) + "\n"


def analysis_json(a: Analysis) -> str:
    return json.dumps({"schema": ANALYSIS_SCHEMA, **dataclasses.asdict(a)}, indent=2) + "\n"


def _side_rows(side: Side) -> list[tuple[str, Sequence[str], list[list[str]]]]:
    def named(items: list[Named]) -> list[list[str]]:
        return [[n.name, human_bytes(n.bytes), str(n.files)] for n in items]

    return [
        ("by package", ("package", "bytes", "files"), named(side.by_package)),
        ("by leftover category", ("category", "bytes", "files"), named(side.by_leftover)),
        ("largest paths", ("path", "bytes"), [[t.path, human_bytes(t.bytes)] for t in side.top]),
    ]


def _diff_blocks(d: ImageDiff) -> list[tuple[str, Side]]:
    return [(f"In {d.a}, not in {d.b}", d.only_in_a), (f"In {d.b}, not in {d.a}", d.only_in_b)]


def diff_table(d: ImageDiff) -> str:
    lines = [
        f"{d.a}: {human_bytes(d.a_size_bytes)} visible; "
        f"{d.b}: {human_bytes(d.b_size_bytes)} visible"
    ]
    for title, side in _diff_blocks(d):
        lines += ["", f"{title}: {human_bytes(side.bytes)} in {side.files} files"]
        for sub, headers, rows in _side_rows(side):
            lines += [f"  {sub}:"]
            lines += ["  " + line for line in grid(headers, rows)] if rows else ["    (none)"]
    return "\n".join(lines) + "\n"


def diff_markdown(d: ImageDiff) -> str:
    lines = [
        f"- {d.a}: {human_bytes(d.a_size_bytes)} visible",
        f"- {d.b}: {human_bytes(d.b_size_bytes)} visible",
    ]
    for title, side in _diff_blocks(d):
        lines += ["", f"### {title}: {human_bytes(side.bytes)} in {side.files} files"]
        for sub, headers, rows in _side_rows(side):
            lines += ["", f"**{sub}**", ""]
            lines += markdown(headers, rows) if rows else ["(none)"]
    return "\n".join(lines) + "\n"


def diff_json(d: ImageDiff) -> str:
    return json.dumps({"schema": DIFF_SCHEMA, **dataclasses.asdict(d)}, indent=2) + "\n"
