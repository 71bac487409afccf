"""A pytest plugin for mutation runs only (pyproject.toml, [tool.mutmut]).

mutmut runs each mutant's tests in a process forked from one that has already run the suite:
a functools cache filled there still holds the original code's answers, and a mutant behind it
would never be called. Every cache in slimstage's modules is emptied before each test.
"""

from __future__ import annotations

import sys

import pytest


def pytest_runtest_setup(item: pytest.Item) -> None:
    for name, module in list(sys.modules.items()):
        if name != "slimstage" and not name.startswith("slimstage."):
            continue
        for value in list(vars(module).values()):
            clear = getattr(value, "cache_clear", None)
            if callable(clear):
                clear()
