"""A corpus of Dockerfiles written for the project, each with its exact expected findings."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from slimstage.dockerfile import ParseError
from slimstage.lint import output
from slimstage.lint.runner import lint_file, lint_files, lint_text

CORPUS = Path(__file__).parent / "corpus"
EXPECTED: dict[str, list[str] | dict[str, str]] = json.loads((CORPUS / "expected.json").read_text())


def test_every_corpus_file_has_expectations() -> None:
    files = sorted(p.name for p in CORPUS.glob("*.Dockerfile"))
    assert files == sorted(EXPECTED)
    assert len(files) >= 30


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CORPUS)
    expected = EXPECTED[name]
    if isinstance(expected, dict):
        with pytest.raises(ParseError) as info:
            lint_file(Path(name))
        assert str(info.value).startswith(expected["error"])
        return
    found = [f"{f.code}:{f.line}" for f in lint_file(Path(name))]
    assert sorted(found) == sorted(expected)


def test_seed_files_give_what_a_reader_of_the_seed_expects(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CORPUS)
    single = {f.code for f in lint_file(Path("01-seed-single-stage.Dockerfile"))}
    assert "SS101" in single  # the compiler ships in the final image
    multi = lint_file(Path("02-seed-newmultistage.Dockerfile"))
    codes = {f.code for f in multi}
    assert {"SS206", "SS301"} <= codes  # --user + /root/.local, legacy ENV
    assert "SS101" not in codes  # build-base is in the builder stage, which is the point


def test_one_run_over_the_whole_corpus_gives_each_files_findings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # All files share one ShellCheck process; each finding must still reach its own file.
    monkeypatch.chdir(CORPUS)
    names = sorted(name for name, expected in EXPECTED.items() if isinstance(expected, list))
    found: dict[str, list[str]] = {name: [] for name in names}
    for f in lint_files([Path(name) for name in names]):
        found[f.file].append(f"{f.code}:{f.line}")
    assert {name: sorted(codes) for name, codes in found.items()} == {
        name: sorted(EXPECTED[name]) for name in names
    }


def test_stdin_gives_the_same_findings_named_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CORPUS)
    name = "200-shellcheck-run.Dockerfile"
    found = lint_files(["-"], stdin=io.BytesIO((CORPUS / name).read_bytes()))
    assert {f.file for f in found} == {"-"}
    assert sorted(f"{f.code}:{f.line}" for f in found) == sorted(EXPECTED[name])


def test_control_characters_are_escaped_in_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CORPUS)
    printed = output.text(lint_file(Path("207-control-characters.Dockerfile")))
    assert "\x1b" not in printed
    assert "\x07" not in printed
    assert "[stage \\x1b]0;owned\\x07]" in printed
    assert "--from=\\x1b[31mbuild\\x1b[0m: no stage" in printed


def test_hadolint_ignore_comments_reach_the_rules_their_codes_map_to() -> None:
    text = (CORPUS / "107-hadolint-ignores-new-codes.Dockerfile").read_text()
    assert lint_text(text) == []
    bare = "\n".join(line for line in text.splitlines() if "hadolint" not in line) + "\n"
    found = {(f.code, f.line) for f in lint_text(bare)}
    # Every comment line names hadolint, so the instructions move up.
    assert found == {("SS202", 1), ("SS405", 4), ("SS402", 5), ("SS108", 6)}
