"""Render `analyze` results: table (people), json (machines), markdown (docs).

Every figure is split where it matters into what the base image brought and what this image's
own layers added: only the second can be changed by editing the Dockerfile. Text from the image
is made printable (no control characters reach a terminal or a document); JSON escapes them
itself.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence

from slimstage.analyze.analysis import Analysis
from slimstage.image.printable import printable
from slimstage.tables import grid, markdown
from slimstage.units import human_bytes

ANALYSIS_SCHEMA = "slimstage.analyze/2"
Section = tuple[str, Sequence[str], list[list[str]]]


def short(text: str, width: int = 70) -> str:
    text = " ".join(printable(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _yours(total: int, base: int) -> str:
    return human_bytes(total - base)


def _layers(a: Analysis) -> Section:
    return (
        "Layers",
        ("#", "from", "size", "added", "modified", "deleted", "hidden later", "created by"),
        [
            [
                str(layer.index),
                "base" if layer.from_base else "yours",
                human_bytes(layer.size_bytes),
                str(layer.files_added),
                str(layer.files_modified),
                str(layer.files_deleted),
                human_bytes(layer.wasted_bytes),
                short(layer.created_by),
            ]
            for layer in a.layers
        ],
    )


def _waste(a: Analysis) -> Section:
    total, base = dataclasses.asdict(a.waste), dataclasses.asdict(a.base_waste)
    return (
        "Waste by cause (bytes stored, then hidden)",
        ("cause", "yours", "from base"),
        [
            [cause, _yours(n, base[cause]), human_bytes(base[cause])]
            for cause, n in total.items()
            if n
        ],
    )


def _leftovers(a: Analysis) -> Section:
    return (
        "Leftovers (build-only content in the final filesystem)",
        ("category", "yours", "from base", "files", "largest"),
        [
            [
                lo.category,
                _yours(lo.bytes, lo.base_bytes),
                human_bytes(lo.base_bytes),
                str(lo.files),
                printable(lo.examples[0]),
            ]
            for lo in a.leftovers
        ],
    )


def _owners(a: Analysis) -> Section:
    owners = sorted(a.packages.os + a.packages.python, key=lambda o: -o.bytes)[:15]
    return (
        "Largest owners",
        ("package", "version", "manager", "yours", "from base", "files"),
        [
            [
                printable(o.name),
                short(o.version, 24),
                o.manager,
                _yours(o.bytes, o.base_bytes),
                human_bytes(o.base_bytes),
                str(o.files),
            ]
            for o in owners
        ]
        + [
            [
                "(no package)",
                "-",
                "-",
                _yours(a.packages.unowned_bytes, a.packages.unowned_base_bytes),
                human_bytes(a.packages.unowned_base_bytes),
                "-",
            ]
        ],
    )


def _sections(a: Analysis) -> list[Section]:
    return [
        _layers(a),
        _waste(a),
        _leftovers(a),
        _owners(a),
        (
            "Secrets (names only, never values)",
            ("kind", "where", "layer", "still visible"),
            [
                [
                    s.kind,
                    printable(s.name) if s.where == "file" else f"{s.where} {printable(s.name)}",
                    "-" if s.layer is None else str(s.layer),
                    "yes" if s.visible else "no (deleted later, still in the layer)",
                ]
                for s in a.secrets
            ],
        ),
        (
            "Largest files",
            ("path", "bytes"),
            [[printable(t.path), human_bytes(t.bytes)] for t in a.top],
        ),
    ]


def _summary(a: Analysis) -> list[str]:
    base = a.base
    yours_waste = a.wasted_bytes - a.base_waste.total
    check = a.verification
    digests = (
        f"digests verified: {', '.join(check.checked)}"
        if check.verified
        else "digests not verified (--no-verify)"
    )
    return [
        f"image: {printable(a.source)} ({a.layout}), {len(a.layers)} layers",
        f"stored {human_bytes(a.size_bytes)}, visible {human_bytes(a.visible_bytes)}, "
        f"wasted {human_bytes(a.wasted_bytes)}, efficiency {a.efficiency * 100:.2f}%",
        f"base image: {printable(base.detail)} ({base.found_by})",
        f"yours (what editing this Dockerfile can change): visible "
        f"{_yours(a.visible_bytes, a.base_visible_bytes)}, wasted {human_bytes(yours_waste)}",
        f"dive-compatible: efficiency {a.dive.efficiency * 100:.4f}%, "
        f"inefficient bytes {a.dive.inefficient_bytes}",
        digests,
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
