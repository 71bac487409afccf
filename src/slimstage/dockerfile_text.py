"""A Dockerfile's text as BuildKit reads it before and around the parse: where its words split,
and which of its first lines are parser directives (`# escape=`, `# syntax=`)."""

from __future__ import annotations

import re
from collections.abc import Iterable

# A word as BuildKit splits them: between blanks, which are space, tab, CR, LF, VT and FF only
# (Python's str.split also splits at U+001C..U+001F).
_WORD = re.compile(r"[^ \t\r\n\v\f]+")


def words(text: str) -> list[str]:
    """TEXT's words, split where BuildKit splits an instruction's words."""
    return _WORD.findall(text)


# A parser directive: `# name=value` on a line of its own, before anything else.
_DIRECTIVE = re.compile(r"#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*")


def directives(lines: Iterable[str]) -> list[tuple[str, str, str]]:
    """The parser directives at the top of a Dockerfile, as BuildKit reads them: (name in lower
    case, value, the line). They stop at the first line that is not one of the directives
    BuildKit knows (`syntax`, `escape`): a blank line, a comment or an unknown name ends them."""
    found = []
    for line in lines:
        match = _DIRECTIVE.fullmatch(line.strip())
        if match is None or match.group(1).lower() not in ("syntax", "escape"):
            break
        found.append((match.group(1).lower(), match.group(2), line))
    return found
