"""Text from an image made safe to print: names in a layer are bytes chosen by whoever built it.

Control characters (an escape sequence retitles a terminal or clears it; a newline fakes a
report line), bidirectional overrides and bytes that are not UTF-8 (kept as surrogates when the
name was decoded) are shown as escapes, so printing never crashes and never does anything.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """TEXT with everything a terminal or a document would act on written as an escape."""
    return _UNSAFE.sub(_escape, text)
