"""Run the CLI as a user would, in a child process, and watch it: its exit code, its output, its
peak memory (the child's own VmHWM, read as it exits), and every file it opens for writing outside
the test's folder (an audit hook in the child reports them).

Peak memory is not taken from wait4's ru_maxrss: Linux carries the high-water mark of the process
image an exec replaces into the new one, so a child forked from a large pytest process reports the
parent's size, not its own."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

#: Runs in the child: report writes outside ALLOWED on stderr, then run the CLI.
_BOOTSTRAP = r"""
import os, sys
allowed = os.path.realpath(sys.argv[1]) + os.sep
WRITING = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
CHANGES = {"os.mkdir", "os.rename", "os.replace", "os.remove", "os.rmdir", "os.symlink",
           "os.link", "os.truncate", "os.chmod", "os.chown", "shutil.rmtree", "os.mkfifo"}

def outside(path):
    if not isinstance(path, (str, bytes, os.PathLike)):
        return False
    real = os.path.realpath(os.fsdecode(path))
    return not (real + os.sep).startswith(allowed) and not real.startswith("/dev/")

def hook(event, args):
    if event == "open":
        path, mode, flags = args
        writes = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & WRITING)
        if writes and outside(path):
            os.write(2, b"WROTE OUTSIDE: " + os.fsencode(os.fsdecode(path)) + b"\n")
    elif event in CHANGES and args and outside(args[0]):
        os.write(2, b"CHANGED OUTSIDE: " + os.fsencode(os.fsdecode(args[0])) + b"\n")

def peak():
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                with open(sys.argv[1] + "/peak-kib", "w", encoding="ascii") as out:
                    out.write(line.split()[1])

sys.addaudithook(hook)
try:
    from slimstage.cli import main
    code = main(sys.argv[2:])
finally:
    peak()
sys.exit(code)
"""


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str
    max_rss_mb: float

    @property
    def error_line(self) -> str:
        lines = self.stderr.strip().splitlines()
        return lines[-1] if lines else ""

    @property
    def outside_writes(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if "OUTSIDE: " in line]


def run(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> Outcome:
    """`slimstage ARGS` in a child process, its home, temporary folder and working folder
    inside TMP_PATH; nothing it writes may land anywhere else."""
    for name in ("home", "tmp", "work"):
        (tmp_path / name).mkdir(exist_ok=True)
    child_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path / "home"),
        "TMPDIR": str(tmp_path / "tmp"),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONIOENCODING": "utf-8",
        **(env or {}),
    }
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        child = subprocess.Popen(
            [sys.executable, "-c", _BOOTSTRAP, str(tmp_path), *args],
            stdout=stdout,
            stderr=stderr,
            stdin=subprocess.DEVNULL,
            env=child_env,
            cwd=cwd or tmp_path / "work",
        )
        child.wait()
    peak = tmp_path / "peak-kib"
    return Outcome(
        child.returncode,
        out.read_bytes().decode("utf-8", "replace"),
        err.read_bytes().decode("utf-8", "replace"),
        int(peak.read_text(encoding="ascii")) / 1024 if peak.exists() else float("inf"),
    )
