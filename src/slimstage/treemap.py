"""A squarified treemap (Bruls, Huizing and van Wijk, 2000) drawn as inline SVG.

Rectangles are laid out in rows along the shorter side of the space left, each row grown while
that keeps its rectangles closer to squares, so small items stay readable next to large ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from slimstage.htmlpage import esc


@dataclass(frozen=True)
class Tile:
    label: str
    value: float
    color: str
    tooltip: str


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float


def _worst(row: Sequence[float], side: float) -> float:
    """The worst aspect ratio of ROW's areas laid along a side of length SIDE."""
    total, biggest, smallest = sum(row), max(row), min(row)
    if smallest <= 0 or side <= 0:
        return float("inf")
    return max(side * side * biggest / (total * total), total * total / (side * side * smallest))


def _place(row: Sequence[float], space: Box) -> tuple[list[Box], Box]:
    """Lay ROW's areas along the shorter side of SPACE; the boxes and the space left."""
    total = sum(row)
    if space.w >= space.h:  # a column on the left
        width = total / space.h if space.h else 0
        boxes, y = [], space.y
        for area in row:
            h = area / width if width else 0
            boxes.append(Box(space.x, y, width, h))
            y += h
        return boxes, Box(space.x + width, space.y, space.w - width, space.h)
    height = total / space.w if space.w else 0
    boxes, x = [], space.x
    for area in row:
        w = area / height if height else 0
        boxes.append(Box(x, space.y, w, height))
        x += w
    return boxes, Box(space.x, space.y + height, space.w, space.h - height)


def layout(values: Sequence[float], width: float, height: float) -> list[Box]:
    """Boxes for VALUES (largest first for good shapes) filling WIDTH x HEIGHT by area."""
    total = sum(values)
    if total <= 0:
        return [Box(0, 0, 0, 0) for _ in values]
    areas = [v * width * height / total for v in values]
    boxes: list[Box] = []
    space = Box(0, 0, width, height)
    row: list[float] = []
    for area in areas:
        side = min(space.w, space.h)
        if row and _worst([*row, area], side) > _worst(row, side):
            placed, space = _place(row, space)
            boxes += placed
            row = []
        row.append(area)
    if row:
        boxes += _place(row, space)[0]
    return boxes


def svg(chart_id: str, tiles: Sequence[Tile], width: int, height: int, caption: str) -> str:
    """The treemap of TILES (sorted largest first here); labels where they fit."""
    ordered = sorted((t for t in tiles if t.value > 0), key=lambda t: -t.value)
    parts = [
        f'<svg id="{esc(chart_id)}" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{esc(caption)}</title>'
    ]
    for tile, box in zip(ordered, layout([t.value for t in ordered], width, height), strict=True):
        parts.append(
            f'<g class="tile"><rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.w:.1f}" '
            f'height="{box.h:.1f}" fill="{esc(tile.color)}" stroke="#fff" stroke-width="1">'
            f"<title>{esc(tile.tooltip)}</title></rect>"
        )
        if box.w > 60 and box.h > 18:
            room = int(box.w / 7)
            text = tile.label if len(tile.label) <= room else tile.label[: room - 1] + "…"
            parts.append(
                f'<text x="{box.x + 4:.1f}" y="{box.y + 14:.1f}" style="fill:#fff">'
                f"{esc(text)}</text>"
            )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)
