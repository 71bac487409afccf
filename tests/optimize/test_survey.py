"""The probe sent into images: one program, Python 3.8-compatible; its answer parsed."""

from __future__ import annotations

import ast

import pytest

from slimstage.engine import Engine
from slimstage.optimize import survey
from tests.conftest import Sweeper
from tests.optimize.surveys import image, package


def test_the_script_starts_with_the_future_import_once_and_calls_main() -> None:
    text = survey.script()
    assert text.startswith("from __future__ import annotations\n")
    assert text.count("from __future__ import annotations") == 1
    assert text.rstrip().endswith("main(dynamic_of)")
    ast.parse(text, feature_version=(3, 8))


def test_parse_reads_needs_and_packages() -> None:
    found = image(
        {"libpq5": package(("libc6",), libs=("libpq.so.5",))},
        needs=[("a.so", "libpq.so.5", "libpq5", False)],
    )
    assert found.interpreter == "Python 3.13.5 (/usr/bin/python3.13)"
    assert found.packages["libpq5"].depends == ("libc6",)
    assert found.venv is not None
    assert found.venv[0].needs[0] == survey.Need(
        "libpq.so.5", False, "/usr/lib/x86_64-linux-gnu/libpq.so.5", "libpq5"
    )


@pytest.mark.engine
def test_surveys_of_the_slim_and_runtime_bases(engine: Engine, sweeper: Sweeper) -> None:
    slim = survey.survey_image(engine, "python:3.13-slim", venv=None, labels=sweeper.labels)
    assert slim.manager == "dpkg"
    assert "libc6" in slim.packages
    assert slim.tools["useradd"]
    runtime = survey.survey_image(
        engine, "slimstage/python:3.13-runtime", venv=None, labels=sweeper.labels
    )
    assert runtime.manager is None
    assert not runtime.tools["sh"]
    assert "libc.so.6" in runtime.library_files
    assert (runtime.version, runtime.executable) == (slim.version, slim.executable)
