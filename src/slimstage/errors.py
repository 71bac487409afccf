"""Every error a user can see, each with its own exit code.

The exit codes are part of the interface (documented in docs/exit-codes.md):

====  ====================================================================
0     success
1     a result is negative: a compared variant failed to build or its smoke test failed, or
      an optimized image failed the smoke test its original passes
2     bad usage or input (arguments, missing files, unparsable data)
3     unexpected internal error (a bug: please report it with --debug output)
4     no usable container engine (not installed, not running, no BuildKit)
5     a base image is missing and cannot be made here
6     an external command failed (debootstrap, docker build, ...)
7     a CI gate failed (`analyze` thresholds, secrets found)
8     `optimize` refuses a Dockerfile it cannot rewrite safely
9     `optimize` has nothing to do: the Dockerfile is already optimal
130   interrupted (Ctrl-C)
====  ====================================================================
"""

from __future__ import annotations


class SlimstageError(Exception):
    """An error whose message is meant for the user, with its exit code."""

    exit_code = 1

    def __init__(self, message: str, *, fix: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        if self.fix:
            return f"{self.message} (fix: {self.fix})"
        return self.message


class VariantsFailed(SlimstageError):
    """At least one compared variant failed; the results are still reported."""

    exit_code = 1


class UsageError(SlimstageError):
    exit_code = 2


class EngineUnavailable(SlimstageError):
    exit_code = 4


class BaseImageMissing(SlimstageError):
    exit_code = 5


class GateFailed(SlimstageError):
    exit_code = 7


class CannotOptimize(SlimstageError):
    """`optimize` cannot rewrite this Dockerfile safely (not Python, unknown base, ONBUILD...)."""

    exit_code = 8


class AlreadyOptimal(SlimstageError):
    """`optimize` has nothing to move: the Dockerfile is already multi-stage without build
    tools in its final stage, or installs nothing to build."""

    exit_code = 9


class CommandFailed(SlimstageError):
    """An external command exited non-zero; the message reads like a bug report."""

    exit_code = 6

    def __init__(
        self,
        cmd: tuple[str, ...],
        returncode: int,
        stdout: str,
        stderr: str,
        *,
        fix: str | None = None,
    ) -> None:
        self.cmd = cmd
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        super().__init__(self._describe(), fix=fix)

    def _describe(self) -> str:
        tail = (self.stderr.strip() or self.stdout.strip()).splitlines()[-1:] or ["(no output)"]
        return f"command failed (exit {self.returncode}): {' '.join(self.cmd)}: {tail[0]}"

    def details(self) -> str:
        """The whole story, for --debug and logs."""

        def indent(text: str) -> str:
            return "\n".join("    " + line for line in text.rstrip().splitlines()) or "    (none)"

        return (
            f"command: {self.cmd!r}\nreturn code: {self.returncode}\n"
            f"stdout:\n{indent(self.stdout)}\nstderr:\n{indent(self.stderr)}"
        )


EXIT_INTERRUPTED = 130
EXIT_UNEXPECTED = 3
