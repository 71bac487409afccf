from __future__ import annotations

import pytest

from slimstage.compare.timeline import Timeline


def test_covered_counts_overlaps_once_and_only_the_kinds_asked() -> None:
    timeline = Timeline(
        spans=[
            ("build", "a", 0.0, 10.0),
            ("build", "b", 5.0, 12.0),  # overlaps a
            ("run", "a", 20.0, 25.0),
            ("run", "b", 21.0, 22.0),  # inside the one before
            ("build", "c", 30.0, 31.0),
        ]
    )
    assert timeline.covered(["build"]) == 13.0
    assert timeline.covered(["run"]) == 5.0
    assert timeline.covered(["build", "run"]) == 18.0
    assert timeline.covered(["other"]) == 0.0


def test_span_records_even_when_the_block_fails() -> None:
    timeline = Timeline()
    with pytest.raises(KeyboardInterrupt), timeline.span("build", "x"):
        raise KeyboardInterrupt
    [(kind, what, start, end)] = timeline.spans
    assert (kind, what) == ("build", "x")
    assert end >= start
