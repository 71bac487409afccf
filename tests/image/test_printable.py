"""Names from an image, printable: no control character, no surrogate, nothing acted on."""

from __future__ import annotations

import pytest

from slimstage.image.printable import printable


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("usr/bin/python3", "usr/bin/python3"),
        ("caf\u00e9/\u65e5\u672c", "caf\u00e9/\u65e5\u672c"),  # real UTF-8 stays
        ("a\x1b]0;owned\x07b", "a\\x1b]0;owned\\x07b"),
        ("line\nSecrets: (none)", "line\\nSecrets: (none)"),
        ("tab\tcr\r", "tab\\tcr\\r"),
        ("del\x7f c1\x9b", "del\\x7f c1\\x9b"),
        ("bad\udcff\udce9", "bad\\xff\\xe9"),  # bytes that were not UTF-8
        ("rtl\u202eevil", "rtl\\u202eevil"),
        # the edges of surrogateescape's range (bytes 0x80 to 0xff) and lone surrogates outside it
        ("\udc80\udc7f\udd00\ud800", "\\x80\\udc7f\\udd00\\ud800"),
        ("\x00\x1f\x9f\u200e", "\\x00\\x1f\\x9f\\u200e"),
    ],
)
def test_printable(text: str, shown: str) -> None:
    assert printable(text) == shown
    printable(text).encode("utf-8")  # always encodable
