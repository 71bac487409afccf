"""Where each package goes, decided from what the builder's own files say.

Run-time packages come from the built code: every library a shared object in the virtualenv
needs (DT_NEEDED), found on the builder's loader path and mapped to the package that owns the
file (libpq.so.5 -> libpq5, never libpq-dev). Packages the original installed by name go to the
builder when they are build-only (the shared list in slimstage.buildonly), unless the app runs
one of their programs; the others stay, each with its reason. Nothing here runs an engine.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from slimstage import buildonly
from slimstage.optimize.recipe import Recipe
from slimstage.optimize.survey import ImageSurvey, Need

#: How run-time instructions are keyed in the texts classify() reads: "HEALTHCHECK at line 9".
INSTRUCTION_KEY = re.compile(r"^[A-Z]+ at line \d+$")


@dataclass(frozen=True)
class Found:
    """A library a shared object of the virtualenv needs, and where it comes from."""

    file: str
    soname: str
    package: str | None
    path: str | None


@dataclass(frozen=True)
class Decision:
    package: str
    place: str  # "builder", "final" or "base" (the final stage's base has it already)
    reason: str


@dataclass
class Findings:
    runtime: dict[str, list[Found]] = field(default_factory=dict)  # package -> what needs it
    in_base: dict[str, list[Found]] = field(default_factory=dict)
    bundled: list[Found] = field(default_factory=list)
    unresolved: list[Found] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    staged: dict[str, str] = field(default_factory=dict)  # --minimal: package -> why it is copied

    def final_packages(self) -> dict[str, str]:
        """Every package the final stage gets, with the comment saying why."""
        out = {name: _needs_text(found) for name, found in self.runtime.items()}
        out.update({d.package: d.reason for d in self.decisions if d.place == "final"})
        return dict(sorted(out.items()))


def short_path(file: str) -> str:
    """A virtualenv path without its lib/pythonX.Y/site-packages/ prefix."""
    return re.sub(r"^lib/python[\d.]+/site-packages/", "", file)


def _needs_text(found: list[Found]) -> str:
    first = found[0]
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    return f"{short_path(first.file)} needs {first.soname}{more}"


def base_has(base: ImageSurvey, package: str, builder: ImageSurvey) -> bool:
    """Whether the final stage's base already has PACKAGE: in its package database, or, for a
    base without one (the runtime base), every shared library of the package on its loader
    path. A package the base has only in part (libc6: the interpreter's libc.so.6 and libm, not
    libresolv or gconv) does not count: what it lacks is what breaks later."""
    if base.manager is not None:
        return package in base.packages
    info = builder.packages.get(package)
    return bool(info and info.libs and set(info.libs) <= base.library_files)


def _loads_in_base(base: ImageSurvey, builder: ImageSurvey, need: Need) -> bool:
    """Whether the final stage's base satisfies NEED: its package is there, or (a base without a
    package database) the loader finds the library itself."""
    if base.manager is None and need.soname in base.library_files:
        return True
    return need.package is not None and base_has(base, need.package, builder)


def runtime_needs(builder: ImageSurvey, base: ImageSurvey, findings: Findings) -> None:
    for shared in builder.venv or ():
        for need in shared.needs:
            found = Found(shared.file, need.soname, need.package, need.path)
            if need.bundled:
                findings.bundled.append(found)
            elif need.package is None:
                if need.soname not in base.library_files:
                    findings.unresolved.append(found)
            elif _loads_in_base(base, builder, need):
                findings.in_base.setdefault(need.package, []).append(found)
            else:
                findings.runtime.setdefault(need.package, []).append(found)


def _named_in(program: str, texts: Mapping[str, str]) -> str | None:
    """Where the app names PROGRAM: an instruction that runs it, or a file of the app that calls
    it (a quoted command in source code, a command in a shell script)."""
    word = re.escape(program)
    quoted = re.compile(rf"""["'](?:/[\w/.-]*/)?{word}(?:["'\s])""")
    command = re.compile(rf"(?:^|[\s;&|(]){word}(?:\s|$)", re.MULTILINE)
    for where, text in texts.items():
        is_instruction = bool(INSTRUCTION_KEY.match(where))
        shellish = is_instruction or where.endswith((".sh", ".bash")) or text.startswith("#!")
        if quoted.search(text) or (shellish and command.search(text)):
            return where
    return None


def _decide(name: str, recipe: Recipe, builder: ImageSurvey, texts: Mapping[str, str]) -> Decision:
    info = builder.packages.get(name)
    for program in info.programs if info else ():
        where = _named_in(program, texts)
        if where:
            runs = "is run by" if INSTRUCTION_KEY.match(where) else "is called in"
            return Decision(name, "final", f"kept from the original: {program} {runs} {where}")
    reason = buildonly.why_build_only(name, recipe.distro or "debian")
    if reason is not None:
        return Decision(name, "builder", f"build-only ({reason.matched}): {reason.why}")
    if info is not None and info.libs:
        return Decision(
            name,
            "final",
            "kept from the original: it ships shared libraries the app may load with ctypes or "
            "dlopen, which no DT_NEEDED entry shows",
        )
    return Decision(
        name, "final", "kept from the original: not a build-only package, so it may be used"
    )


def classify(
    recipe: Recipe, builder: ImageSurvey, base: ImageSurvey, texts: Mapping[str, str]
) -> Findings:
    """Decide every package; TEXTS are what runs at run time: CMD, ENTRYPOINT and HEALTHCHECK
    (keyed by instruction and line) and the app's files (keyed by path)."""
    findings = Findings()
    runtime_needs(builder, base, findings)
    for name, _step in recipe.installs():
        if name in findings.runtime or any(d.package == name for d in findings.decisions):
            continue
        decision = _decide(name, recipe, builder, texts)
        if decision.place == "final" and base_has(base, name, builder):
            decision = Decision(name, "base", "the final stage's base has it already")
        findings.decisions.append(decision)
    return findings


def stage_closure(findings: Findings, builder: ImageSurvey, base: ImageSurvey) -> None:
    """--minimal: the final packages and everything they depend on (their dlopen'd plugins ship
    in dependencies: SASL's modules, ...), less what the runtime base has and Essential tools."""
    todo = [(name, why) for name, why in findings.final_packages().items()]
    while todo:
        name, why = todo.pop(0)
        info = builder.packages.get(name)
        if name in findings.staged or info is None or info.essential:
            continue
        if name not in findings.runtime and base_has(base, name, builder):
            continue
        findings.staged[name] = why
        todo += [(dep, f"{name} depends on it") for dep in info.depends]
