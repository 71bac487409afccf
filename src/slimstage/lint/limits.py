"""Reading a Dockerfile for lint, from a file or standard input, within limits that keep any input
from stalling it.

- A file over MAX_FILE_SIZE (10 MB; `--max-file-size`) is refused before it is read.
- One instruction over MAX_INSTRUCTION characters (continuation lines and heredocs together) is
  refused before it is parsed: BuildKit's parser takes time quadratic in an instruction's length
  (a 400 kB RUN takes seconds, 5 MB takes minutes). 64 kB is also the most BuildKit allows on
  one line.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import BinaryIO

from slimstage.dockerfile_text import escape_character
from slimstage.errors import UsageError
from slimstage.units import human_bytes

MAX_FILE_SIZE = 10_000_000
MAX_INSTRUCTION = 65_536
STDIN = "-"

_HEREDOC_KEYWORDS = {"RUN", "COPY", "ADD", "ONBUILD"}
# A heredoc marker at the start of an unquoted word: <<EOF, <<-EOF, <<"EOF" (not <<< here-strings)
_MARKER = re.compile(r"<<(-?)([\"']?)([A-Za-z0-9_]+)\2")
_RAW_WORD = re.compile(r"""(?:[^\s'"\\]+|'[^']*'|"(?:[^"\\]|\\.)*"|\\.)+""")


def _too_large(name: str, size: str, max_bytes: int) -> UsageError:
    return UsageError(
        f"{name}: {size} is over the {human_bytes(max_bytes)} lint reads",
        fix="raise the limit with --max-file-size",
    )


def read(name: str, *, max_bytes: int = MAX_FILE_SIZE, stdin: BinaryIO | None = None) -> str:
    """A Dockerfile's text from a file, or from standard input when NAME is `-`."""
    try:
        if name == STDIN:
            data = (stdin or sys.stdin.buffer).read(max_bytes + 1)
        else:
            size = Path(name).stat().st_size
            if size > max_bytes:
                raise _too_large(name, human_bytes(size), max_bytes)
            with open(name, "rb") as handle:
                data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise UsageError(f"{name}: no such file") from None
    except OSError as exc:
        raise UsageError(f"{name}: cannot read: {exc}") from None
    if len(data) > max_bytes:
        raise _too_large(name, "more", max_bytes)
    try:
        return data.decode("utf-8").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{name}: cannot read: {exc}") from None


def _markers(line: str) -> list[str]:
    """The heredoc names a line opens."""
    return [m.group(3) for word in _RAW_WORD.findall(line) if (m := _MARKER.match(word))]


def _instruction_end(lines: list[str], start: int, escape: str) -> int:
    """The index after the last line of the instruction starting at START: its continuation
    lines (BuildKit skips blank and comment lines between them), then the body of each heredoc
    a RUN, COPY or ADD opens (to the end of the file when one is not closed)."""
    words = lines[start].split(None, 1)
    heredocs = bool(words) and words[0].upper() in _HEREDOC_KEYWORDS
    names = _markers(lines[start]) if heredocs else []
    at = start
    while at + 1 < len(lines):
        line = lines[at].strip()
        continued = line.endswith(escape) or (at > start and (not line or line.startswith("#")))
        if not continued:
            break
        at += 1
        if heredocs:
            names += _markers(lines[at])
    at += 1
    for name in names:
        while at < len(lines) and lines[at].strip() != name:
            at += 1
        at += 1
    return min(at, len(lines))


def check_instructions(text: str, name: str) -> None:
    """Refuse a Dockerfile with an instruction over MAX_INSTRUCTION characters."""
    lines = text.split("\n")
    escape = escape_character(lines)
    at = 0
    while at < len(lines):
        stripped = lines[at].strip()
        if not stripped or stripped.startswith("#"):
            at += 1
            continue
        end = _instruction_end(lines, at, escape)
        size = sum(len(line) + 1 for line in lines[at:end])
        if size > MAX_INSTRUCTION:
            raise UsageError(
                f"{name}:{at + 1}: one instruction of {human_bytes(size)}, over the "
                f"{human_bytes(MAX_INSTRUCTION)} lint reads in one instruction"
            )
        at = max(end, at + 1)
