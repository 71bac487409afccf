"""Byte counts for people."""

from __future__ import annotations


def human_bytes(n: int | None) -> str:
    """Decimal units, as `docker images` prints them."""
    if n is None:
        return "-"
    value = float(n)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f}{unit}" if unit == "B" else f"{value:.1f}{unit}"
        value /= 1000
    return f"{value:.1f}GB"
