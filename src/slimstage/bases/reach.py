"""Can containers reach the package indexes? One `pip download` and one `apt-get update` run
inside a stand-in, as a `RUN` line of a build would run them, and what their output means."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from slimstage import proc
from slimstage.engine import RunSpec
from slimstage.errors import CommandFailed

#: Small (an 11 kB wheel), pinned, and with no dependencies.
PIP_PACKAGE = "six==1.16.0"
TIMEOUT_SECONDS = 15

PIP_COMMAND = (
    "python3", "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--no-cache-dir",
    "--disable-pip-version-check", "--timeout", str(TIMEOUT_SECONDS), "--retries", "1",
    "--dest", "/tmp/slimstage-doctor", PIP_PACKAGE,
)  # fmt: skip
APT_COMMAND = (
    "apt-get", "-o", "Acquire::Retries=0",
    "-o", f"Acquire::http::Timeout={TIMEOUT_SECONDS}",
    "-o", f"Acquire::https::Timeout={TIMEOUT_SECONDS}", "update",
)  # fmt: skip

CERTIFICATE_SIGNS = (
    "CERTIFICATE_VERIFY_FAILED",
    "certificate verify failed",
    "Certificate verification failed",
)
NETWORK_SIGNS = (
    "Temporary failure in name resolution",
    "Name or service not known",
    "Could not resolve",
    "Failed to establish a new connection",
    "Network is unreachable",
    "Connection refused",
    "timed out",
    "ProxyError",
)
NETWORK_FIX = (
    "let containers reach the Internet: proxies for containers go in ~/.docker/config.json "
    '("proxies"), for the engine in HTTP_PROXY/HTTPS_PROXY of dockerd'
)


@dataclass(frozen=True)
class Reach:
    """The answer to one probe: did the index answer, and if not why and what to do."""

    probe: str
    ok: bool
    detail: str
    fix: str = ""


class CommandRunner(Protocol):
    def run_once(self, spec: RunSpec, *, timeout: float = 300) -> proc.Result: ...


def _first_line_with(output: str, signs: tuple[str, ...]) -> str | None:
    for line in output.splitlines():
        if any(sign in line for sign in signs):
            return line.strip()
    return None


def _failure(probe: str, output: str, returncode: int, *, ca_fix: str, index: str) -> Reach:
    certificate = _first_line_with(output, CERTIFICATE_SIGNS)
    if certificate is not None:
        detail = (
            f"{index} answered with a TLS certificate this image does not trust (a proxy that "
            "inspects TLS?)"
        )
        return Reach(probe, False, detail, ca_fix)
    network = _first_line_with(output, NETWORK_SIGNS)
    if network is not None:
        return Reach(probe, False, f"{index} is not reachable: {network[:160]}", NETWORK_FIX)
    lines = output.strip().splitlines() or ["(no output)"]
    return Reach(probe, False, f"failed (exit {returncode}): {lines[-1][:160]}", NETWORK_FIX)


def read_pip(result: proc.Result, *, ca_fix: str) -> Reach:
    """What `pip download` in a container says about reaching the Python package index."""
    probe = f"pip download {PIP_PACKAGE}"
    if result.returncode == 0:
        return Reach(probe, True, "the Python package index answered")
    output = result.stdout + result.stderr
    return _failure(probe, output, result.returncode, ca_fix=ca_fix, index="the package index")


def read_apt(result: proc.Result, *, ca_fix: str) -> Reach:
    """What `apt-get update` says about reaching the Debian mirror; apt exits 0 even when it
    could fetch nothing, so its Err: and W: lines count too."""
    probe = "apt-get update"
    output = result.stdout + result.stderr
    failed = [
        line
        for line in output.splitlines()
        if line.startswith(("Err:", "E:", "W: Failed to fetch", "W: Some index files failed"))
    ]
    if result.returncode == 0 and not failed:
        fetched = _first_line_with(output, ("Fetched ",)) or "package lists read"
        return Reach(probe, True, f"the Debian mirror answered ({fetched})")
    return _failure(probe, output, result.returncode, ca_fix=ca_fix, index="the Debian mirror")


def probe(
    engine: CommandRunner, image: str, *, ca_fix: str, labels: dict[str, str] | None = None
) -> list[Reach]:
    """Run both probes in throw-away containers of IMAGE (a python-slim stand-in)."""
    found = []
    for command, read in ((PIP_COMMAND, read_pip), (APT_COMMAND, read_apt)):
        spec = RunSpec(image, labels=labels or {}, command=command)
        try:
            result = engine.run_once(spec, timeout=4 * TIMEOUT_SECONDS)
        except CommandFailed as exc:  # timed out
            result = proc.Result(exc.cmd, exc.returncode, exc.stdout, exc.stderr)
        found.append(read(result, ca_fix=ca_fix))
    return found
