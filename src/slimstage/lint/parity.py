"""hadolint and slimstage side by side, through the hadolint codes slimstage's rules map.

Two sets of Dockerfiles are compared. The lint corpus (tests/lint/corpus) holds whole
Dockerfiles; every mapped rule is compared on each. The parity corpus (tests/lint/parity) holds
one TOML file per mapped hadolint rule, each case a small Dockerfile written to exercise one
behaviour of that rule; only that rule is compared on it. A case marked `onbuild = true` is also
run with every RUN turned into an ONBUILD trigger. A case may declare the lines where the two
tools are known to disagree (`differs`, `onbuild_differs`: `hadolint = [...]`, `slimstage =
[...]`, `reason = "..."`); docs/hadolint.md explains every reason. ShellCheck's findings (SC codes,
which both tools report) are compared on the lint corpus too, per RUN. scripts/hadolint-compare
prints the comparisons; the tests fail on any disagreement that is not declared, and on any
declared one that no longer happens.
"""

from __future__ import annotations

import bisect
import json
import tempfile
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slimstage import proc
from slimstage.dockerfile import Dockerfile, parse
from slimstage.lint.rules import all_rules
from slimstage.lint.runner import hadolint_map, lint_file, lint_text

# DL3057 (no HEALTHCHECK) is off in hadolint unless given a severity; SS405 maps to it.
HADOLINT_CONFIG = "override:\n  info:\n    - DL3057\n"
_CASE_KEYS = {"name", "text", "onbuild", "differs", "onbuild_differs"}
_DIFFERS_KEYS = {"hadolint", "slimstage", "reason"}


@dataclass(frozen=True, order=True)
class Difference:
    """A line of the lint corpus where one tool reports a mapped rule and the other does not."""

    file: str
    code: str  # slimstage's code
    hadolint: str  # hadolint's code
    line: int
    only_in: str  # "hadolint" or "slimstage"


@dataclass(frozen=True)
class Case:
    """A parity case: a Dockerfile written for one hadolint rule, and the known disagreement."""

    rule: str
    name: str
    text: str
    hadolint_only: frozenset[int] = frozenset()
    slimstage_only: frozenset[int] = frozenset()
    reason: str | None = None

    @property
    def id(self) -> str:
        return f"{self.rule}/{self.name}"


@dataclass(frozen=True)
class Outcome:
    """What each tool reported on a case, for the rule the case was written for."""

    case: Case
    code: str | None  # slimstage's code for the rule; None while the rule has no counterpart
    hadolint: frozenset[int]
    slimstage: frozenset[int]

    @property
    def agrees(self) -> bool:
        return self.hadolint == self.slimstage

    @property
    def as_declared(self) -> bool:
        return (
            self.hadolint - self.slimstage == self.case.hadolint_only
            and self.slimstage - self.hadolint == self.case.slimstage_only
        )


def hadolint_findings(hadolint: str, texts: Sequence[str]) -> list[set[tuple[str, int]]]:
    """(code, line) of every hadolint finding, per text; one hadolint run for all of them."""
    found: list[set[tuple[str, int]]] = [set() for _ in texts]
    if "/" in hadolint:  # it runs in a temporary folder
        hadolint = str(Path(hadolint).absolute())
    with tempfile.TemporaryDirectory(prefix="slimstage-parity-") as tmp:
        folder = Path(tmp)
        (folder / "hadolint.yaml").write_text(HADOLINT_CONFIG)
        names = []
        for index, text in enumerate(texts):
            (folder / f"{index}.Dockerfile").write_text(text)
            names.append(f"{index}.Dockerfile")
        for start in range(0, len(names), 200):
            cmd = [hadolint, "--config", "hadolint.yaml", "--no-fail", "--format", "json"]
            result = proc.run([*cmd, *names[start : start + 200]], cwd=tmp)
            for item in json.loads(result.stdout or "[]"):
                index = int(Path(str(item["file"])).name.split(".")[0])
                found[index].add((str(item["code"]), int(item["line"])))
    return found


def _unparsable(found: set[tuple[str, int]]) -> int | None:
    """The line hadolint could not parse (its DL1000), if it could not."""
    lines = sorted(line for code, line in found if code == "DL1000")
    return lines[0] if lines else None


@dataclass(frozen=True)
class CorpusComparison:
    differences: list[Difference]
    unparsable: dict[str, int]  # file -> the line hadolint cannot parse; nothing compared there


def compare_corpus(hadolint: str, paths: Sequence[Path]) -> CorpusComparison:
    """Every line of the given Dockerfiles where the tools disagree on a mapped rule."""
    mapping = hadolint_map(all_rules())  # DL -> SS
    found = hadolint_findings(hadolint, [path.read_text() for path in paths])
    out: list[Difference] = []
    unparsable: dict[str, int] = {}
    for path, theirs_raw in zip(paths, found, strict=True):
        line = _unparsable(theirs_raw)
        if line is not None:
            unparsable[path.name] = line
            continue
        ours = {(f.code, f.line) for f in lint_file(path) if f.code in mapping.values()}
        theirs = {(mapping[code], line) for code, line in theirs_raw if code in mapping}
        for code, line in sorted(theirs ^ ours):
            only_in = "hadolint" if (code, line) in theirs else "slimstage"
            dl = _hadolint_code(mapping, theirs_raw, code, line)
            out.append(Difference(path.name, code, dl, line, only_in))
    return CorpusComparison(sorted(out), unparsable)


