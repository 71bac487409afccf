"""The one place that runs subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from slimstage.errors import CommandFailed, UsageError

CHUNK = 1 << 20
#: How long a command that stopped writing may take to exit before it is taken to be healthy.
_GRACE_SECONDS = 0.5


@dataclass(frozen=True)
class Result:
    cmd: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str


def _env(extra: Mapping[str, str] | None) -> dict[str, str]:
    env = dict(os.environ)
    if extra:
        env.update(extra)
    return env


def run(
    cmd: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    check: bool = True,
    input_bytes: bytes | None = None,
    timeout: float | None = None,
    cwd: str | None = None,
) -> Result:
    """Run a command to completion and capture its output as text.

    With check=True a non-zero exit raises CommandFailed, whose message names the command,
    its return code and the last line it printed.
    """
    args = tuple(cmd)
    try:
        proc = subprocess.run(
            args,
            input=input_bytes,
            capture_output=True,
            env=_env(env),
            timeout=timeout,
            cwd=cwd,
            check=False,
        )
    except FileNotFoundError as exc:
        raise UsageError(f"{args[0]}: command not found") from exc
    except subprocess.TimeoutExpired as exc:
        out = (exc.stdout or b"").decode(errors="replace")
        err = (exc.stderr or b"").decode(errors="replace")
        raise CommandFailed(args, -1, out, err + f"\ntimed out after {timeout:.0f}s") from exc
    result = Result(
        args,
        proc.returncode,
        proc.stdout.decode(errors="replace"),
        proc.stderr.decode(errors="replace"),
    )
    if check and result.returncode != 0:
        raise CommandFailed(args, result.returncode, result.stdout, result.stderr)
    return result


def stream(
    cmd: Sequence[str],
    *,
    on_line: Callable[[str], None],
    env: Mapping[str, str] | None = None,
    check: bool = True,
    cwd: str | None = None,
) -> Result:
    """Run a command, handing each output line (stdout and stderr merged) to on_line.

    Used for long work such as builds, whose progress the user should see as it happens.
    The merged output is kept and returned as stdout.
    """
    args = tuple(cmd)
    lines: list[str] = []
    try:
        proc = subprocess.Popen(
            args,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=_env(env),
            cwd=cwd,
        )
    except FileNotFoundError as exc:
        raise UsageError(f"{args[0]}: command not found") from exc
    assert proc.stdout is not None
    try:
        for raw in proc.stdout:
            line = raw.decode(errors="replace").rstrip("\n")
            lines.append(line)
            on_line(line)
        returncode = proc.wait()
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    output = "\n".join(lines)
    if check and returncode != 0:
        raise CommandFailed(args, returncode, output, "")
    return Result(args, returncode, output, "")


@contextmanager
def reading(cmd: Sequence[str], *, env: Mapping[str, str] | None = None) -> Iterator[IO[bytes]]:
    """Run a command whose stdout the caller reads as a byte stream (e.g. `docker save`).

    The command is always waited for. When it fails, its own error (CommandFailed, with what it
    printed on stderr) is raised rather than whatever the caller made of a cut-off stream; when
    the caller stops early on an error of its own, the command is killed and that error stands.
    """
    args = tuple(cmd)
    with tempfile.TemporaryFile() as errors:
        try:
            child = subprocess.Popen(
                args, stdout=subprocess.PIPE, stderr=errors, stdin=subprocess.DEVNULL, env=_env(env)
            )
        except FileNotFoundError as exc:
            raise UsageError(f"{args[0]}: command not found") from exc
        assert child.stdout is not None
        try:
            yield child.stdout
        except BaseException:
            # A cut-off stream is usually the command failing: give it a moment to say so.
            try:
                code = child.wait(timeout=_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
                raise
            if code != 0:
                raise _failed(args, code, errors) from None
            raise
        # Read what the caller left (tar padding) so the command does not die of a closed pipe.
        while child.stdout.read(CHUNK):
            pass
        child.stdout.close()
        code = child.wait()
        if code != 0:
            raise _failed(args, code, errors)


def _failed(args: tuple[str, ...], code: int, errors: IO[bytes]) -> CommandFailed:
    errors.seek(0)
    return CommandFailed(args, code, "", errors.read().decode(errors="replace"))


def log(message: str) -> None:
    """Progress and logs go to stderr; stdout is kept for results."""
    print(message, file=sys.stderr, flush=True)
