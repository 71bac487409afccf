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


# A parser directive: `# name=value` on a line of its own, before anything else. Its blanks are
# Go's `\s` (tab, LF, FF, CR, space): Python's `\s` takes more.
_DIRECTIVE = re.compile(r"#[\t\n\f\r ]*([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)")
_GO_BLANKS = "\t\n\f\r "


def directives(lines: Iterable[str]) -> list[tuple[str, str, str]]:
    """The parser directives at the top of a Dockerfile, as the parser slimstage uses reads them:
    (name in lower case, value, the line). They stop at the first line that is not one of the
    directives it knows (`syntax`, `escape`): a blank line, a comment or an unknown name ends
    them. A byte order mark before the first is passed over, as BuildKit passes it over."""
    found = []
    for number, line in enumerate(lines):
        text = line.removeprefix("\ufeff") if number == 0 else line
        match = _DIRECTIVE.fullmatch(text.strip(_GO_BLANKS))
        if match is None or match.group(1).lower() not in ("syntax", "escape"):
            break
        found.append((match.group(1).lower(), match.group(2), line))
    return found
