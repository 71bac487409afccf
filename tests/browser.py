"""Open a report in a real headless Chromium (Debian's `chromium`), as a user's browser would.

`load()` opens an instrumented copy of the page: a first script records uncaught errors,
console errors, resources that fail to load and Content-Security-Policy violations (the policy
allows nothing from elsewhere, so any fetch beyond the file itself is one), and writes them into
the DOM, which Chromium then dumps. Chromium's own console log (--enable-logging) is kept too.
`screenshot()` keeps a PNG of the page as it is, under ARTIFACTS, for people to look at.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ARTIFACTS = Path(
    os.environ.get("SLIMSTAGE_TEST_ARTIFACTS")
    or Path(tempfile.gettempdir()) / "slimstage-test-artifacts"
)
#: Screenshots taken in this session, listed at its end (tests/conftest.py).
KEPT: list[Path] = []
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
)
_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'unsafe-inline'"
_RECORDER = """<meta http-equiv="Content-Security-Policy" content="POLICY">
<script>
window.__errors = [];
window.onerror = function (message) { window.__errors.push('error: ' + message); };
addEventListener('error', function (e) {
  if (e.target && e.target !== window) {
    window.__errors.push('failed to load: ' + e.target.outerHTML);
  }
}, true);
addEventListener('securitypolicyviolation', function (e) {
  window.__errors.push('blocked: ' + e.blockedURI);
});
console.error = function () {
  window.__errors.push('console: ' + [].join.call(arguments, ' '));
};
addEventListener('load', function () {
  document.documentElement.setAttribute('data-errors', JSON.stringify(window.__errors));
});
</script>""".replace("POLICY", _POLICY)


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail(
            "the report tests need Chromium (apt-get install chromium; scripts/bootstrap does)",
            pytrace=False,
        )
    return found


@dataclass(frozen=True)
class Loaded:
    dom: str
    errors: list[str]


def _run(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [chromium(), *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def load(page: Path) -> Loaded:
    """The page's DOM after it loaded, and every error seen while loading it."""
    text = page.read_text()
    head = text.index("<head>") + len("<head>")
    probe = page.with_name(page.stem + ".instrumented.html")
    probe.write_text(text[:head] + _RECORDER + text[head:])
    with tempfile.TemporaryDirectory(prefix="slimstage-chromium-") as profile:
        done = _run(
            ["--enable-logging=stderr", "--v=0", "--dump-dom", probe.as_uri()], Path(profile)
        )
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r'data-errors="([^"]*)"', done.stdout)
    assert found is not None, "the page never finished loading"
    errors = json.loads(html.unescape(found.group(1)))
    # Chromium's own log: messages the page sent to the console at error level.
    errors += [
        line
        for line in done.stderr.splitlines()
        if "CONSOLE" in line and ("ERROR" in line or "Uncaught" in line)
    ]
    return Loaded(done.stdout, errors)


def screenshot(page: Path, name: str, *, width: int = 1100, height: int = 2400) -> Path:
    """A PNG of PAGE, kept as ARTIFACTS/NAME.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"{name}.png"
    with tempfile.TemporaryDirectory(prefix="slimstage-chromium-") as profile:
        done = _run(
            [f"--window-size={width},{height}", f"--screenshot={shot}", page.as_uri()],
            Path(profile),
        )
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.stat().st_size > 10_000
    KEPT.append(shot)
    return shot
