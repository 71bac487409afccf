"""A pytest plugin for mutation runs only (pyproject.toml, [tool.mutmut]).

mutmut runs each mutant's tests in a process forked from one that has already run the suite:
a functools cache filled there still holds the original code's answers, and a mutant behind it
would never be called. Every cache in slimstage's modules is emptied before each test.

mutmut runs the tests that reach the mutated function, fastest first. The tests of the mutated
module's own test file are moved to the front: they are the likeliest to fail, and a mutant
stops at its first failing test. Which tests run does not change, only their order.

BuildKit's parser (the `dockerfile` package) is a Go library, and a Go runtime does not survive
a fork: a forked worker that calls it can hang. Under mutation runs the parser is never loaded
into the test process: a stand-in `dockerfile` module sends each text to a helper process (one
per test process, started on first use, so each forked worker starts its own) that parses it
with the real library and sends back the same commands or the same error.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import types
from collections import namedtuple
from typing import Any

import pytest

from tests.mutant_names import own_test_file

# The helper: reads length-prefixed UTF-8 texts, answers each with a pickled
# ("ok", commands as plain tuples) or (error class name, message).
_HELPER = """
import pickle, sys, dockerfile
read, write = sys.stdin.buffer, sys.stdout.buffer
while size := read.read(8):
    text = read.read(int.from_bytes(size, "big")).decode("utf-8")
    try:
        commands = [
            (*c[:8], tuple(tuple(h) for h in c.heredocs)) for c in dockerfile.parse_string(text)
        ]
        answer = ("ok", commands)
    except (dockerfile.GoParseError, ValueError) as exc:
        answer = (type(exc).__name__, str(exc))
    data = pickle.dumps(answer)
    write.write(len(data).to_bytes(8, "big") + data)
    write.flush()
"""

Command = namedtuple(
    "Command", "cmd sub_cmd json original start_line end_line flags value heredocs"
)
Heredoc = namedtuple("Heredoc", "name file_descriptor content")


class GoParseError(Exception):
    pass


_helpers: dict[int, subprocess.Popen[bytes]] = {}


def _helper() -> subprocess.Popen[bytes]:
    pid = os.getpid()
    if pid not in _helpers:  # a forked worker starts its own: the parent's pipes are not its
        _helpers.clear()
        _helpers[pid] = subprocess.Popen(
            [sys.executable, "-c", _HELPER], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
    return _helpers[pid]


def _parse_string(text: str) -> tuple[Any, ...]:
    data = text.encode("utf-8")  # UnicodeEncodeError, as the library raises
    helper = _helper()
    assert helper.stdin is not None
    assert helper.stdout is not None
    helper.stdin.write(len(data).to_bytes(8, "big") + data)
    helper.stdin.flush()
    size = int.from_bytes(helper.stdout.read(8), "big")
    kind, value = pickle.loads(helper.stdout.read(size))
    if kind == "GoParseError":
        raise GoParseError(value)
    if kind != "ok":
        raise ValueError(value)
    return tuple(Command._make([*c[:8], tuple(map(Heredoc._make, c[8]))]) for c in value)


if "dockerfile" not in sys.modules:  # this plugin is loaded by mutation runs only
    _module = types.ModuleType("dockerfile", "BuildKit's parser, run in a helper process")
    _module.parse_string = _parse_string  # type: ignore[attr-defined]
    _module.GoParseError = GoParseError  # type: ignore[attr-defined]
    _module.Command = Command  # type: ignore[attr-defined]
    _module.Heredoc = Heredoc  # type: ignore[attr-defined]
    sys.modules["dockerfile"] = _module


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    own = own_test_file(os.environ.get("MUTANT_UNDER_TEST", ""))
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
