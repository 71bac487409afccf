"""What a mutmut mutant's name says: the module it changes, and so that module's own test file.
Shared by the mutation plugin (which runs that file first) and scripts/mutation (which runs it
alone on --recheck); it imports nothing, so the script can load it outside the test run."""

from __future__ import annotations

from pathlib import PurePosixPath


def own_test_file(mutant: str) -> str | None:
    """slimstage.lint.rules.ss101_x.x_check__mutmut_3 -> tests/lint/rules/test_ss101_x.py"""
    parts = mutant.split(".")
    for index, part in enumerate(parts):
        if part.startswith(("x_", "xǁ")):
            module = parts[1:index]
            if not module:
                return None
            return str(PurePosixPath("tests", *module[:-1], f"test_{module[-1]}.py"))
    return None
