"""Run every rule and ShellCheck over Dockerfiles (files, or standard input) and apply ignores
(flags, config, inline comments)."""

from __future__ import annotations

import bisect
import gc
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from slimstage.dockerfile import Dockerfile, Instruction, parse
from slimstage.lint import runscript, shellcheck
from slimstage.lint.limits import MAX_FILE_SIZE, STDIN, check_instructions, read
from slimstage.lint.rule import Context, Finding, Rule, Severity
from slimstage.lint.rules import all_rules

SHELLCHECK_CODES = {"SS501", "SS502"}  # say what ShellCheck did not check

_DIRECTIVE = re.compile(
    r"^#\s*(slimstage|hadolint)\s+(global\s+)?ignore\s*=\s*([A-Za-z0-9_,\s]+)$", re.IGNORECASE
)


def hadolint_map(rules: Iterable[Rule]) -> dict[str, str]:
    """hadolint code -> slimstage code, for the rules that have an equivalent."""
    return {dl: rule.code for rule in rules for dl in rule.hadolint}


def translate(
    codes: Iterable[str], rules: list[Rule], mapping: dict[str, str] | None = None
) -> set[str]:
    mapping = hadolint_map(rules) if mapping is None else mapping
    return {mapping.get(code.upper(), code.upper()) for code in codes}


def inline_ignores(df: Dockerfile, rules: list[Rule]) -> tuple[dict[int, set[str]], set[str]]:
    """Per-instruction-line ignores from `# slimstage ignore=` / `# hadolint ignore=` comments,
    which apply to the next instruction, and file-wide ones from `global ignore=`."""
    starts = sorted(ins.line for ins in df.instructions)
    mapping = hadolint_map(rules)
    per_line: dict[int, set[str]] = {}
    global_codes: set[str] = set()
    for number, comment in df.comments.items():
        match = _DIRECTIVE.match(comment)
        if not match:
            continue
        codes = translate((c for c in re.split(r"[,\s]+", match.group(3)) if c), rules, mapping)
        if match.group(2):
            global_codes |= codes
            continue
        at = bisect.bisect_right(starts, number)
        if at < len(starts):
            per_line.setdefault(starts[at], set()).update(codes)
    return per_line, global_codes


def has_dockerignore(path: Path) -> bool:
    return (path.parent / ".dockerignore").is_file() or path.with_name(
        path.name + ".dockerignore"
    ).is_file()


def _label(df: Dockerfile, ins: Instruction) -> str | None:
    return df.stages[ins.stage].label if ins.stage >= 0 else None


@dataclass
class _Linting:
    """One Dockerfile between the rules and ShellCheck: what is found so far, with the line of
    the instruction each finding is about (inline ignores apply to instructions)."""

    ctx: Context
    ignored: set[str]
    per_line: dict[int, set[str]]
    found: list[tuple[int, Finding]] = field(default_factory=list)

    def add(self, ins: Instruction, code: str, severity: Severity, line: int, message: str) -> None:
        df = self.ctx.dockerfile
        finding = Finding(code, severity, df.path, line, _label(df, ins), message)
        self.found.append((ins.line, finding))

    def findings(self) -> list[Finding]:
        kept = {
            finding
            for line, finding in self.found
            if finding.code not in self.ignored and finding.code not in self.per_line.get(line, ())
        }
        return sorted(kept, key=lambda f: (f.line, f.code, f.message))


def _rules(
    text: str,
    path: str,
    *,
    ignore: Iterable[str],
    target: str | None,
    dockerignore: bool,
    build_args: Mapping[str, str] | None,
    run_shellcheck: bool,
) -> _Linting:
    rules = all_rules()
    # A large file makes millions of objects that all live until the end of the lint: the
    # cyclic garbage collector would walk them over and over (a fifth of the time), for nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        check_instructions(text, path)
        df = parse(text, path)
        final = df.final(target)
        reachable = frozenset(df.reachable(target))
        ctx = Context(df, final, reachable, dockerignore, dict(build_args or {}))
        ignored = translate(ignore, rules)
        per_line, global_codes = inline_ignores(df, rules)
        ignored |= global_codes
        if not run_shellcheck:
            ignored |= SHELLCHECK_CODES
        linting = _Linting(ctx, ignored, per_line)
        for rule in rules:
            if rule.code not in ignored:
                linting.found += [(finding.line, finding) for finding in rule.run(ctx)]
    finally:
        if collecting:
            gc.enable()
    return linting


