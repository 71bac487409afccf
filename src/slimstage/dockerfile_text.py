"""A Dockerfile's text as BuildKit reads it before and around the parse: where its words split,
and which of its first lines are parser directives (`# escape=`, `# syntax=`)."""

from __future__ import annotations

import re
from collections.abc import Iterable

#: The blanks BuildKit's parser separates an instruction's keyword and arguments with: space,
#: tab, CR, LF, VT and FF (Python's str.split also splits at U+001C..U+001F and more).
BLANKS = " \t\r\n\v\f"
_WORD = re.compile(f"[^{BLANKS}]+")


def split_at_blanks(text: str) -> list[str]:
    """TEXT cut at those blanks (quotes and escapes are not looked at)."""
    return _WORD.findall(text)


# A parser directive: `# name=value` on a line of its own, before anything else. BuildKit trims
# the white space a line starts with; inside and after, its blanks are Go's `\s` (tab, LF, FF,
# CR, space): Python's `\s` takes more.
_GO_BLANKS = "\t\n\f\r "
_DIRECTIVE = re.compile(
    rf"#[{_GO_BLANKS}]*([a-zA-Z][a-zA-Z0-9]*)[{_GO_BLANKS}]*=[{_GO_BLANKS}]*(.+?)"
)


def _lstrip_space(line: str) -> str:
    """LINE without the white space it starts with, as Go's unicode.IsSpace has it: Python's
    isspace also takes U+001C..U+001F, Go's does not."""
    at = 0
    while at < len(line) and line[at].isspace() and line[at] not in "\x1c\x1d\x1e\x1f":
        at += 1
    return line[at:]


def directives(lines: Iterable[str]) -> list[tuple[str, str, str]]:
    """The parser directives at the top of a Dockerfile, as the parser slimstage uses reads them:
    (name in lower case, value, the line). They stop at the first line that is not one of the
    directives it knows (`syntax`, `escape`): a blank line, a comment or an unknown name ends
    them. A byte order mark before the first is passed over, as BuildKit passes it over."""
    found = []
    for number, line in enumerate(lines):
        text = _lstrip_space(line.removeprefix("\ufeff") if number == 0 else line)
        match = _DIRECTIVE.fullmatch(text.rstrip(_GO_BLANKS))
        if match is None or match.group(1).lower() not in ("syntax", "escape"):
            break
        found.append((match.group(1).lower(), match.group(2), line))
    return found


def escape_character(lines: Iterable[str]) -> str:
    """The escape character the `# escape=` directive sets, else the backslash (BuildKit refuses
    a token other than these two; the parse says so)."""
    escape = [value for name, value, _ in directives(lines) if name == "escape"]
    return escape[0] if escape and escape[0] in ("`", "\\") else "\\"
