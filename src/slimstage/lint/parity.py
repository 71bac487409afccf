"""Where slimstage's lint and hadolint disagree, for the rules both have.

Used by scripts/hadolint-compare and by the test that keeps every disagreement a documented
decision (docs/hadolint.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from slimstage import proc
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
    out = proc.run([hadolint, "--format", "json", "--no-fail", str(path)], check=False)
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
