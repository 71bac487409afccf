"""The final stage of a rewrite: the base (or, with --minimal, the runtime-only base), the
runtime packages, a non-root user, the virtualenv from the builder, and the original's own
instructions in their order: its app files, setup steps, environment and start command.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from slimstage.optimize import runline
from slimstage.optimize.builderstage import VENV, stage_name
from slimstage.optimize.recipe import Recipe, Step

UID = "10001"
RUNTIME_UID = "65532"  # the runtime base's `nonroot` user
STAGED = "/runtime-packages"
_USER_COMMANDS = {
    "useradd": f"RUN useradd --system --uid {UID} --no-create-home --shell /usr/sbin/nologin app",
    "adduser": f"RUN adduser -S -D -H -u {UID} app",
}


@dataclass(frozen=True)
class PackageLine:
    name: str
    why: str


@dataclass(frozen=True)
class FinalPlan:
    packages: tuple[PackageLine, ...]  # installed (or, with --minimal, copied from the builder)
    manager: str | None  # dpkg or apk: how the final stage installs them
    minimal_base: str | None  # the runtime-only base, with --minimal
    add_user: str | None  # useradd, adduser, numeric, or None: the original's USER is kept
    interpreter: str  # "Python 3.13.5 (/usr/bin/python3.13)", named by the --minimal comments


def _install(plan: FinalPlan, builder: str) -> list[str]:
    names = " ".join(sorted(p.name for p in plan.packages))
    notes = [f"# {p.name}: {p.why}" for p in sorted(plan.packages, key=lambda p: p.name)]
    if plan.minimal_base:
        return [
            "# No package manager here: the builder staged every file these packages own (not",
            "# just the libraries found: they load more with dlopen than they link).",
            *notes,
            f"COPY --from={builder} {STAGED}/ /",
        ]
    intro = "# Run-time packages only (no compilers, no -dev packages); each says why it is here."
    if plan.manager == "apk":
        return [intro, *notes, f"RUN apk add --no-cache {names}"]
    return [
        intro,
        *notes,
        "RUN apt-get update \\",
        f" && apt-get install -y --no-install-recommends {names} \\",
        " && rm -rf /var/lib/apt/lists/*",
    ]


def _setup(plan: FinalPlan, builder: str) -> list[str]:
    lines = ["", *_install(plan, builder)] if plan.packages else []
    if plan.add_user in _USER_COMMANDS:
        lines += [
            "",
            "# A fixed non-root UID, so volume permissions and runAsNonRoot can rely on it.",
            _USER_COMMANDS[plan.add_user],
        ]
    return lines


def _venv(plan: FinalPlan, builder: str) -> list[str]:
    lines = ["", "# The virtualenv, whole: the dependencies as the builder built them."]
    if plan.minimal_base:
        lines += [
            f"# Same interpreter in both stages, checked by running each: {plan.interpreter}.",
            "# slimstage ignore=SS204",
        ]
    return [*lines, f"COPY --from={builder} {VENV} {VENV}", f"ENV PATH={VENV}/bin:$PATH"]


def exec_form(step: Step) -> str | None:
    """A shell-form CMD, ENTRYPOINT or HEALTHCHECK in exec form, when it uses no shell syntax;
    None when it needs a shell. Exec-form ones are returned as written."""
    ins = step.ins
    if ins.json or ins.cmd not in ("CMD", "ENTRYPOINT", "HEALTHCHECK"):
        return step.source
    if ins.cmd == "HEALTHCHECK":
        if ins.value[:1] != ("CMD",):
            return step.source  # HEALTHCHECK NONE
        text, head = ins.value[1], " ".join(["HEALTHCHECK", *ins.flags, "CMD"])
    else:
        text, head = " ".join(ins.value), ins.cmd
    if runline.needs_shell(text):
        return None
    return f"{head} {json.dumps(text.split())}"


def _original(step: Step, plan: FinalPlan) -> list[str]:
    source = step.source
    if plan.minimal_base and step.ins.cmd in ("CMD", "ENTRYPOINT", "HEALTHCHECK"):
        converted = exec_form(step)
        if converted is not None and converted != source:
            return ["", "# Exec form: the runtime base has no shell.", converted]
    return ["", *step.comments, source] if step.comments else [source]


def _tidy(lines: list[str]) -> list[str]:
    """No blank line twice in a row or before the end."""
    out = [line for i, line in enumerate(lines) if line or (i and lines[i - 1])]
    while out and not out[-1]:
        out.pop()
    return out


def _user_line(plan: FinalPlan) -> list[str]:
    if plan.add_user is None:
        return []
    uid = RUNTIME_UID if plan.minimal_base else UID
    user = "app" if plan.add_user in _USER_COMMANDS else f"{uid}:{uid}"
    return ["", "# Not root: the original ran as root only because it set no USER.", f"USER {user}"]


def final_stage(recipe: Recipe, plan: FinalPlan) -> list[str]:
    """The final stage's lines."""
    base = plan.minimal_base or recipe.base
    what = "the runtime-only base" if plan.minimal_base else "the original base"
    builder = stage_name(recipe, "builder")
    lines = [
        f"# --- final: what runs: {what}, the runtime packages, the virtualenv, the app",
        f"FROM {base} AS {stage_name(recipe, 'final')}",
    ]
    set_up = venv = False
    last_root_step = 0
    for step in recipe.steps:
        if step.kind == "run" and (step.packages or step.pip):
            size = len(lines)
            if not set_up:
                lines += _setup(plan, builder)
                set_up = True
            if step.pip and not venv:
                lines += _venv(plan, builder)
                venv = True
            if len(lines) > size:
                lines.append("")
        else:
            lines += _original(step, plan)
        if step.ins.cmd in ("RUN", "COPY", "ADD", "USER") or (step.pip and venv):
            last_root_step = len(lines)
    lines[last_root_step:last_root_step] = _user_line(plan)
    return _tidy(lines)
