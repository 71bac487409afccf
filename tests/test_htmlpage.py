from __future__ import annotations

from slimstage import htmlpage
from slimstage.htmlpage import BarPiece, bars, document, esc, legend, single_bars, table


def test_esc_escapes_markup_and_both_quotes() -> None:
    assert esc("<a href='x'>\"&\"</a>") == "&lt;a href=&#x27;x&#x27;&gt;&quot;&amp;&quot;&lt;/a&gt;"
    assert esc(42) == "42"


def test_document_is_whole_and_needs_nothing_from_elsewhere() -> None:
    page = document("T <1>", "sub & title", "<p>body</p>")
    assert page.startswith("<!doctype html>")
    assert "<title>T &lt;1&gt;</title>" in page
    assert "<h1>T &lt;1&gt;</h1>" in page
    assert "sub &amp; title" in page
    for reference in ("<script", "<link", "src=", "href=", "@import", "url("):
        assert reference not in page


def test_bars_draw_one_group_per_row_to_one_scale() -> None:
    rows = [
        ("big", [BarPiece(60, "#111", "a"), BarPiece(40, "#222", "b")], "100"),
        ("half", [BarPiece(50, "#111", "c")], "50"),
        ("none", [], "skipped"),
    ]
    chart = bars("sizes", rows, "Sizes")
    assert chart.count('<g class="bar"') == 3
    widths = [float(w) for w in __import__("re").findall(r'<rect [^>]*width="([\d.]+)"', chart)]
    assert widths[0] + widths[1] == 2 * widths[2]  # 100 against 50
    assert 'data-label="none"' in chart
    assert ">skipped<" in chart


def test_bar_labels_and_tooltips_are_escaped() -> None:
    chart = bars("x", [("<img src=x onerror=alert(1)>", [BarPiece(1, "#000", "<b>")], "<i>")], "c")
    assert "<img" not in chart
    assert "<b>" not in chart
    assert "&lt;img src=x onerror=alert(1)&gt;" in chart


def test_single_bars_mark_missing_values() -> None:
    chart = single_bars("t", [("a", 2.0), ("b", None)], lambda v: f"{v:.1f}s", "Time")
    assert chart.count('<g class="bar"') == 2
    assert ">2.0s<" in chart
    assert ">-<" in chart


def test_table_and_legend() -> None:
    html = table(("name", "size"), [["<b>x</b>", "1"]], numeric={1})
    assert '<th class="n">size</th>' in html
    assert "<td><b>x</b></td>" in html  # cells come escaped by the caller
    assert "&lt;" in legend([("<base>", htmlpage.GREY)])
