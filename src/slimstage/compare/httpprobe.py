"""The smoke-test probe: a small HTTP client that runs on the engine, never on this machine.

It runs in a probe container whose network namespace the app's container joins, so it reaches
the app on 127.0.0.1 wherever the engine is (unix socket, tcp, ssh, a docker context) and nothing
listening on this machine can answer for the app. Its source is handed to `python3 -c` in an
image the engine already has, so it uses the standard library only and no slimstage import.

The first request is repeated until it passes (that moment is "ready"), the others run once, in
order. The probe reports on stdout, one line per event, each `slimstage-probe {json}`:
`{"event": "ready", "at": <engine clock>, "status": N}` then `{"event": "result", "ok": ...}`.
Then it stays up (for at most "hold" seconds) until it is removed: it holds the namespace the
app's container joined, and the engine reports no memory for a container whose network
namespace is gone.
"""

from __future__ import annotations

import http.client
import json
import re
import sys
import time
from collections.abc import Callable, Mapping
from typing import Any

MARK = "slimstage-probe"
POLL_SECONDS = 0.05
REQUEST_SECONDS = 10.0
BODY_LIMIT = 1 << 20

#: Where the app's PORT is reached: 127.0.0.1 in the shared namespace (tests map it elsewhere).
Address = Callable[[int], "tuple[str, int]"]


def _loopback(port: int) -> tuple[str, int]:
    return ("127.0.0.1", port)


def attempt(request: Mapping[str, Any], address: tuple[str, int]) -> tuple[int | None, str]:
    """Send one request; (status, body) or (None, why nothing answered)."""
    conn = http.client.HTTPConnection(address[0], address[1], timeout=REQUEST_SECONDS)
    body = request.get("body")
    try:
        conn.request(
            request.get("method", "GET"),
            request.get("path", "/"),
            body=None if body is None else body.encode(),
            headers=dict(request.get("headers") or {}),
        )
        response = conn.getresponse()
        return response.status, response.read(BODY_LIMIT).decode(errors="replace")
    except (OSError, http.client.HTTPException) as exc:
        return None, type(exc).__name__ + (f": {exc}" if str(exc) else "")
    finally:
        conn.close()


def judge(request: Mapping[str, Any], status: int | None, body: str) -> str | None:
    """None when the answer is what REQUEST expects, else why not."""
    name = f"{request.get('method', 'GET')} {request.get('path', '/')}"
    if status is None:
        return f"{name}: no answer ({body})"
    expected = request.get("expect_status")
    if expected is None and not 200 <= status < 400:
        return f"{name}: status {status}, expected 2xx or 3xx"
    if expected is not None and status != expected:
        return f"{name}: status {status}, expected {expected}"
    pattern = request.get("expect_body")
    if pattern and not re.search(pattern, body):
        return f"{name}: body does not match {pattern!r}: {body[:200]!r}"
    return None


def run(
    spec: Mapping[str, Any],
    emit: Callable[[dict[str, Any]], None],
    *,
    address: Address = _loopback,
    clock: Callable[[], float] = time.time,
) -> bool:
    """Wait for the first request to pass, then run the others; emit ready and result events."""
    requests = list(spec["requests"])
    port = int(spec["port"])
    deadline = time.monotonic() + float(spec["timeout"])
    why = "nothing tried"
    status: int | None = None
    while True:
        status, body = attempt(requests[0], address(port))
        failed = judge(requests[0], status, body)
        if failed is None:
            emit({"event": "ready", "at": clock(), "status": status})
            break
        why = failed
        if time.monotonic() >= deadline:
            detail = f"not ready within {float(spec['timeout']):g}s: {why}"
            emit({"event": "result", "ok": False, "status": status, "detail": detail})
            return False
        time.sleep(POLL_SECONDS)
    for request in requests[1:]:
        status, body = attempt(request, address(port))
        failed = judge(request, status, body)
        if failed is not None:
            emit({"event": "result", "ok": False, "status": status, "detail": failed})
            return False
    emit({"event": "result", "ok": True, "status": status, "detail": ""})
    return True


def line(event: Mapping[str, Any]) -> str:
    return f"{MARK} {json.dumps(event)}"


def parse(text: str) -> dict[str, Any] | None:
    """The event a probe output line carries, or None for any other line."""
    head, _, payload = text.strip().partition(" ")
    if head != MARK:
        return None
    try:
        event = json.loads(payload)
    except ValueError:
        return None
    return event if isinstance(event, dict) else None


def source() -> str:
    """This module's source, to run as `python3 -c SOURCE SPEC_JSON`."""
    with open(__file__, encoding="utf-8") as handle:
        return handle.read()


def main(argv: list[str]) -> int:
    spec = json.loads(argv[1])
    ok = run(spec, lambda event: print(line(event), flush=True))
    time.sleep(float(spec.get("hold", 0)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
