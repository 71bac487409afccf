from __future__ import annotations

import re

import pytest

from slimstage.treemap import Tile, layout, svg


@pytest.mark.parametrize(
    "values",
    [[6, 6, 4, 3, 2, 2, 1], [100], [1, 1, 1, 1], [500, 3, 2, 1, 1, 1, 0.5], [7, 0, 3]],
)
def test_boxes_fill_the_space_in_proportion_and_stay_inside(values: list[float]) -> None:
    width, height = 600.0, 400.0
    boxes = layout(values, width, height)
    assert len(boxes) == len(values)
    total = sum(values)
    for value, box in zip(values, boxes, strict=True):
        assert box.w * box.h == pytest.approx(value / total * width * height, abs=1e-6)
        assert box.x >= -1e-9
        assert box.y >= -1e-9
        assert box.x + box.w <= width + 1e-6
        assert box.y + box.h <= height + 1e-6
    assert sum(b.w * b.h for b in boxes) == pytest.approx(width * height)


def test_squarified_keeps_the_classic_example_near_square() -> None:
    # Bruls et al.'s example: 6, 6, 4, 3, 2, 2, 1 in a 6 x 4 rectangle.
    boxes = layout([6, 6, 4, 3, 2, 2, 1], 6, 4)
    ratios = [max(b.w / b.h, b.h / b.w) for b in boxes]
    assert max(ratios) < 3
    assert (boxes[0].w, boxes[0].h) == pytest.approx((3, 2))


def test_nothing_to_draw() -> None:
    assert layout([], 10, 10) == []
    assert all(b.w == 0 for b in layout([0, 0], 10, 10))


def test_svg_escapes_labels_and_draws_positive_tiles_only() -> None:
    tiles = [
        Tile('<script>alert("x")</script>', 70, "#000", "a & b"),
        Tile("small", 30, "#111", "small one"),
        Tile("none", 0, "#222", "zero"),
    ]
    drawn = svg("map", tiles, 400, 300, "caption <b>")
    assert drawn.count('<g class="tile">') == 2
    assert "<script>" not in drawn
    assert "&lt;script&gt;" in drawn
    assert "<title>a &amp; b</title>" in drawn
    assert "caption &lt;b&gt;" in drawn
    assert re.search(r'<svg id="map" [^>]*viewBox="0 0 400 300"', drawn)
