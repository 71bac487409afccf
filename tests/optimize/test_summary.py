"""The report: JSON for programs, text for people, the verification's verdict in both."""

from __future__ import annotations

import json
import re

from slimstage import dockerfile
from slimstage.optimize import classify, recipe, summary
from slimstage.optimize.finalstage import FinalPlan
from slimstage.optimize.optimizer import Optimized
from slimstage.optimize.verify import ImageCheck, VerifyOutcome
from tests.optimize.surveys import image, package

TEXT = "FROM python:3.13-slim\nRUN apt-get install -y gcc libpq-dev\nRUN pip install psycopg2\n"
SO = "lib/python3.13/site-packages/psycopg2/_psycopg.so"


def _result(text: str = TEXT) -> Optimized:
    found = recipe.read(dockerfile.parse(text, "Dockerfile"))
    builder = image(
        {"gcc": package(programs=("gcc",)), "libpq-dev": package(), "libpq5": package()},
        needs=[(SO, "libpq.so.5", "libpq5", False)],
    )
    base = image({"libc6": package()})
    findings = classify.classify(found, builder, base, {})
    plan = FinalPlan((), "dpkg", None, "useradd", builder.interpreter)
    return Optimized(
        found, findings, plan, "FROM x\n", builder, base, "python:3.13-slim", 12.5, 0.8
    )


def test_json_names_what_moved_what_was_found_and_from_which_file() -> None:
    doc = json.loads(summary.as_json(summary.document(_result(), "Dockerfile.optimized", None)))
    assert [m["package"] for m in doc["moved_to_builder"]] == ["gcc", "libpq-dev"]
    assert doc["runtime_packages"] == [
        {
            "package": "libpq5",
            "needed_by": [
                {
                    "file": SO,
                    "soname": "libpq.so.5",
                    "package": "libpq5",
                    "path": "/usr/lib/x86_64-linux-gnu/libpq.so.5",
                }
            ],
        }
    ]
    assert doc["gain"]["expected"] == "large"
    assert doc["seconds"] == {"builder_build": 12.5, "own": 0.8}
    assert doc["verify"] is None
    assert doc["dockerfile"] == "FROM x\n"


def test_text_tells_the_verdict_and_the_failure() -> None:
    failed = ImageCheck(60_000_000, 3.0, False, None, "container exited (1): ImportError: libpq")
    passed = ImageCheck(500_000_000, 20.0, True, 0.4, "")
    doc = summary.document(_result(), "out", VerifyOutcome(passed, failed))
    text = summary.as_text(doc)
    assert "libpq5: psycopg2/_psycopg.so needs libpq.so.5" in text
    assert re.search(r"optimized +60.0MB .* FAILED", text)
    assert "ImportError: libpq" in text
    assert "440.0MB smaller (-88%)" in text


def test_a_pure_python_image_is_told_the_gain_is_small() -> None:
    text = "FROM python:3.13-slim\nRUN pip install flask\n"
    doc = summary.document(_result(text), "out", None)
    assert doc["gain"]["expected"] == "small"
    assert "nothing is compiled" in doc["gain"]["why"]
