"""The package's layout as the README describes it: features are folders, plumbing is flat,
no import runs from plumbing up into a feature, no cycles, small modules and functions, and a
test module for every module."""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "slimstage"
TESTS = Path(__file__).resolve().parent
FEATURES = {"analyze", "bases", "commands", "compare", "image", "lint", "optimize"}
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 60


def _modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, path


def _imports(path: Path) -> set[str]:
    """Every slimstage module PATH imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("slimstage")}
        elif (
            isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("slimstage")
        ):
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    known = dict(_modules())
    return {name for name in found if name in known}


def _feature(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in FEATURES) else None


def test_plumbing_imports_no_feature() -> None:
    offenders = {
        (module, imported)
        for module, path in _modules()
        if _feature(module) is None
        for imported in _imports(path)
        if _feature(imported) is not None
    }
    assert offenders == set()


def test_no_feature_imports_the_commands_or_the_cli() -> None:
    offenders = {
        (module, imported)
        for module, path in _modules()
        if _feature(module) not in (None, "commands")
        for imported in _imports(path)
        if imported == "slimstage.cli" or _feature(imported) == "commands"
    }
    assert offenders == set()


def test_no_import_cycles() -> None:
    graph = {module: _imports(path) - {module} for module, path in _modules()}

    def cycle_from(start: str) -> list[str] | None:
        stack = [(start, [start])]
        seen: set[str] = set()
        while stack:
            node, trail = stack.pop()
            for nxt in graph.get(node, set()):
                if nxt == start:
                    return [*trail, nxt]
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*trail, nxt]))
        return None

    # A package's __init__ may be imported by its own modules (it imports none of them).
    cycles = [c for m in graph if (c := cycle_from(m)) and not _through_own_init(c)]
    assert cycles == []


def _through_own_init(cycle: list[str]) -> bool:
    return any(a.startswith(b + ".") or b.startswith(a + ".") for a, b in itertools.pairwise(cycle))


def test_no_two_modules_or_classes_share_a_name() -> None:
    modules: dict[str, str] = {}
    classes: dict[str, str] = {}
    clashes = []
    for module, path in _modules():
        short = module.rsplit(".", 1)[-1]
        if path.name != "__init__.py" and ".commands." not in module and ".rules." not in module:
            if short in modules:
                clashes.append((modules[short], module))
            modules[short] = module
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                if node.name in classes:
                    clashes.append((classes[node.name], f"{module}.{node.name}"))
                classes[node.name] = f"{module}.{node.name}"
    assert clashes == []


def test_modules_and_functions_stay_small() -> None:
    long_modules = [
        (module, n)
        for module, path in _modules()
        if (n := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    ]
    long_functions = []
    for module, path in _modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long_functions.append((module, node.name, length))
    assert (long_modules, long_functions) == ([], [])


def test_every_module_has_a_test_module() -> None:
    missing = []
    for _module, path in _modules():
        if path.name in ("__init__.py", "__main__.py"):
            continue
        relative = path.relative_to(PACKAGE)
        expected = TESTS / relative.parent / f"test_{relative.name}"
        if not expected.is_file():
            missing.append(str(expected.relative_to(TESTS)))
    assert missing == []
