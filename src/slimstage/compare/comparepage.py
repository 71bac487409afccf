"""`compare --html FILE`: the comparison as one self-contained page (slimstage.htmlpage).

Sizes side by side, split by what made them and by layer; build times, ready time and memory;
the full table. Names, Dockerfile paths, layer commands and error texts come from the user's
files and images: every one of them is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence

from slimstage import htmlpage
from slimstage.compare.run import VariantResult
from slimstage.compare.scorecard import summary
from slimstage.htmlpage import GREY, LIGHT, PALETTE, BarPiece, esc
from slimstage.units import human_bytes

#: What made the bytes, in the order the bars stack them.
PARTS = (
    ("base", "base image", GREY),
    ("os_packages", "OS packages added", PALETTE[1]),
    ("python_packages", "Python packages", PALETTE[0]),
    ("app", "app and other files", PALETTE[2]),
    ("hidden", "hidden by later layers", LIGHT),
)


#: Alternating shades for a variant's own layers, so neighbours stay apart.
LAYER_SHADES = ("#0072B2", "#56B4E9", "#004D7A", "#8CCBEF")


def _status(r: VariantResult) -> str:
    css = {"ok": "ok", "skipped": "skip"}.get(r.status, "bad")
    return f'<span class="{css}">{esc(r.status)}</span>'


def _why(r: VariantResult) -> str:
    return "" if r.error is None else r.error.splitlines()[0]


def _by_cause(results: Sequence[VariantResult]) -> str:
    rows: list[tuple[str, list[BarPiece], str]] = []
    for r in results:
        if r.breakdown is None:
            rows.append((r.name, [], f"{r.status}: {_why(r)}" if r.error else "not measured"))
            continue
        figures = {key: getattr(r.breakdown, key) for key, _, _ in PARTS}
        segments = [
            BarPiece(figures[key], color, f"{r.name}: {label} {human_bytes(figures[key])}")
            for key, label, color in PARTS
        ]
        rows.append((r.name, segments, human_bytes(sum(figures.values()))))
    chart = htmlpage.bars("sizes", rows, "File bytes of each variant by what made them")
    return htmlpage.legend([(label, color) for _, label, color in PARTS]) + chart


def _by_layer(results: Sequence[VariantResult]) -> str:
    rows: list[tuple[str, list[BarPiece], str]] = []
    for r in results:
        if r.breakdown is None:
            rows.append((r.name, [], "-"))
            continue
        segments = []
        for index, item in enumerate(r.breakdown.layers):
            shades = (GREY, LIGHT) if item.from_base else LAYER_SHADES
            color = shades[index % len(shades)]
            where = "base layer" if item.from_base else "layer"
            tip = (
                f"{r.name} {where} {index}: {human_bytes(item.bytes)} "
                f"({human_bytes(item.compressed_bytes)} compressed) — {item.created_by}"
            )
            segments.append(BarPiece(item.bytes, color, tip))
        rows.append((r.name, segments, f"{len(r.breakdown.layers)} layers"))
    return htmlpage.bars("layers", rows, "File bytes of each variant, layer by layer")


#: The width of a chart in a two-column grid.
HALF = 560


def _seconds(value: float) -> str:
    return f"{value:.1f}s"


def _timings(results: Sequence[VariantResult]) -> str:
    def ready(r: VariantResult) -> float | None:
        return r.smoke.seconds_to_ready if r.smoke else None

    def memory(r: VariantResult) -> float | None:
        return float(r.smoke.memory_bytes) if r.smoke and r.smoke.memory_bytes else None

    parts = [
        (
            "Cold build (--no-cache)",
            "cold",
            [(r.name, r.build_seconds_cold) for r in results],
            _seconds,
        ),
        (
            "Warm rebuild after an app edit",
            "warm",
            [(r.name, r.build_seconds_warm) for r in results],
            _seconds,
        ),
        (
            "Ready (first good answer after start)",
            "ready",
            [(r.name, ready(r)) for r in results],
            _seconds,
        ),
        (
            "Memory when ready",
            "memory",
            [(r.name, memory(r)) for r in results],
            lambda v: human_bytes(int(v)),
        ),
    ]
    charts = "".join(
        f"<div><h3>{esc(title)}</h3>"
        + htmlpage.single_bars(chart_id, rows, fmt, title, width=HALF)
        + "</div>"
        for title, chart_id, rows, fmt in parts
    )
    return f'<div class="grid">{charts}</div>'


def _table(results: Sequence[VariantResult]) -> str:
    headers = ("variant", "status", "size", "compressed", "layers", "base", "smoke test")
    rows = []
    for r in results:
        smoke = "-" if r.smoke is None else "passed" if r.smoke.ok else r.smoke.detail
        base = "-" if r.base is None else r.base + (" (stand-in)" if r.stand_in_base else "")
        rows.append(
            [
                f"{esc(r.name)}<br><code>{esc(r.dockerfile)}</code>",
                _status(r) + (f"<br>{esc(_why(r))}" if r.error and r.status != "ok" else ""),
                esc(human_bytes(r.size_bytes)),
                esc(human_bytes(r.compressed_bytes)),
                esc("-" if r.layers is None else r.layers),
                esc(base),
                esc(smoke),
            ]
        )
    return htmlpage.table(headers, rows, numeric={2, 3, 4})


def render(results: Sequence[VariantResult]) -> str:
    """The whole page for RESULTS (the first is the baseline)."""
    baseline = results[0].name if results else "-"
    findings = "".join(f"<li>{esc(line)}</li>" for line in summary(results))
    body = (
        f"<ul>{findings}</ul>"
        "<h2>Size by what made it</h2>"
        "<p>Bytes of the files each image stores. Base: files from the layers of the image the "
        "final stage starts from; OS and Python packages: files the Dockerfile added that a "
        "package database lists; app and other: everything else it added.</p>"
        + _by_cause(results)
        + "<h2>Size by layer</h2><p>Hover a piece for the instruction that made it.</p>"
        + _by_layer(results)
        + "<h2>Build, start-up and memory</h2>"
        + _timings(results)
        + "<h2>All figures</h2>"
        + _table(results)
    )
    subtitle = f"{len(results)} Dockerfile variants, baseline {baseline}"
    return htmlpage.document("slimstage compare", subtitle, body)
