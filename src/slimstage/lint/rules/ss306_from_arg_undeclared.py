"""SS306: a variable in FROM that no ARG before the first FROM declares, or that is empty.

Only ARGs declared before the first FROM can be used in FROM lines; an ARG inside a stage is not
visible there, and the image name silently loses the variable. A declared ARG with no default
(`ARG BASE`, `ARG BASE=`, `ARG BASE=""`), or only blanks, is empty too unless the build passes
`--build-arg BASE=...`: `FROM $BASE` then fails with an empty image name, `FROM
python:${PY}-slim` with `python:-slim`. Defaults are read as BuildKit reads them (quotes
removed, earlier ARGs expanded); a --build-arg value is taken as given. Give
the ARG a default, or lint with the `--build-arg` the build uses. (`${BASE:-image}` has its own
default; BuildKit fills TARGETARCH and the other platform ARGs itself.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from slimstage.dockerfile import Instruction, Stage
from slimstage.lint.rule import Context, Rule, Severity
from slimstage.lint.rules.ss305_undefined_variable import PREDEFINED

# $NAME or ${NAME...}; the text after the name decides whether an empty value matters.
_REFERENCE = re.compile(
    r"(?<!\\)\$(?:\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*))"
)


def _global_args(ctx: Context) -> dict[str, tuple[Instruction, bool]]:
    """Each ARG before the first FROM: name -> (the declaration that gives its value, whether it
    has a default). A later `ARG NAME` without one keeps the value an earlier one gave."""
    out: dict[str, tuple[Instruction, bool]] = {}
    for ins in ctx.dockerfile.global_args:
        for word in ins.value:
            name, sep, _ = word.partition("=")
            if sep or name not in out:
                out[name] = (ins, bool(sep))
    return out


def check(ctx: Context) -> Iterator[tuple[Stage, str]]:
    declared = _global_args(ctx)
    # As FROM lines see them: --build-arg values as given, defaults read as shell words.
    values = ctx.dockerfile.arg_values(ctx.build_args)
    for stage in ctx.dockerfile.stages:
        for match in _REFERENCE.finditer(stage.base):
            name = match.group(1) or match.group(3)
            modifier = match.group(2) or ""
            if name in PREDEFINED:
                continue
            if name not in declared:
                yield stage, f"FROM uses ${name}, which no ARG before the first FROM declares"
                continue
            if modifier:  # ${NAME:-default}, ${NAME:+alt}, ${NAME:?message}: handled by design
                continue
            value = values.get(name, "")
            if value.strip():
                continue
            empty = "is empty" if not value else "is blank"
            arg, has_default = declared[name]
            if name in ctx.build_args:
                cause = f"--build-arg {name}={value} {empty}"
            elif has_default:
                cause = f"ARG {name} (line {arg.line}) {empty} and no --build-arg sets it"
            else:
                cause = f"ARG {name} (line {arg.line}) has no default and no --build-arg sets it"
            image = ctx.dockerfile.base_name(stage, ctx.build_args)
            yield stage, f"{cause}: FROM {stage.base} names the image {image!r}"


RULE = Rule("SS306", Severity.ERROR, "ARG used in FROM is not declared or is empty", check)