def _instruction_line(df: Dockerfile) -> Callable[[int], int]:
    """Dockerfile line -> the first line of the instruction it belongs to."""
    starts = sorted(ins.line for ins in df.instructions)
    return lambda line: starts[max(bisect.bisect_right(starts, line) - 1, 0)]


def compare_shellcheck(hadolint: str, paths: Sequence[Path]) -> CorpusComparison:
    """Every instruction of the given Dockerfiles where the two tools' ShellCheck findings (SC
    codes) differ. hadolint puts each on the first line of its RUN; slimstage's are taken back
    to that line for the comparison."""
    found = hadolint_findings(hadolint, [path.read_text() for path in paths])
    out: list[Difference] = []
    unparsable: dict[str, int] = {}
    for path, theirs_raw in zip(paths, found, strict=True):
        line = _unparsable(theirs_raw)
        if line is not None:
            unparsable[path.name] = line
            continue
        theirs = {(code, n) for code, n in theirs_raw if code.startswith("SC")}
        first_line = _instruction_line(parse(path.read_text(), str(path)))
        ours = {(f.code, first_line(f.line)) for f in lint_file(path) if f.code.startswith("SC")}
        for code, n in sorted(theirs ^ ours):
            only_in = "hadolint" if (code, n) in theirs else "slimstage"
            out.append(Difference(path.name, code, code, n, only_in))
    return CorpusComparison(sorted(out), unparsable)


def _hadolint_code(
    mapping: Mapping[str, str], theirs: set[tuple[str, int]], code: str, line: int
) -> str:
    """The hadolint code reported for slimstage's CODE on LINE, else the first one mapped to it."""
    reported = sorted(dl for dl, n in theirs if n == line and mapping.get(dl) == code)
    return reported[0] if reported else min(dl for dl, ss in mapping.items() if ss == code)


def onbuild_variant(text: str) -> str:
    """The same Dockerfile with every RUN turned into an ONBUILD trigger (lines unchanged)."""
    starts = {ins.line for ins in parse(text).instructions if ins.cmd == "RUN"}
    lines = text.splitlines(keepends=True)
    return "".join(
        f"ONBUILD {line}" if number in starts else line for number, line in enumerate(lines, 1)
    )


def _differs(raw: Any, where: str) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or set(raw) - _DIFFERS_KEYS or "reason" not in raw:
        raise ValueError(f"{where}: differs needs reason and hadolint/slimstage line lists")
    return {
        "hadolint_only": frozenset(int(n) for n in raw.get("hadolint", [])),
        "slimstage_only": frozenset(int(n) for n in raw.get("slimstage", [])),
        "reason": str(raw["reason"]),
    }


def _cases_of(path: Path) -> Iterator[Case]:
    data = tomllib.loads(path.read_text())
    rule = str(data.get("rule", ""))
    if rule != path.stem:
        raise ValueError(f"{path}: rule = {rule!r} does not match the file name")
    for raw in data.get("case", []):
        where = f"{path.name}: case {raw.get('name')!r}"
        unknown = set(raw) - _CASE_KEYS
        if unknown or "name" not in raw or "text" not in raw:
            raise ValueError(f"{where}: needs name and text; unknown keys {sorted(unknown)}")
        yield Case(rule, raw["name"], raw["text"], **_differs(raw.get("differs"), where))
        if raw.get("onbuild"):
            variant = onbuild_variant(raw["text"])
            differs = _differs(raw.get("onbuild_differs"), where)
            yield Case(rule, raw["name"] + "+onbuild", variant, **differs)
        elif "onbuild_differs" in raw:
            raise ValueError(f"{where}: onbuild_differs without onbuild = true")


def load_cases(folder: Path) -> list[Case]:
    cases = [case for path in sorted(folder.glob("DL*.toml")) for case in _cases_of(path)]
    ids = [case.id for case in cases]
    if len(ids) != len(set(ids)):
        raise ValueError(f"{folder}: case names repeat within a rule")
    return cases


def compare_cases(hadolint: str, cases: Sequence[Case]) -> list[Outcome]:
    """Run both tools on every case and keep, per case, the lines of the case's own rule."""
    mapping = hadolint_map(all_rules())
    found = hadolint_findings(hadolint, [case.text for case in cases])
    outcomes = []
    for case, theirs in zip(cases, found, strict=True):
        line = _unparsable(theirs)
        if line is not None:
            raise ValueError(f"{case.id}: hadolint cannot parse line {line}")
        code = mapping.get(case.rule)
        same = {dl for dl, ss in mapping.items() if ss == code} if code else {case.rule}
        ours = lint_text(case.text, path=case.id) if code else []
        outcomes.append(
            Outcome(
                case,
                code,
                frozenset(line for dl, line in theirs if dl in same),
                frozenset(f.line for f in ours if f.code == code),
            )
        )
    return outcomes


def agreement(outcomes: Sequence[Outcome]) -> dict[str, tuple[int, int]]:
    """Per hadolint rule: (cases where both tools report the same lines, cases)."""
    out: dict[str, tuple[int, int]] = {}
    for outcome in outcomes:
        agree, total = out.get(outcome.case.rule, (0, 0))
        out[outcome.case.rule] = (agree + outcome.agrees, total + 1)
    return dict(sorted(out.items()))
