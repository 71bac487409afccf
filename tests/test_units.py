"""Byte units, both ways."""

from __future__ import annotations

import pytest

from slimstage.units import human_bytes, parse_mem_usage, parse_size


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (None, "-"),
        (0, "0B"),
        (999, "999B"),
        (1000, "1.0kB"),
        (526_012_345, "526.0MB"),
        (1_500_000_000, "1.5GB"),
        (2_000_000_000_000, "2000.0GB"),
        (-2500, "-2.5kB"),
    ],
)
def test_human_bytes_uses_decimal_units_like_docker_images(n: int | None, text: str) -> None:
    assert human_bytes(n) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("200MB", 200_000_000),
        ("1.5GiB", int(1.5 * 1024**3)),
        ("1048576", 1048576),
        (" 10 kb ", 10_000),
        ("2K", 2000),
        ("1TiB", 1024**4),
        (".5MB", 500_000),
        (7, 7),
        (2.5, 2),
    ],
)
def test_parse_size(text: str | int | float, expected: int) -> None:
    assert parse_size(text) == expected


@pytest.mark.parametrize("text", ["", "MB", "12 parsecs", "1.2.3MB", "-5MB", "1e3"])
def test_parse_size_refuses_what_is_not_a_size(text: str) -> None:
    with pytest.raises(ValueError, match="not a size"):
        parse_size(text)


def test_parse_size_refuses_negative_numbers_and_booleans() -> None:
    with pytest.raises(ValueError, match="not negative"):
        parse_size(-1)
    with pytest.raises(ValueError, match="not a size"):
        parse_size(True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.5MiB / 23.4GiB", int(12.5 * 1024**2)),
        ("512KiB / 1GiB", 512 * 1024),
        ("1.2GB / 2GB", 1_200_000_000),
        ("0B / 0B", 0),
        ("--", None),
        ("", None),
        ("12 parsecs / 1GiB", None),
    ],
)
def test_parse_mem_usage(text: str, expected: int | None) -> None:
    assert parse_mem_usage(text) == expected


def test_parse_size_of_zero_and_of_a_fraction_of_a_byte() -> None:
    assert parse_size(0) == 0
    assert parse_size(0.5) == 0  # whole bytes, rounded down
    assert parse_size("0") == 0
