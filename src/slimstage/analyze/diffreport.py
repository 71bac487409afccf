"""Render `diff` results: table (people), json (machines), markdown (docs)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence

from slimstage.analyze.imagediff import ImageDiff, Named, PackageChange, Side
from slimstage.image.printable import printable
from slimstage.tables import grid, markdown
from slimstage.units import human_bytes

DIFF_SCHEMA = "slimstage.diff/2"
Block = tuple[str, Sequence[str], list[list[str]]]


def _named(items: list[Named]) -> list[list[str]]:
    return [[printable(n.name), human_bytes(n.bytes), str(n.files)] for n in items]


def _side_rows(side: Side) -> list[Block]:
    return [
        ("by package", ("package", "bytes", "files"), _named(side.by_package)),
        ("by leftover category", ("category", "bytes", "files"), _named(side.by_leftover)),
        (
            "largest paths",
            ("path", "bytes"),
            [[printable(t.path), human_bytes(t.bytes)] for t in side.top],
        ),
    ]


def _version(change: PackageChange, side: str) -> str:
    version = change.a_version if side == "a" else change.b_version
    location = change.a_location if side == "a" else change.b_location
    text = f"{version} in {location}" if location else version
    return printable(text) or "-"


def _package_blocks(d: ImageDiff) -> list[Block]:
    headers = ("package", "manager", "in A", "in B", "bytes A", "bytes B")

    def rows(changes: list[PackageChange]) -> list[list[str]]:
        return [
            [
                printable(c.name),
                c.manager,
                _version(c, "a"),
                _version(c, "b"),
                human_bytes(c.a_bytes),
                human_bytes(c.b_bytes),
            ]
            for c in changes
        ]

    p = d.packages
    return [
        ("packages only in A", headers, rows(p.only_in_a[:20])),
        ("packages only in B", headers, rows(p.only_in_b[:20])),
        ("packages at another version", headers, rows(p.changed)),
        ("packages installed elsewhere (moved)", headers, rows(p.moved)),
    ]


def _moved_block(d: ImageDiff) -> Block:
    return (
        f"moved: {human_bytes(d.moved.bytes)} in {d.moved.files} files are at another path "
        "(same content)",
        ("in A", "in B", "bytes"),
        [
            [printable(m.a_path), printable(m.b_path), human_bytes(m.bytes)]
            for m in d.moved.examples
        ],
    )


def _sides(d: ImageDiff) -> list[tuple[str, Side]]:
    a, b = printable(d.a), printable(d.b)
    return [(f"In {a}, not in {b}", d.only_in_a), (f"In {b}, not in {a}", d.only_in_b)]


def diff_table(d: ImageDiff) -> str:
    lines = [
        f"A = {printable(d.a)}: {human_bytes(d.a_size_bytes)} visible; "
        f"B = {printable(d.b)}: {human_bytes(d.b_size_bytes)} visible"
    ]
    for title, side in _sides(d):
        lines += ["", f"{title}: {human_bytes(side.bytes)} in {side.files} files"]
        for sub, headers, rows in _side_rows(side):
            lines += [f"  {sub}:"]
            lines += ["  " + line for line in grid(headers, rows)] if rows else ["    (none)"]
    for title, headers, rows in [_moved_block(d), *_package_blocks(d)]:
        lines += ["", f"{title}:"]
        lines += ["  " + line for line in grid(headers, rows)] if rows else ["  (none)"]
    return "\n".join(lines) + "\n"


def diff_markdown(d: ImageDiff) -> str:
    lines = [
        f"- A = {printable(d.a)}: {human_bytes(d.a_size_bytes)} visible",
        f"- B = {printable(d.b)}: {human_bytes(d.b_size_bytes)} visible",
    ]
    for title, side in _sides(d):
        lines += ["", f"### {title}: {human_bytes(side.bytes)} in {side.files} files"]
        for sub, headers, rows in _side_rows(side):
            lines += ["", f"**{sub}**", ""]
            lines += markdown(headers, rows) if rows else ["(none)"]
    for title, headers, rows in [_moved_block(d), *_package_blocks(d)]:
        lines += ["", f"### {title}", ""]
        lines += markdown(headers, rows) if rows else ["(none)"]
    return "\n".join(lines) + "\n"


def diff_json(d: ImageDiff) -> str:
    return json.dumps({"schema": DIFF_SCHEMA, **dataclasses.asdict(d)}, indent=2) + "\n"