def _shellcheck_batch(batch: list[tuple[_Linting, list[runscript.Script]]]) -> None:
    owner = {id(script): linting for linting, scripts in batch for script in scripts}
    try:
        comments = shellcheck.check([script for _, scripts in batch for script in scripts])
    except shellcheck.TimedOut as exc:
        for linting, scripts in batch:
            ins = scripts[0].instruction
            linting.add(ins, "SS502", Severity.INFO, ins.line, f"ShellCheck stopped: {exc}")
        return
    for c in comments:
        ins = c.script.instruction
        owner[id(c.script)].add(ins, c.code, c.severity, c.line, c.message)


def _shellcheck(lintings: list[_Linting]) -> None:
    """ShellCheck every RUN of every file: one process for as many files as fit in the
    amount of script it checks in reasonable time (all of them, as a rule)."""
    batch: list[tuple[_Linting, list[runscript.Script]]] = []
    chars = 0
    for linting in lintings:
        size = runscript.size(linting.ctx.dockerfile)
        if size > shellcheck.MAX_SCRIPT_CHARS:
            continue  # SS502 says so
        scripts = runscript.scripts(linting.ctx.dockerfile)
        if not scripts:
            continue
        if batch and chars + size > shellcheck.MAX_SCRIPT_CHARS:
            _shellcheck_batch(batch)
            batch, chars = [], 0
        batch.append((linting, scripts))
        chars += size
    if batch:
        _shellcheck_batch(batch)


def lint_text(
    text: str,
    *,
    path: str = "Dockerfile",
    ignore: Iterable[str] = (),
    target: str | None = None,
    dockerignore: bool = True,
    build_args: Mapping[str, str] | None = None,
    run_shellcheck: bool = True,
) -> list[Finding]:
    linting = _rules(
        text,
        path,
        ignore=ignore,
        target=target,
        dockerignore=dockerignore,
        build_args=build_args,
        run_shellcheck=run_shellcheck,
    )
    if run_shellcheck:
        _shellcheck([linting])
    return linting.findings()


def lint_files(
    paths: Sequence[Path | str],
    *,
    ignore: Iterable[str] = (),
    target: str | None = None,
    build_args: Mapping[str, str] | None = None,
    run_shellcheck: bool = True,
    max_bytes: int = MAX_FILE_SIZE,
    stdin: BinaryIO | None = None,
) -> list[Finding]:
    """Lint files, or standard input for `-` (then `.dockerignore` is looked up in the current
    folder, the context of `docker build -f - .`), with one ShellCheck run for all of them."""
    lintings = []
    for path in paths:
        name = str(path)
        text = read(name, max_bytes=max_bytes, stdin=stdin)
        dockerignore = (
            Path(".dockerignore").is_file() if name == STDIN else has_dockerignore(Path(name))
        )
        lintings.append(
            _rules(
                text,
                name,
                ignore=ignore,
                target=target,
                dockerignore=dockerignore,
                build_args=build_args,
                run_shellcheck=run_shellcheck,
            )
        )
    if run_shellcheck:
        _shellcheck(lintings)
    return [finding for linting in lintings for finding in linting.findings()]


def lint_file(
    path: Path | str,
    *,
    ignore: Iterable[str] = (),
    target: str | None = None,
    build_args: Mapping[str, str] | None = None,
    run_shellcheck: bool = True,
) -> list[Finding]:
    """lint_files for one file."""
    return lint_files(
        [path], ignore=ignore, target=target, build_args=build_args, run_shellcheck=run_shellcheck
    )
