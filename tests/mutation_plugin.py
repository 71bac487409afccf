"""A pytest plugin for mutation runs only (pyproject.toml, [tool.mutmut]).

mutmut runs each mutant's tests in a process forked from one that has already run the suite:
a functools cache filled there still holds the original code's answers, and a mutant behind it
would never be called. Every cache in slimstage's modules is emptied before each test.

mutmut runs the tests that reach the mutated function, fastest first. The tests of the mutated
module's own test file are moved to the front: they are the likeliest to fail, and a mutant
stops at its first failing test. Which tests run does not change, only their order.
"""

from __future__ import annotations

import os
import sys
from pathlib import PurePosixPath

import pytest


def _own_test_file(mutant: str) -> str | None:
    """slimstage.lint.rules.ss101_x.x_check__mutmut_3 -> tests/lint/rules/test_ss101_x.py"""
    parts = mutant.split(".")
    for index, part in enumerate(parts):
        if part.startswith(("x_", "xǁ")):
            module = parts[1:index]
            if not module:
                return None
            return str(PurePosixPath("tests", *module[:-1], f"test_{module[-1]}.py"))
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    own = _own_test_file(os.environ.get("MUTANT_UNDER_TEST", ""))
    if own is None:
        return
    items.sort(key=lambda item: item.nodeid.split("::", 1)[0] != own)  # stable: order kept


def pytest_runtest_setup(item: pytest.Item) -> None:
    for name, module in list(sys.modules.items()):
        if name != "slimstage" and not name.startswith("slimstage."):
            continue
        for value in list(vars(module).values()):
            clear = getattr(value, "cache_clear", None)
            if callable(clear):
                clear()
