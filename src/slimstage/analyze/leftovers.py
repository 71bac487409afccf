"""Build-only content left in the final filesystem, by category.

Bytecode is a leftover only when nothing can import it: Python reads a module's
`__pycache__/NAME.TAG.pyc` at every start (PYTHONDONTWRITEBYTECODE only stops it from writing
new ones), so bytecode counts here only when it is orphaned (no NAME.py beside its
`__pycache__`), left beside its source in the legacy place (Python 3 ignores it there), an
`.pyo` (ignored since 3.5), or made for a CPython version the image does not have. A `.pyc`
standing alone where its source would be is a sourceless module and is imported: not a leftover.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable
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
        ("bytecode", r"\.py[co]$"),  # judged further by bytecode_leftover()
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
_PYC = re.compile(r"^(?P<name>[^.]+)\.(?P<tag>[\w-]+)(?:\.opt-\d+)?\.pyc$")
_CPYTHON_TAG = re.compile(r"cpython-3(\d+)$")
#: Where an interpreter's standard library shows which Python it is.
_STDLIB = re.compile(r"(?:^|/)lib/python(3\.\d+)/(?:os\.pyc?|__pycache__/os\.[\w-]+\.pyc)$")


def python_versions(paths: Iterable[str]) -> frozenset[str]:
    """The CPython versions ("3.13") whose standard library is in PATHS."""
    return frozenset(
        match.group(1)
        for path in paths
        if path.endswith(("/os.py", "/os.pyc")) or "/__pycache__/os." in path
        if (match := _STDLIB.search(path))
    )


class Bytecode:
    """Tells importable bytecode from bytecode nothing can import, in one image whose visible
    files are FILES and visible symlinks LINKS (a source may be a symlink: Debian's
    sitecustomize.py is)."""

    def __init__(
        self,
        files: Container[str],
        versions: frozenset[str],
        links: Container[str] = frozenset(),
    ) -> None:
        self.files = files
        self.links = links
        self.versions = versions

    def _present(self, path: str) -> bool:
        return path in self.files or path in self.links

    def leftover(self, path: str) -> bool:
        folder, _, name = path.rpartition("/")
        if name.endswith(".pyo"):
            return True  # Python 3.5 and later never read .pyo files
        parent, _, last = folder.rpartition("/")
        if last != "__pycache__":
            # Legacy place: ignored when the source is beside it, imported when it is not.
            return self._present(path[:-1])
        match = _PYC.match(name)
        if match is None:
            return False  # not a name the import system writes: no telling
        source = f"{parent}/{match['name']}.py" if parent else f"{match['name']}.py"
        if not self._present(source):
            return True  # orphaned: the import system uses __pycache__ only beside a source
        tag = _CPYTHON_TAG.match(match["tag"])
        return bool(self.versions and tag and f"3.{tag.group(1)}" not in self.versions)


@dataclass(frozen=True)
class Leftover:
    category: str
    bytes: int
    files: int
    examples: tuple[str, ...]
    base_bytes: int = 0  # of bytes, those the base image brought (no line of yours removes them)
    base_files: int = 0


def category_of(path: str, bytecode: Bytecode | None = None) -> str | None:
    """The leftover category of a visible file at PATH, if any; bytecode needs BYTECODE to be
    judged (without it, bytecode is never a leftover)."""
    if not _ANY.search(path):
        return None
    for name, pattern in CATEGORIES:
        if pattern.search(path):
            if name == "bytecode" and (bytecode is None or not bytecode.leftover(path)):
                return None
            return name
    return None


#: Folders where a file's name alone can make it a leftover, and the suffixes that can.
_NAME_FOLDERS = frozenset({"usr/bin", "usr/lib/x86_64-linux-gnu"})
_NAME_SUFFIXES = (".a", ".pyc", ".pyo")


class Categorizer:
    """category_of for every file of an image, fast: most files sit in folders no pattern can
    match, which is found once per folder (a pattern over a file matches its folder + "/",
    unless it ends at the file's name: those are the name suffixes and folders above)."""

    def __init__(self, bytecode: Bytecode | None) -> None:
        self.bytecode = bytecode
        self.folders: dict[str, bool] = {}

    def __call__(self, path: str) -> str | None:
        folder, _, name = path.rpartition("/")
        candidate = self.folders.get(folder)
        if candidate is None:
            candidate = self.folders[folder] = bool(
                folder in _NAME_FOLDERS or _ANY.search(folder + "/")
            )
        if candidate or name.endswith(_NAME_SUFFIXES):
            return category_of(path, self.bytecode)
        return None


def find(files: Iterable[tuple[str, int, bool]], bytecode: Bytecode | None) -> list[Leftover]:
    """Group (path, size, from the base image) of visible files into leftover categories,
    largest first. Empty files (lock files, markers) cost nothing and are left out."""
    totals: dict[str, list[int]] = {}
    examples: dict[str, list[tuple[int, str]]] = {}
    categorize = Categorizer(bytecode)
    for path, size, from_base in files:
        category = categorize(path) if size else None
        if category is None:
            continue
        bucket = totals.setdefault(category, [0, 0, 0, 0])
        bucket[0] += size
        bucket[1] += 1
        if from_base:
            bucket[2] += size
            bucket[3] += 1
        sample = examples.setdefault(category, [])
        sample.append((size, path))
        if len(sample) > 50:
            sample.sort(reverse=True)
            del sample[5:]
    out = [
        Leftover(
            name,
            total,
            count,
            tuple("/" + p for _, p in sorted(examples[name], reverse=True)[:5]),
            base_total,
            base_count,
        )
        for name, (total, count, base_total, base_count) in totals.items()
    ]
    return sorted(out, key=lambda item: -item.bytes)
