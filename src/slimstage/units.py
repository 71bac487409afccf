"""Byte counts: for people (decimal units, as `docker images` prints them) and from people."""

from __future__ import annotations

import re

#: Every unit slimstage reads, upper-cased. Decimal units are what dive and `docker images`
#: use; binary ones are what `docker stats` prints.
UNITS = {
    "": 1,
    "B": 1,
    "K": 1000,
    "KB": 1000,
    "M": 1000**2,
    "MB": 1000**2,
    "G": 1000**3,
    "GB": 1000**3,
    "TB": 1000**4,
    "KIB": 1024,
    "MIB": 1024**2,
    "GIB": 1024**3,
    "TIB": 1024**4,
}

_SIZE = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*([A-Za-z]*)\s*")


def human_bytes(n: int | None) -> str:
    """Decimal units, as `docker images` prints them; '-' for an unknown size."""
    if n is None:
        return "-"
    value = float(n)
    for unit in ("B", "kB", "MB", "GB"):
        if abs(value) < 1000 or unit == "GB":
            return f"{value:.0f}{unit}" if unit == "B" else f"{value:.1f}{unit}"
        value /= 1000
    return f"{value:.1f}GB"  # pragma: no cover - the loop always returns


def parse_size(text: str | int | float) -> int:
    """'200MB', '1.5GiB', '1048576' -> bytes. Raises ValueError with the accepted forms."""
    if isinstance(text, bool):
        raise ValueError(f"not a size: {text!r}")
    if isinstance(text, int | float):
        if text < 0:
            raise ValueError(f"not a size: {text!r} (sizes are not negative)")
        return int(text)
    match = _SIZE.fullmatch(text)
    if not match or match.group(2).upper() not in UNITS:
        raise ValueError(f"not a size: {text!r} (examples: 150MB, 1.5GiB, 1048576)")
    return int(float(match.group(1)) * UNITS[match.group(2).upper()])


def parse_mem_usage(text: str) -> int | None:
    """The used part of `docker stats` MemUsage ('12.5MiB / 23.4GiB'), or None if unreadable."""
    used = text.strip().split("/")[0]
    try:
        return parse_size(used) if used.strip() else None
    except ValueError:
        return None
