"""Words and parser directives, each checked against BuildKit's own parse."""

from __future__ import annotations

import dockerfile as buildkit
import pytest

from slimstage.dockerfile_text import directives, escape_character, split_at_blanks


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# escape=`\nFROM a\n", [("escape", "`")]),
        (
            "  #  Syntax = docker/dockerfile:1  \n#escape=`\n",
            [("syntax", "docker/dockerfile:1"), ("escape", "`")],
        ),
        ("# a comment\n# escape=`\n", []),
        ("\n# escape=`\n", []),
        ("# check=skip=all\n# escape=`\n", []),
        ("FROM a\n# escape=`\n", []),
    ],
)
def test_directives_are_the_known_ones_at_the_top(
    text: str, expected: list[tuple[str, str]]
) -> None:
    """Checked against BuildKit: with `escape` found, `RUN a` + the escape + a new line + `b`
    is one instruction, without it two."""
    assert [(name, value) for name, value, _ in directives(text.splitlines())] == expected
    escaped = "`" if ("escape", "`") in expected else None
    run = text + ("" if "FROM" in text else "FROM a\n") + "RUN a `\nb\n"
    assert len(buildkit.parse_string(run)) == (2 if escaped else 3)


def test_text_is_split_only_at_buildkit_s_blanks() -> None:
    assert split_at_blanks(" a\tb\r\nc\x0bd\x0ce  ") == ["a", "b", "c", "d", "e"]
    assert split_at_blanks("a\x1cb \x1f") == ["a\x1cb", "\x1f"]  # str.split would cut at these
    assert split_at_blanks("") == split_at_blanks(" \t ") == []


@pytest.mark.parametrize(
    ("first", "escaped"),
    [
        ("# escape=`", True),
        ("\ufeff# escape=`", True),  # a byte order mark before it
        ("#\x0bescape=`", False),  # Go's \s holds no VT, Python's does
        ("# escape\xa0=`", False),  # nor a no-break space
        ("  # escape=`  ", True),
        (" # escape=`", True),
        ("\x0b\xa0# escape=`", True),  # leading white space is trimmed as Go's IsSpace has it
        ("\x1c# escape=`", False),  # which U+001C is not, though Python's isspace says so
    ],
)
def test_directives_take_the_blanks_buildkit_takes(first: str, escaped: bool) -> None:
    text = f"{first}\nFROM a\nRUN a `\nb\n"
    assert (len(buildkit.parse_string(text)) == 2) == escaped  # RUN a ` and b: one or two
    assert bool(directives(text.split("\n"))) == escaped


def test_a_byte_order_mark_is_passed_over_on_the_first_line_only() -> None:
    lines = ["# syntax=docker/dockerfile:1", "\ufeff# escape=`", "FROM a"]
    assert [(name, value) for name, value, _ in directives(lines)] == [
        ("syntax", "docker/dockerfile:1")
    ]


def test_a_line_of_blanks_ends_the_directives_and_trailing_vt_is_kept() -> None:
    assert directives(["   ", "# escape=`"]) == []
    # Go's \s holds no VT: the value is "`\v", which BuildKit then refuses as a token
    assert [(n, v) for n, v, _ in directives(["# escape=`\x0b"])] == [("escape", "`\x0b")]
    with pytest.raises(buildkit.GoParseError, match="invalid escape token"):
        buildkit.parse_string("# escape=`\x0b\nFROM a\n")


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["# escape=`", "FROM a"], "`"),
        (["# escape=\\", "FROM a"], "\\"),
        (["# escape=x", "FROM a"], "\\"),  # BuildKit refuses the token: no escape from it here
        (["# comment", "# escape=`"], "\\"),
        (["FROM a"], "\\"),
    ],
)
def test_the_escape_character(lines: list[str], expected: str) -> None:
    assert escape_character(lines) == expected
