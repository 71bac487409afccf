"""What optimize did, for people (text) and programs (JSON; schema in docs/optimize.md)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from slimstage.optimize.classify import Findings, short_path
from slimstage.optimize.optimizer import Optimized
from slimstage.optimize.verify import VerifyOutcome
from slimstage.units import human_bytes


def gain(findings: Findings) -> tuple[str, str]:
    """("large" or "small", why), judged from what moved to the builder and what the built code
    needs, before any measurement."""
    moved = [d.package for d in findings.decisions if d.place == "builder"]
    if moved:
        return "large", f"build-only packages stay in the builder: {', '.join(moved)}"
    return "small", (
        "nothing build-only is installed and nothing is compiled, so the final image holds "
        "what the original did, plus the virtualenv's own pip (about 10 MB); the rewrite still "
        "keeps pip's cache out of the image, separates the dependencies from the system's "
        "Python and runs as a non-root user"
    )


def document(result: Optimized, output: str, verification: VerifyOutcome | None) -> dict[str, Any]:
    findings = result.findings
    level, why = gain(findings)

    def needs(found: list[Any]) -> list[dict[str, Any]]:
        return [dataclasses.asdict(f) for f in found]

    change = verification.size_change_bytes if verification else None
    return {
        "input": result.recipe.path,
        "output": output,
        "minimal": result.plan.minimal_base is not None,
        "base": result.recipe.base_image,
        "final_base": result.final_base,
        "interpreter": result.builder.interpreter,
        "moved_to_builder": [
            {"package": d.package, "reason": d.reason}
            for d in findings.decisions
            if d.place == "builder"
        ],
        "runtime_packages": [
            {"package": name, "needed_by": needs(found)}
            for name, found in sorted(findings.runtime.items())
        ],
        "kept": [
            {"package": d.package, "reason": d.reason}
            for d in findings.decisions
            if d.place == "final"
        ],
        "already_in_base": sorted(
            {*findings.in_base, *(d.package for d in findings.decisions if d.place == "base")}
        ),
        "staged": [{"package": n, "reason": r} for n, r in sorted(findings.staged.items())],
        "bundled": needs(findings.bundled),
        "unresolved": needs(findings.unresolved),
        "gain": {"expected": level, "why": why},
        "seconds": {
            "builder_build": round(result.builder_seconds, 2),
            "own": round(result.own_seconds, 2),
        },
        "verify": None
        if verification is None
        else {
            "ok": verification.ok,
            "original": dataclasses.asdict(verification.original),
            "optimized": dataclasses.asdict(verification.optimized),
            "size_change_bytes": change,
        },
        "dockerfile": result.text,
    }


def as_json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2) + "\n"


def _size(value: int | None) -> str:
    return human_bytes(value) if value is not None else "-"


def _verify_lines(v: dict[str, Any]) -> list[str]:
    lines = ["verification (built and smoke-tested the same way):"]
    for name in ("original", "optimized"):
        check = v[name]
        state = "smoke ok" if check["smoke_ok"] else "FAILED"
        lines.append(
            f"  {name:<10} {_size(check['size_bytes']):>9}  build {check['build_seconds'] or '-'}s"
            f"  {state}"
        )
    change = v["size_change_bytes"]
    original = v["original"]["size_bytes"]
    if change is not None and original:
        lines.append(
            f"  size change: {_size(abs(change))} {'smaller' if change <= 0 else 'larger'} "
            f"({100 * change / original:+.0f}%)"
        )
    for name in ("original", "optimized"):
        if not v[name]["smoke_ok"]:
            lines += [
                f"  {name} failed:",
                *("    " + x for x in v[name]["detail"].splitlines()[-15:]),
            ]
    return lines


def as_text(doc: dict[str, Any]) -> str:
    how = "minimal, " if doc["minimal"] else ""
    lines = [f"{doc['input']} -> {doc['output']} ({how}final base {doc['final_base']})"]
    for title, key in (
        ("moved to the builder", "moved_to_builder"),
        ("kept in the final stage", "kept"),
        ("copied whole into the runtime base", "staged"),
    ):
        if doc[key]:
            lines.append(f"{title}:")
            lines += [f"  {e['package']}: {e['reason']}" for e in doc[key]]
    if doc["runtime_packages"]:
        lines.append("runtime packages found in the built code:")
        for entry in doc["runtime_packages"]:
            first = entry["needed_by"][0]
            where = short_path(first["file"])
            lines.append(f"  {entry['package']}: {where} needs {first['soname']}")
    if doc["already_in_base"]:
        lines.append(f"already in the final base: {', '.join(doc['already_in_base'])}")
    if doc["bundled"]:
        lines.append(f"bundled in wheels (nothing to install): {len(doc['bundled'])} libraries")
    for found in doc["unresolved"]:
        lines.append(
            f"warning: {short_path(found['file'])} needs {found['soname']}, "
            "which no package of the builder provides"
        )
    lines.append(f"expected gain: {doc['gain']['expected']}: {doc['gain']['why']}")
    if doc["verify"]:
        lines += _verify_lines(doc["verify"])
    return "\n".join(lines) + "\n"
