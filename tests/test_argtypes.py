"""Option value types: good text becomes a value, anything else one clear message."""

from __future__ import annotations

import argparse

import pytest

from slimstage import argtypes


@pytest.mark.parametrize(
    ("convert", "text", "value"),
    [
        (argtypes.positive_int, "3", 3),
        (argtypes.positive_float, "0.5", 0.5),
        (argtypes.fraction, "0", 0.0),
        (argtypes.fraction, "1", 1.0),
        (argtypes.size, "1.5MB", 1_500_000),
        (argtypes.key_value, "A=b=c", ("A", "b=c")),
        (argtypes.key_value, "EMPTY=", ("EMPTY", "")),
        (argtypes.count, "0", 0),
        (argtypes.positive_int, "1", 1),
    ],
)
def test_good_values(convert: object, text: str, value: object) -> None:
    assert convert(text) == value  # type: ignore[operator]


@pytest.mark.parametrize(
    ("convert", "text", "message"),
    [
        (argtypes.positive_int, "0", "at least 1"),
        (argtypes.positive_int, "two", "whole number"),
        (argtypes.count, "-1", "^must be 0 or more, got -1$"),
        (argtypes.count, "1.5", "^expected a whole number, got '1.5'$"),
        (argtypes.positive_float, "0", "more than 0"),
        (argtypes.positive_float, "nan", "more than 0"),
        (argtypes.fraction, "1.01", "from 0 to 1"),
        (argtypes.fraction, "-0.1", "from 0 to 1"),
        (argtypes.fraction, "most", "from 0 to 1"),
        (argtypes.size, "lots", "not a size"),
        (argtypes.key_value, "NOEQUALS", "KEY=VALUE"),
        (argtypes.key_value, "=value", "KEY=VALUE"),
    ],
)
def test_bad_values_say_what_is_expected(convert: object, text: str, message: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match=message):
        convert(text)  # type: ignore[operator]
