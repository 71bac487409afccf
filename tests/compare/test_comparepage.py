"""compare's HTML report: what it shows, that it escapes, and that a real Chromium loads it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from slimstage.compare import comparepage
from slimstage.compare.measure import Breakdown, LayerBytes
from slimstage.compare.run import VariantResult
from slimstage.compare.smoke import Smoke
from tests import browser

HOSTILE = '<script>alert("name")</script>'


def _result(
    name: str, size: int | None, status: str = "ok", error: str | None = None
) -> VariantResult:
    breakdown = None
    if size is not None:
        layers = (
            LayerBytes("FROM base", size // 2, size // 6, True),
            LayerBytes('RUN echo "<img src=x onerror=alert(1)>"', size // 2, size // 6, False),
        )
        breakdown = Breakdown(size // 2, size // 4, size // 8, size // 8, 0, layers)
    return VariantResult(
        name=name,
        dockerfile=f"/src/{name}/Dockerfile",
        status=status,
        image=None if size is None else f"t/{name}:1",
        base="python:3.13-slim",
        stand_in_base=True,
        size_bytes=size,
        compressed_bytes=None if size is None else size // 3,
        layers=None if size is None else 2,
        build_seconds_cold=None if size is None else 20.0,
        build_seconds_warm=None if size is None else 1.0,
        smoke=None
        if size is None
        else Smoke(
            status == "ok", 0.4, 30_000_000, 200, "" if status == "ok" else "GET /: status 500"
        ),
        breakdown=breakdown,
        log=f"/logs/{name}.log",
        error=error,
    )


RESULTS = [
    _result("Dockerfile", 526_000_000),
    _result("multistage-runtime", 60_000_000),
    _result(HOSTILE, 100_000_000, "failed", "smoke test failed: <b>bold</b>"),
    _result("newmultistage", None, "skipped", "base image python:3.13-alpine is not present"),
]


def test_one_bar_per_variant_in_the_size_charts() -> None:
    page = comparepage.render(RESULTS)
    for chart in ("sizes", "layers", "cold", "warm", "ready", "memory"):
        found = re.search(rf'<svg id="{chart}".*?</svg>', page, re.S)
        assert found is not None, chart
        assert found.group(0).count('<g class="bar"') == len(RESULTS), chart


def test_the_size_bar_is_split_by_what_made_the_bytes() -> None:
    page = comparepage.render(RESULTS[:1])
    sizes = re.search(r'<svg id="sizes".*?</svg>', page, re.S)
    assert sizes is not None
    tips = re.findall(r"<title>(Dockerfile: [^<]*)</title>", sizes.group(0))
    assert tips == [
        "Dockerfile: base image 263.0MB",
        "Dockerfile: OS packages added 131.5MB",
        "Dockerfile: Python packages 65.8MB",
        "Dockerfile: app and other files 65.8MB",
    ]


def test_everything_from_images_and_dockerfiles_is_escaped() -> None:
    page = comparepage.render(RESULTS)
    assert page.count("<script") == 0
    assert "<img" not in page
    assert "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_skipped_and_failed_variants_say_so() -> None:
    page = comparepage.render(RESULTS)
    assert '<span class="skip">skipped</span><br>base image python:3.13-alpine' in page
    assert "skipped: base image python:3.13-alpine is not present" in page
    assert '<span class="bad">failed</span>' in page


@pytest.mark.browser
def test_the_report_loads_in_chromium_without_errors(tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    path.write_text(comparepage.render(RESULTS))
    loaded = browser.load(path)
    assert loaded.errors == []
    # The browser's own DOM: one bar per variant, and the hostile name stayed text.
    sizes = re.search(r'<svg id="sizes".*?</svg>', loaded.dom, re.S)
    assert sizes is not None
    assert sizes.group(0).count('<g class="bar"') == len(RESULTS)
    assert loaded.dom.count("<script") == 1  # only the test's own recorder
    shot = browser.screenshot(path, "compare-report-synthetic")
    print(f"screenshot: {shot}")


@pytest.mark.browser
def test_a_page_that_fetches_from_elsewhere_is_caught(tmp_path: Path) -> None:
    # The check itself must be able to fail: an external image and a script error.
    path = tmp_path / "bad.html"
    page = comparepage.render(RESULTS[:1]).replace(
        "</body>",
        '<img src="http://192.0.2.1/x.png"><script>undefinedFunction()</script></body>',
    )
    path.write_text(page)
    errors = browser.load(path).errors
    assert any("blocked: http://192.0.2.1/x.png" in e for e in errors), errors
    assert any("undefinedFunction" in e for e in errors), errors


@pytest.mark.engine
@pytest.mark.browser
def test_the_demos_report_loads_in_chromium(
    demo_comparison: dict[str, VariantResult], tmp_path: Path
) -> None:
    results = list(demo_comparison.values())
    path = tmp_path / "demo-report.html"
    path.write_text(comparepage.render(results))
    loaded = browser.load(path)
    assert loaded.errors == []
    sizes = re.search(r'<svg id="sizes".*?</svg>', loaded.dom, re.S)
    assert sizes is not None
    assert sizes.group(0).count('<g class="bar"') == len(results) == 4
    layers = re.search(r'<svg id="layers".*?</svg>', loaded.dom, re.S)
    assert layers is not None
    built = [r for r in results if r.breakdown is not None]
    # One piece per layer that stores any bytes (ENV, WORKDIR and the like store none).
    pieces = [item for r in built if r.breakdown for item in r.breakdown.layers if item.bytes]
    assert layers.group(0).count("<rect") == len(pieces)
    shot = browser.screenshot(path, "compare-report-demo")
    print(f"screenshot: {shot}")
