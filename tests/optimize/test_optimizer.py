"""optimize on the real engine, on the example apps: each rewritten from what its built code
needs, then verified (both images built and smoke-tested the same way)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from slimstage import dockerfile
from slimstage.engine import Engine
from slimstage.errors import CannotOptimize
from slimstage.optimize import recipe
from slimstage.optimize.optimizer import Optimized, optimize
from slimstage.optimize.verify import SmokeSettings, VerifyOutcome, verify
from tests.conftest import ROOT

EXAMPLES = ROOT / "examples"


@dataclass(frozen=True)
class Expect:
    runtime: set[str]  # runtime packages found (prefixes)
    moved: set[str]
    kept: set[str]
    gain: str


APPS = {
    "lxml-report": Expect(
        {"libxml2", "libxslt1.1"},
        {"gcc", "libc6-dev", "libxml2-dev", "libxslt1-dev"},
        set(),
        "large",
    ),
    "pillow-thumbs": Expect(
        {"libjpeg62-turbo"},
        {"build-essential", "libjpeg-dev", "zlib1g-dev", "libffi-dev"},
        set(),
        "large",
    ),
    "pure-flask": Expect(set(), set(), set(), "small"),
    "pyproject-greeter": Expect(set(), {"build-essential"}, {"curl"}, "large"),
}


def _optimize(engine: Engine, app: str, *, minimal: bool = False) -> Optimized:
    folder = EXAMPLES / app
    parsed = dockerfile.parse((folder / "Dockerfile").read_text(), str(folder / "Dockerfile"))
    return optimize(
        engine, recipe.read(parsed), folder, minimal=minimal, build_args={}, on_line=lambda _l: None
    )


def _verify(engine: Engine, app: str, text: str) -> VerifyOutcome:
    folder = EXAMPLES / app
    return verify(
        engine,
        folder / "Dockerfile",
        text,
        folder,
        settings=SmokeSettings(timeout=60),
        build_args={},
        on_line=lambda _l: None,
    )


@pytest.mark.engine
@pytest.mark.parametrize("app", sorted(APPS))
def test_each_example_is_rewritten_and_verified(engine: Engine, app: str) -> None:
    expect = APPS[app]
    result = _optimize(engine, app)
    found = result.findings
    runtime = set(found.runtime)
    assert all(any(r.startswith(e) for r in runtime) for e in expect.runtime), runtime
    assert len(runtime) == len(expect.runtime) or expect.runtime, runtime
    assert {d.package for d in found.decisions if d.place == "builder"} == expect.moved
    assert {d.package for d in found.decisions if d.place == "final"} == expect.kept
    assert found.unresolved == []
    checked = _verify(engine, app, result.text)
    assert checked.ok, (checked.original.detail, checked.optimized.detail)
    assert checked.original.size_bytes
    assert checked.optimized.size_bytes
    if expect.gain == "large":
        assert checked.optimized.size_bytes < 0.6 * checked.original.size_bytes
    else:  # said honestly: about the same size
        assert checked.optimized.size_bytes < 1.1 * checked.original.size_bytes


@pytest.mark.engine
def test_minimal_refuses_a_step_that_needs_a_shell(engine: Engine) -> None:
    with pytest.raises(CannotOptimize, match="RUN needs a shell"):
        _optimize(engine, "pyproject-greeter", minimal=True)


def test_every_example_app_has_its_expectations() -> None:
    assert {p.name for p in EXAMPLES.iterdir() if (p / "Dockerfile").is_file()} == set(APPS)
    assert all(isinstance(p, Path) for p in EXAMPLES.iterdir())
