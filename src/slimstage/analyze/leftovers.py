"""Build-only content left in the final filesystem, by category."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# (category, pattern over the path without a leading slash). First match wins.
CATEGORIES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        (
            "compilers",
            r"^usr/(lib|libexec)/gcc(-cross)?/|^usr/bin/([\w.-]+-)?(gcc|g\+\+|cc|c\+\+|cpp|"
            r"clang|clang\+\+|ld|ld\.bfd|ld\.gold|as|ar|ranlib|objdump|objcopy|strip|nm|make|"
            r"gfortran|rustc|cargo)(-\d+(\.\d+)?)?$|^usr/lib/x86_64-linux-gnu/(libbfd|libopcodes|"
            r"libctf|libgprofng|libsframe)[-.]|^usr/lib/(llvm-\d+|rustlib)/|(^|/)\.(rustup|cargo)/",
        ),
        ("headers", r"^usr/(local/)?include/"),
        ("static-libraries", r"\.a$"),
        (
            "package-indexes",
            r"^var/lib/apt/lists/(?!lock$|partial$)|^var/cache/apt/|"
            r"^var/cache/apk/|^etc/apk/cache/|^var/cache/(yum|dnf)/",
        ),
        ("pip-caches", r"(^|/)\.cache/(pip|uv|pypoetry|pipenv)/|^root/\.cache/"),
        ("bytecode", r"(^|/)__pycache__/|\.py[co]$"),
        ("tests-in-site-packages", r"/(site|dist)-packages/.+/(tests?|testing)/"),
        (
            "docs",
            r"^usr/share/(doc/(?!.*/copyright$)|man/|info/|gtk-doc/)|"
            r"/(site|dist)-packages/.+/docs?/",
        ),
        ("vcs", r"(^|/)\.(git|hg|svn)/"),
    )
)

# One search over all patterns first: most paths match none, and then one search is enough.
_ANY = re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in CATEGORIES))


@dataclass(frozen=True)
class Leftover:
    category: str
    bytes: int
    files: int
    examples: tuple[str, ...]


def category_of(path: str, *, bytecode_disabled: bool) -> str | None:
    if not _ANY.search(path):
        return None
    for name, pattern in CATEGORIES:
        if pattern.search(path):
            if name == "bytecode" and not bytecode_disabled:
                return None
            return name
    return None


def find(files: Iterable[tuple[str, int]], *, bytecode_disabled: bool) -> list[Leftover]:
    """Group (path, size) of visible files into leftover categories, largest first.

    Empty files (lock files, markers) cost nothing and are left out.
    """
    totals: dict[str, list[int]] = {}
    examples: dict[str, list[tuple[int, str]]] = {}
    for path, size in files:
        category = category_of(path, bytecode_disabled=bytecode_disabled) if size else None
        if category is None:
            continue
        bucket = totals.setdefault(category, [0, 0])
        bucket[0] += size
        bucket[1] += 1
        sample = examples.setdefault(category, [])
        sample.append((size, path))
        if len(sample) > 50:
            sample.sort(reverse=True)
            del sample[5:]
    out = [
        Leftover(
            name, total, count, tuple("/" + p for _, p in sorted(examples[name], reverse=True)[:5])
        )
        for name, (total, count) in totals.items()
    ]
    return sorted(out, key=lambda item: -item.bytes)
