"""The table helpers every report uses."""

from __future__ import annotations

import pytest

from slimstage.tables import grid, markdown


def test_grid_aligns_columns_under_a_dashed_rule() -> None:
    lines = grid(("name", "size"), [("a", "10MB"), ("longer-name", "1B")])
    assert lines == [
        "name         size",
        "-----------  ----",
        "a            10MB",
        "longer-name  1B",
    ]


def test_grid_with_no_rows_still_has_headers() -> None:
    assert grid(("a", "bb"), []) == ["a  bb", "-  --"]


def test_markdown_escapes_pipes() -> None:
    assert markdown(("x", "y"), [("a|b", "c")]) == ["| x | y |", "| --- | --- |", "| a\\|b | c |"]


def test_a_row_with_more_cells_than_headers_is_an_error_not_cut_short() -> None:
    with pytest.raises(ValueError, match="zip"):
        grid(["a"], [["1", "lost"]])
