"""Where slimstage's lint and hadolint disagree, for the rules both have.

Used by scripts/hadolint-compare and by the test that keeps every disagreement a documented
decision (docs/hadolint.md).
"""

from __future__ import annotations

import bisect
import json
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from slimstage.dockerfile import Dockerfile, parse
from slimstage.lint.rules import all_rules
from slimstage.lint.runner import hadolint_map, lint_file


@dataclass(frozen=True, order=True)
class Difference:
    file: str
    code: str  # slimstage's code
    hadolint: str  # hadolint's code
    line: int
    only_in: str  # "hadolint" or "slimstage"


def hadolint_findings(hadolint: str, path: Path) -> set[tuple[str, int]]:
    out = subprocess.run(
        [hadolint, "--format", "json", "--no-fail", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    items = json.loads(out.stdout or "[]")
    return {(str(item["code"]), int(item["line"])) for item in items}


def differences(hadolint: str, path: Path) -> list[Difference]:
    mapping = hadolint_map(all_rules())  # DL -> SS
    dl_of = {ss: dl for dl, ss in mapping.items()}
    ours = {(f.code, f.line) for f in lint_file(path) if f.code in dl_of}
    theirs = {
        (mapping[code], line) for code, line in hadolint_findings(hadolint, path) if code in mapping
    }
    out = [Difference(path.name, c, dl_of[c], line, "hadolint") for c, line in theirs - ours]
    out += [Difference(path.name, c, dl_of[c], line, "slimstage") for c, line in ours - theirs]
    return sorted(out)


def _run_line(df: Dockerfile) -> Callable[[int], int]:
    """Dockerfile line -> first line of the instruction it belongs to."""
    starts = sorted(ins.line for ins in df.instructions)
    return lambda line: starts[max(bisect.bisect_right(starts, line) - 1, 0)]


def shellcheck_differences(hadolint: str, path: Path) -> list[Difference]:
    """Where slimstage's and hadolint's ShellCheck findings differ, compared per instruction:
    hadolint puts every SC finding on the first line of its RUN, slimstage on its own line.
    Empty when hadolint cannot parse the file (DL1000)."""
    theirs_all = hadolint_findings(hadolint, path)
    if any(code == "DL1000" for code, _ in theirs_all):
        return []
    theirs = {(code, line) for code, line in theirs_all if code.startswith("SC")}
    found = [f for f in lint_file(path) if f.code.startswith("SC")]
    run_line = _run_line(parse(path.read_text(encoding="utf-8"), str(path)))
    ours = {(f.code, run_line(f.line)) for f in found}
    out = [Difference(path.name, c, c, line, "hadolint") for c, line in theirs - ours]
    out += [Difference(path.name, c, c, line, "slimstage") for c, line in ours - theirs]
    return sorted(out)
