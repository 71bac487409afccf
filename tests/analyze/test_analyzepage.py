"""analyze's HTML report: treemap, waste, layers; escaping; `analyze --html` and Chromium."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from slimstage.analyze import analysis, analyzepage
from slimstage.analyze.packages import Owned
from slimstage.analyze.secrets import Secret
from slimstage.image import archive
from tests import browser
from tests.analyze.test_report import RESULT
from tests.conftest import run_cli
from tests.imagebuild import ImageSpec, docker_classic

HOSTILE = "app/<img src=x onerror=alert(1)>.py"
LAYERS = [
    [
        ("file", "usr/bin/bash", "b" * 1000),
        ("file", "var/lib/dpkg/info/bash.list", "/usr/bin/bash\n"),
        ("file", "usr/share/big.dat", "s" * 4000),
    ],
    [
        ("file", "srv/site-packages/flask-3.1.3.dist-info/RECORD", "flask/app.py,,300\n"),
        ("file", "srv/site-packages/flask/app.py", "f" * 300),
        ("file", HOSTILE, "x" * 200),
        ("file", "tmp/cache.bin", "c" * 900),
    ],
    [("whiteout", "tmp/cache.bin")],
]


@pytest.fixture
def image_archive(tmp_path: Path) -> Path:
    spec = ImageSpec(LAYERS, history=["ADD rootfs /", 'RUN echo "<script>x</script>"', "RUN rm"])  # type: ignore[arg-type]
    return docker_classic(tmp_path / "img.tar", spec)


@pytest.fixture
def examined(image_archive: Path) -> analysis.Examined:
    with image_archive.open("rb") as stream:
        image = archive.read_stream(stream, str(image_archive), read_layer=analysis.read_layer)
    return analysis.examine(image, base=None)


def _files(examined: analysis.Examined) -> dict[str, tuple[int, str | None]]:
    return {p: (f.size, f.owner) for p, f in examined.files.items()}


def test_unowned_bytes_are_grouped_by_folder(examined: analysis.Examined) -> None:
    folders = analyzepage.unowned_folders(_files(examined))
    assert folders == {
        "/usr/share": 4000,
        "/var/lib": 14,
        "/app": 200,
        "/srv/site-packages": len("flask/app.py,,300\n"),
    }
    assert analyzepage.folder_of("/usr/lib/x/y.so") == "/usr/lib"
    assert analyzepage.folder_of("/top.bin") == "/"


def test_the_treemap_has_a_tile_per_package_and_folder(examined: analysis.Examined) -> None:
    tiles = analyzepage.tiles(examined.analysis, analyzepage.unowned_folders(_files(examined)))
    assert [(t.label, t.value) for t in tiles][:3] == [
        ("/usr/share/", 4000),
        ("bash", 1000),
        ("flask", 300),
    ]
    without = analyzepage.tiles(examined.analysis, None)
    assert ("(no package)", examined.analysis.packages.unowned_bytes) in [
        (t.label, t.value) for t in without
    ]


def test_the_page_shows_waste_by_cause_and_escapes_the_image(examined: analysis.Examined) -> None:
    page = analyzepage.render(examined.analysis, analyzepage.unowned_folders(_files(examined)))
    waste = re.search(r'<svg id="waste".*?</svg>', page, re.S)
    assert waste is not None
    assert "whiteout" in waste.group(0)
    assert ">900B<" in waste.group(0)  # the deleted cache file is stored, hidden by a whiteout
    assert "<script>" not in page
    assert "<img" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page
    assert re.search(r'<svg id="treemap".*?</svg>', page, re.S)


def test_analyze_html_writes_the_report_and_keeps_stdout_for_results(
    image_archive: Path, tmp_path: Path
) -> None:
    report = tmp_path / "report.html"
    done = run_cli("analyze", str(image_archive), "--format", "json", "--html", str(report))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["size_bytes"] > 0
    assert f"report written to {report}" in done.stderr
    assert report.read_text().startswith("<!doctype html>")
    bad = run_cli("analyze", str(image_archive), "--html", str(tmp_path / "no" / "such" / "x.html"))
    assert bad.returncode == 2
    assert "cannot write" in bad.stderr


@pytest.mark.browser
def test_the_report_loads_in_chromium_without_errors(
    examined: analysis.Examined, tmp_path: Path
) -> None:
    path = tmp_path / "analyze.html"
    path.write_text(
        analyzepage.render(examined.analysis, analyzepage.unowned_folders(_files(examined)))
    )
    loaded = browser.load(path)
    assert loaded.errors == []
    treemap = re.search(r'<svg id="treemap".*?</svg>', loaded.dom, re.S)
    assert treemap is not None
    assert treemap.group(0).count('<g class="tile">') == 6  # 2 packages, 4 folders
    shot = browser.screenshot(path, "analyze-report-synthetic", height=1600)
    print(f"screenshot: {shot}")


@pytest.mark.engine
@pytest.mark.browser
def test_analyze_html_of_a_demo_image_loads_in_chromium(
    demo_images: dict[str, str], tmp_path: Path
) -> None:
    report = tmp_path / "analyze.html"
    done = run_cli("analyze", demo_images["Dockerfile"], "--html", str(report))
    assert done.returncode in (0, 7), done.stderr[-1500:]  # 7: the default gate may fail it
    loaded = browser.load(report)
    assert loaded.errors == []
    treemap = re.search(r'<svg id="treemap".*?</svg>', loaded.dom, re.S)
    assert treemap is not None
    tiles = treemap.group(0).count('<g class="tile">')
    assert tiles > 50  # the toolchain's packages, Python distributions, folders
    # The compiler the single-stage build keeps, as Debian packages it (gcc-14, or the
    # architecture's gcc-14-x86-64-linux-gnu).
    assert re.search(r"<title>gcc-14[-a-z0-9]* \(dpkg\): ", treemap.group(0))
    shot = browser.screenshot(report, "analyze-report-demo", height=1800)
    print(f"screenshot: {shot}")


def test_the_whole_page_body() -> None:
    # RESULT of the text report's tests, drawn: tiles largest first (gcc-14 and /usr/share/ tie
    # at 300 kB and keep their order), bars in proportion (400 kB of waste is the full 640 px,
    # 100 kB a quarter; layer 1 is 0.8/1.2 of layer 0's 640 px), every secret with its place.
    secrets = [
        Secret("dotenv", "file", 1, "/app/.env", False),
        Secret("private key", "file", 2, "/root/.ssh/id_rsa", True),
        Secret("github token", "env", None, "GITHUB_TOKEN", True),
    ]
    page = analyzepage.render(
        replace(RESULT, secrets=secrets), {"/usr/share": 300_000, "/app": 20_000}
    )
    body = page[page.index("<body>") :].replace("><", ">\n<")
    assert body == (Path(__file__).parent / "expected" / "analyze-page-body.html").read_text()


def _owned(count: int) -> list[Owned]:
    return [Owned(f"p{i:03}", "dpkg", 1000 + i, 1) for i in range(count)]


def test_bytes_no_package_owns_make_one_tile_when_folders_are_not_known() -> None:
    a = replace(
        RESULT, packages=replace(RESULT.packages, os=_owned(2), python=[], unowned_bytes=5000)
    )
    found = analyzepage.tiles(a, None)
    assert (found[0].label, found[0].value, found[0].tooltip) == (
        "(no package)",
        5000,
        "no package: 5.0kB",
    )


def test_tiles_past_the_limit_are_summed_into_the_rest() -> None:
    exact = replace(
        RESULT,
        packages=replace(
            RESULT.packages, os=_owned(analyzepage.MAX_TILES), python=[], unowned_bytes=0
        ),
    )
    assert len(analyzepage.tiles(exact, None)) == analyzepage.MAX_TILES
    over = replace(exact, packages=replace(exact.packages, os=_owned(analyzepage.MAX_TILES + 2)))
    found = analyzepage.tiles(over, None)
    assert len(found) == analyzepage.MAX_TILES + 1
    rest = found[-1]
    assert (rest.label, rest.value, rest.tooltip) == ("(the rest)", 2001, "2 more: 2.0kB")


def test_no_secrets_no_secrets_heading() -> None:
    page = analyzepage.render(replace(RESULT, secrets=[]))
    assert "Secrets" not in page
    # nothing at all in its place: the largest files' table is the last thing on the page
    assert page.endswith("</tbody></table>\n</body></html>\n")
