"""Self-contained HTML pages with inline SVG charts: no scripts, fonts or files from elsewhere.

A report must open from disk, offline, years later, so everything is in the one file: the style
sheet inline, the charts as SVG, no JavaScript. Every text that comes from an image or a
Dockerfile passes through `esc` (the builders here escape their labels and tooltips themselves).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass

#: Colour-blind-safe categorical colours (Okabe and Ito), then greys for what matters less.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
GREY = "#9a9a9a"
LIGHT = "#d9d9d9"
WIDTH = 920
_LABEL_WIDTH = 190
_BAR_HEIGHT = 22
_GAP = 10
#: Characters of a bar's value text shown (all of it is in its tooltip).
_VALUE_CHARS = 90

_STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;
max-width:960px;padding:0 1rem;color:#1b1b1b;background:#fff}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2.2rem}
p.sub{color:#555;margin-top:0}table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}
th,td{padding:.25rem .6rem;border-bottom:1px solid #e4e4e4;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#0a7d32}.bad{color:#b3261e}.skip{color:#8a6d00}
svg text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;fill:#1b1b1b}
svg text.dim{fill:#666}.legend span{display:inline-block;margin-right:1rem;font-size:.85rem}
.legend i{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:-1px}
code{font-size:.85rem;word-break:break-all}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:0 2rem}.grid h3{font-size:1rem}
"""


def esc(text: object) -> str:
    """TEXT as HTML text or attribute value: <, >, &, and both quotes escaped."""
    return html.escape(str(text), quote=True)


def document(title: str, subtitle: str, body: str) -> str:
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{_STYLE}</style></head>\n<body>\n"
        f'<h1>{esc(title)}</h1>\n<p class="sub">{esc(subtitle)}</p>\n{body}\n</body></html>\n'
    )


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int]) -> str:
    """A table of already-escaped cells; columns in NUMERIC are right-aligned."""

    def cell(tag: str, index: int, text: str) -> str:
        css = ' class="n"' if index in numeric else ""
        return f"<{tag}{css}>{text}</{tag}>"

    head = "".join(cell("th", i, esc(h)) for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(cell("td", i, c) for i, c in enumerate(row)) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


@dataclass(frozen=True)
class BarPiece:
    """One piece of a bar: its value, colour, and the tooltip shown on hover."""

    value: float
    color: str
    tooltip: str


def legend(items: Sequence[tuple[str, str]]) -> str:
    spans = "".join(
        f'<span><i style="background:{c}"></i>{esc(label)}</span>' for label, c in items
    )
    return f'<p class="legend">{spans}</p>'


def _short(text: str, size: int = 28) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def bars(
    chart_id: str,
    rows: Sequence[tuple[str, Sequence[BarPiece], str]],
    caption: str,
    *,
    width: int = WIDTH,
) -> str:
    """Horizontal stacked bars, one `<g class="bar">` per row (label, segments, value text),
    all drawn to the scale of the largest row."""
    biggest = max((sum(s.value for s in segs) for _, segs, _ in rows), default=0) or 1
    span = width - _LABEL_WIDTH - 90
    height = len(rows) * (_BAR_HEIGHT + _GAP) + _GAP
    parts = [
        f'<svg id="{esc(chart_id)}" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{esc(caption)}</title>'
    ]
    for index, (label, segments, value_text) in enumerate(rows):
        y = _GAP + index * (_BAR_HEIGHT + _GAP)
        parts.append(f'<g class="bar" data-label="{esc(label)}">')
        parts.append(
            f'<text x="{_LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end">'
            f"<title>{esc(label)}</title>{esc(_short(label))}</text>"
        )
        x = float(_LABEL_WIDTH)
        for segment in segments:
            w = segment.value / biggest * span
            if w <= 0:
                continue
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{_BAR_HEIGHT}" '
                f'fill="{esc(segment.color)}"><title>{esc(segment.tooltip)}</title></rect>'
            )
            x += w
        parts.append(
            f'<text class="dim" x="{x + 6:.1f}" y="{y + 15}"><title>{esc(value_text)}</title>'
            f"{esc(_short(value_text, _VALUE_CHARS))}</text>"
        )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def single_bars(
    chart_id: str,
    rows: Sequence[tuple[str, float | None]],
    fmt: Callable[[float], str],
    caption: str,
    color: str = PALETTE[0],
    *,
    width: int = WIDTH,
) -> str:
    """One plain bar per row; rows without a value get an empty bar marked '-'."""
    shaped = [
        (
            label,
            [] if v is None else [BarPiece(v, color, f"{label}: {fmt(v)}")],
            "-" if v is None else fmt(v),
        )
        for label, v in rows
    ]
    return bars(chart_id, shaped, caption, width=width)
