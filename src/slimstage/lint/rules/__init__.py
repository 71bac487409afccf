"""One rule per module; each module defines RULE. All are found by `all_rules()`."""

from __future__ import annotations

import importlib
import pkgutil

from slimstage.lint.rule import Rule


def all_rules() -> list[Rule]:
    rules = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        rules.append(module.RULE)
    return rules
