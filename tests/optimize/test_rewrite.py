"""The rewrite as text, against golden files: a parsed Dockerfile and a plan in, a multi-stage
Dockerfile out. Set SLIMSTAGE_UPDATE_GOLDEN=1 to rewrite the expected files after a deliberate
change, and review the diff."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from slimstage import dockerfile
from slimstage.lint.runner import lint_text
from slimstage.optimize import recipe, rewrite
from slimstage.optimize.finalstage import FinalPlan, PackageLine
from tests.conftest import DEMO, ROOT

GOLDEN = Path(__file__).parent / "golden"
EXAMPLES = ROOT / "examples"
PY = "Python 3.13.5 (/usr/bin/python3.13)"
LIBPQ = PackageLine("libpq5", "psycopg2/_psycopg.cpython-313-x86_64-linux-gnu.so needs libpq.so.5")

CASES: dict[str, tuple[Path, Path, FinalPlan]] = {
    "seed": (
        GOLDEN / "seed.Dockerfile",
        DEMO,
        FinalPlan((LIBPQ,), "dpkg", None, "useradd", PY),
    ),
    "seed-minimal": (
        GOLDEN / "seed.Dockerfile",
        DEMO,
        FinalPlan(
            (LIBPQ, PackageLine("libldap2", "libpq5 depends on it")),
            "dpkg",
            "slimstage/python:3.13-runtime",
            "numeric",
            PY,
        ),
    ),
    "greeter": (
        EXAMPLES / "pyproject-greeter" / "Dockerfile",
        EXAMPLES / "pyproject-greeter",
        FinalPlan(
            (PackageLine("curl", "kept from the original: curl is run by HEALTHCHECK at line 15"),),
            "dpkg",
            None,
            None,
            PY,
        ),
    ),
    "pillow": (
        EXAMPLES / "pillow-thumbs" / "Dockerfile",
        EXAMPLES / "pillow-thumbs",
        FinalPlan(
            (
                PackageLine(
                    "libjpeg62-turbo",
                    "PIL/_imaging.cpython-313-x86_64-linux-gnu.so needs libjpeg.so.62",
                ),
            ),
            "dpkg",
            None,
            "useradd",
            PY,
        ),
    ),
    "staged-badly": (
        GOLDEN / "staged-badly.Dockerfile",
        GOLDEN,
        FinalPlan(
            (PackageLine("libpq", "psycopg2/_psycopg.so needs libpq.so.5"),),
            "apk",
            None,
            "adduser",
            PY,
        ),
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_rewrite_matches_its_golden_file(case: str) -> None:
    source, context, plan = CASES[case]
    parsed = dockerfile.parse(source.read_text(), source.name)
    text = rewrite.dockerfile_text(recipe.read(parsed), plan, context)
    expected = GOLDEN / f"{case}.expected"
    if os.environ.get("SLIMSTAGE_UPDATE_GOLDEN"):
        expected.write_text(text)
    assert text == expected.read_text()


@pytest.mark.parametrize("case", sorted(CASES))
def test_rewrite_passes_lint_in_the_size_and_multi_stage_groups(case: str) -> None:
    source, context, plan = CASES[case]
    parsed = dockerfile.parse(source.read_text(), source.name)
    text = rewrite.dockerfile_text(recipe.read(parsed), plan, context)
    findings = [
        f
        for f in lint_text(text, dockerignore=True)
        if f.code.startswith(("SS1", "SS2")) and f.severity.name in ("ERROR", "WARNING")
    ]
    assert findings == []


def test_the_builder_text_is_the_start_of_the_whole_rewrite() -> None:
    source, context, plan = CASES["seed"]
    found = recipe.read(dockerfile.parse(source.read_text(), source.name))
    builder = rewrite.builder_text(found, context)
    assert rewrite.dockerfile_text(found, plan, context).startswith(builder.rstrip("\n"))


def test_package_lists_wrap() -> None:
    names = [f"libpackage-number-{i}" for i in range(12)]
    lines = rewrite.minimal_extras(names)
    assert all(len(line) <= 100 for line in lines)
    assert sum(line.count("libpackage-number-") for line in lines) == 12
