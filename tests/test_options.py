"""The options objects: their defaults are the documented defaults, in one place."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from slimstage import options


def test_compare_defaults() -> None:
    chosen = options.CompareOptions()
    assert chosen.paths == (Path("demo"),)
    assert (chosen.jobs, chosen.smoke_path, chosen.smoke_timeout) == (1, "/", 60.0)
    assert (chosen.edit, chosen.keep, chosen.format) == ("app.py", False, "table")


def test_analyze_has_no_gate_unless_asked() -> None:
    gate = options.AnalyzeOptions(target="x").gate
    assert gate == options.GateOptions()
    assert (gate.max_size, gate.min_efficiency, gate.allow_secrets) == (None, None, False)


def test_options_are_immutable() -> None:
    chosen = options.LintOptions(paths=(Path("Dockerfile"),))
    with pytest.raises(dataclasses.FrozenInstanceError):
        chosen.format = "json"  # type: ignore[misc]
