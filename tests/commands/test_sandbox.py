"""The sandbox's own measurements: a bound checked with a wrong figure proves nothing."""

from __future__ import annotations

from pathlib import Path

from tests.commands import sandbox

MIB = 1 << 20


def test_peak_memory_is_the_child_s_own_not_the_parent_s(tmp_path: Path) -> None:
    # the test process grows well past any bound first; the child it starts must not inherit it
    ballast = bytearray(400 * MIB)
    ballast[::4096] = b"\x01" * len(ballast[::4096])
    outcome = sandbox.run(tmp_path, "--version")
    assert outcome.code == 0
    assert 1 < outcome.max_rss_mb < 100, outcome.max_rss_mb
    del ballast
