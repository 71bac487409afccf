"""A recipe and a plan in, the multi-stage Dockerfile's text out: pure, no engine.

`builder_text` is what `optimize` builds to look inside before it knows the runtime packages;
`dockerfile_text` is the whole rewrite. The builder's lines are the same in both, so building
the rewrite reuses the builder's cache.
"""

from __future__ import annotations

from pathlib import Path

from slimstage.optimize.builderstage import builder_stage
from slimstage.optimize.finalstage import STAGED, FinalPlan, final_stage
from slimstage.optimize.recipe import Recipe

HEADER = "# Multi-stage rewrite of {name} by `slimstage optimize`{how}."


def _header(recipe: Recipe, minimal: bool) -> list[str]:
    how = " --minimal" if minimal else ""
    lines = [HEADER.format(name=Path(recipe.path).name, how=how), ""]
    if recipe.global_args:
        lines += [*recipe.global_args, ""]
    for stage in recipe.prelude:
        lines += ["# Kept as written: a stage the final image uses.", stage, ""]
    return lines


def builder_text(recipe: Recipe, context: Path, *, minimal: bool = False) -> str:
    """The Dockerfile optimize builds first (to the end of the builder stage)."""
    return "\n".join([*_header(recipe, minimal), *builder_stage(recipe, context)]) + "\n"


def minimal_extras(packages: list[str]) -> list[str]:
    """Builder lines for --minimal: pip left out of the virtualenv, and every file of the runtime
    packages staged under STAGED with its real path (merged /usr resolved)."""
    lines = [
        "",
        "# The runtime base has no pip and needs none: take it out of the virtualenv.",
        "RUN python3 -m pip uninstall --yes pip",
    ]
    if packages:
        lines += [
            "",
            "# The final stage has no package manager: stage every file these packages own.",
            f"RUN mkdir -p {STAGED} \\",
            " && dpkg -L \\",
            *_wrapped(sorted(packages)),
            "    | while read -r path; do \\",
            '      if [ -f "$path" ] || [ -L "$path" ]; then \\',
            '        dir=$(cd "$(dirname "$path")" && pwd -P) \\',
            f'        && mkdir -p "{STAGED}$dir" && cp -a "$path" "{STAGED}$dir/"; \\',
            "      fi; \\",
            "    done",
        ]
    return lines


def _wrapped(words: list[str], width: int = 88) -> list[str]:
    """WORDS on continuation lines of at most WIDTH characters."""
    lines, line = [], ""
    for word in words:
        if line and len(line) + len(word) > width:
            lines.append(f"      {line}\\")
            line = ""
        line += f"{word} "
    return [*lines, f"      {line}\\"] if line else lines


def dockerfile_text(recipe: Recipe, plan: FinalPlan, context: Path) -> str:
    """The whole multi-stage Dockerfile."""
    minimal = plan.minimal_base is not None
    lines = [*_header(recipe, minimal), *builder_stage(recipe, context)]
    if minimal:
        lines += minimal_extras([p.name for p in plan.packages])
    lines += ["", "", *final_stage(recipe, plan)]
    return "\n".join(_squeeze(lines)) + "\n"


def _squeeze(lines: list[str]) -> list[str]:
    """No runs of more than two blank lines, none at the end."""
    out: list[str] = []
    for line in lines:
        if line == "" and len(out) >= 2 and out[-1] == out[-2] == "":
            continue
        out.append(line)
    while out and out[-1] == "":
        out.pop()
    return out
