from __future__ import annotations

import sys
from pathlib import Path

import pytest

from slimstage import proc
from slimstage.errors import CommandFailed, UsageError


def test_run_captures_output() -> None:
    result = proc.run([sys.executable, "-c", "print('hi')"])
    assert result.returncode == 0
    assert result.stdout == "hi\n"


def test_failure_reads_like_a_bug_report() -> None:
    code = "import sys; print('out'); print('bad thing', file=sys.stderr); sys.exit(3)"
    with pytest.raises(CommandFailed) as info:
        proc.run([sys.executable, "-c", code])
    assert info.value.returncode == 3
    assert "exit 3" in str(info.value)
    assert "bad thing" in str(info.value)
    details = info.value.details()
    assert "stdout:\n    out" in details
    assert "stderr:\n    bad thing" in details


def test_unchecked_failure_returns_the_code() -> None:
    assert proc.run([sys.executable, "-c", "raise SystemExit(2)"], check=False).returncode == 2


def test_missing_command_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="command not found"):
        proc.run(["slimstage-no-such-command"])


def test_timeout_is_a_command_failure() -> None:
    with pytest.raises(CommandFailed, match="timed out"):
        proc.run([sys.executable, "-c", "import time; time.sleep(5)"], timeout=0.5)


def test_stream_hands_over_lines_as_they_come() -> None:
    seen: list[str] = []
    code = "import sys; print('a'); print('b', file=sys.stderr); print('c')"
    result = proc.stream([sys.executable, "-u", "-c", code], on_line=seen.append)
    assert seen == ["a", "b", "c"]
    assert result.stdout == "a\nb\nc"


def test_stream_failure_keeps_the_output() -> None:
    with pytest.raises(CommandFailed) as info:
        proc.stream([sys.executable, "-c", "print('log'); raise SystemExit(1)"], on_line=print)
    assert "log" in info.value.stdout


PACKAGE = Path(__file__).resolve().parent.parent / "src" / "slimstage"


def _modules_mentioning(*needles: str) -> set[str]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text()
        if any(needle in text for needle in needles):
            found.add(str(path.relative_to(PACKAGE)))
    return found


def test_proc_runs_every_subprocess() -> None:
    # the README's claim: no other module runs a program; only the layer workers fork
    starters = ("import subprocess", "from subprocess", "os.system", "os.popen", "os.exec")
    assert _modules_mentioning(*starters, "os.spawn", "pty.spawn", "os.posix_spawn") == {"proc.py"}
    assert _modules_mentioning("os.fork", "multiprocessing") == {"image/workers.py"}


def test_only_engine_and_buildpath_name_the_docker_cli() -> None:
    # the README's claim: engine.py (with buildpath.py, which picks the CLI) talks to the engine
    names = ('"docker"', "'docker'", "/usr/bin/docker", "DOCKER_HOST", "docker.sock")
    assert _modules_mentioning(*names) <= {"engine.py", "buildpath.py"}
    assert "engine.py" in _modules_mentioning("buildpath")
