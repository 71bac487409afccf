"""Build arguments in FROM lines, as BuildKit reads them: the platform ARGs it predefines in the
global scope, and its expansion of $NAME, ${NAME}, ${NAME:-default} and the like."""

from __future__ import annotations

import platform
import re
from collections.abc import Iterable, Mapping

_ARCH = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())

#: BuildKit predefines these in the global scope, so FROM lines may use them.
PLATFORM_ARGS = {
    "BUILDPLATFORM": f"linux/{_ARCH}",
    "BUILDOS": "linux",
    "BUILDARCH": _ARCH,
    "TARGETPLATFORM": f"linux/{_ARCH}",
    "TARGETOS": "linux",
    "TARGETARCH": _ARCH,
}

_REFERENCE = re.compile(
    r"\\(?P<escaped>\$)|\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)"
    r"(?:(?P<op>:?[-+])(?P<word>[^}]*))?\}|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))"
)


def expand(word: str, values: Mapping[str, str]) -> tuple[str, set[str]]:
    """Expand $NAME, ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:+alt}, ${NAME+alt} the
    way BuildKit expands FROM lines; also return the names that were used but unset."""
    unset: set[str] = set()

    def replace(match: re.Match[str]) -> str:
        if match.group("escaped"):
            return "$"
        name = match.group("braced") or match.group("bare")
        value = values.get(name)
        op, alt = match.group("op"), match.group("word") or ""
        if op in (":-", "-"):
            missing = value is None or (op == ":-" and value == "")
            return alt if missing else str(value)
        if op in (":+", "+"):
            present = value is not None and (op == "+" or value != "")
            return alt if present else ""
        if value is None:
            unset.add(name)
            return ""
        return value

    return _REFERENCE.sub(replace, word), unset


_QUOTED = re.compile(r"'(?P<single>[^']*)'?|\"(?P<double>(?:[^\"\\]|\\.)*)\"?|(?P<plain>[^'\"]+)")


def shell_word(text: str, values: Mapping[str, str]) -> str:
    """TEXT as a shell word, the way BuildKit reads an ARG's default: quotes removed, nothing
    expanded inside single quotes, $NAME expanded elsewhere."""
    out = []
    for match in _QUOTED.finditer(text):
        if match.group("single") is not None:
            out.append(match.group("single"))
        elif match.group("double") is not None:
            inner = re.sub(r'\\(["\\])', r"\1", match.group("double"))
            out.append(expand(inner, values)[0])
        else:
            out.append(expand(match.group("plain"), values)[0])
    return "".join(out)


def declare(words: Iterable[str], values: dict[str, str], given: Mapping[str, str]) -> None:
    """Apply an ARG instruction's WORDS to VALUES as BuildKit does: a value GIVEN with
    --build-arg wins, else the default (a shell word: quotes removed, expanded with the values
    so far); a NAME with neither leaves VALUES as they are."""
    for word in words:
        name, sep, default = word.partition("=")
        if name in given:
            values[name] = given[name]
        elif sep:
            values[name] = shell_word(default, values)
