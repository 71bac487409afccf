"""compare's smoke-test settings: flags over `[compare]` in `.slimstage.toml` over defaults.

Keys (docs/compare.md): port, smoke-path, expect-status, expect-body, smoke-timeout, env (a
table), env-file, with (sidecar names), probe-image, strict, `[[compare.smoke]]` (a sequence of
requests) and `[compare.sidecars.NAME]` (image, env, ready, ready-timeout).
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slimstage.compare.ports import tcp_port
from slimstage.compare.sidecar import builtin
from slimstage.compare.smokespec import Request, Sidecar, SmokeSpec
from slimstage.errors import UsageError
from slimstage.options import CompareOptions

KEYS = {
    *("port", "smoke-path", "expect-status", "expect-body", "smoke-timeout", "env", "env-file"),
    *("with", "probe-image", "strict", "smoke", "sidecars"),
}
REQUEST_KEYS = {"path", "method", "body", "json", "headers", "expect-status", "expect-body"}
SIDECAR_KEYS = {"image", "env", "ready", "ready-timeout"}
#: Flags that describe the one request of a smoke test given on the command line.
REQUEST_FLAGS = {"smoke_path", "expect_status", "expect_body"}


@dataclass(frozen=True)
class Settings:
    smoke: SmokeSpec
    strict: bool
    source: str | None  # the settings file read, if any


class _Table:
    """One table of the settings file, with typed getters whose errors name the file and key."""

    def __init__(self, data: Mapping[str, Any], where: str) -> None:
        self.data, self.where = data, where

    def fail(self, key: str, message: str) -> UsageError:
        return UsageError(f"{self.where}: {key}: {message}")

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = None) -> Any:
        if key not in self.data:
            return default
        value = self.data[key]
        if not isinstance(value, kind) or isinstance(value, bool) is not (kind is bool):
            raise self.fail(key, f"expected {getattr(kind, '__name__', kind)}, got {value!r}")
        return value

    def strings(self, key: str) -> dict[str, str]:
        table = self.get(key, dict, {})
        if not all(isinstance(v, (str, int, float)) for v in table.values()):
            raise self.fail(key, "values must be strings")
        return {str(k): str(v) for k, v in table.items()}


def read_file(explicit: Path | None) -> tuple[dict[str, Any], Path | None]:
    """The [compare] table of EXPLICIT, else of ./.slimstage.toml when there; {} otherwise."""
    path = explicit or Path(".slimstage.toml")
    if not path.is_file():
        if explicit is not None:
            raise UsageError(f"--config {explicit}: no such file")
        return {}, None
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, UnicodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"{path}: cannot read settings: {exc}") from None
    table = data.get("compare", {})
    if not isinstance(table, dict):
        raise UsageError(f"{path}: [compare] must be a table")
    unknown = set(table) - KEYS
    if unknown:
        raise UsageError(f"{path}: unknown [compare] setting(s): {', '.join(sorted(unknown))}")
    return table, path


def env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines as `docker run --env-file` reads them: # comments and blank lines
    skipped, the value taken verbatim, a bare KEY taken from this environment when set."""
    try:
        lines = path.read_text().splitlines()
    except (OSError, UnicodeError) as exc:
        raise UsageError(f"env file {path}: {exc}") from None
    out: dict[str, str] = {}
    for number, line in enumerate(lines, 1):
        text = line.lstrip()
        if not text or text.startswith("#"):
            continue
        key, sep, value = text.partition("=")
        if not key or any(c.isspace() for c in key):
            raise UsageError(f"env file {path}:{number}: expected KEY=VALUE, got {line!r}")
        if sep:
            out[key] = value
        elif key in os.environ:
            out[key] = os.environ[key]
    return out


def _pattern(table: _Table, key: str) -> str | None:
    pattern = table.get(key, str)
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise table.fail(key, f"not a regular expression: {exc}") from None
    return pattern  # type: ignore[no-any-return]


def _flag_pattern(pattern: str | None) -> str | None:
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise UsageError(f"--expect-body: not a regular expression: {exc}") from None
    return pattern


def request_from(table: _Table) -> Request:
    unknown = set(table.data) - REQUEST_KEYS
    if unknown:
        raise table.fail(", ".join(sorted(unknown)), "unknown request setting")
    headers = table.strings("headers")
    body = table.get("body", str)
    if "json" in table.data:
        body = json.dumps(table.data["json"])
        headers.setdefault("Content-Type", "application/json")
    path = table.get("path", str, "/")
    if not path.startswith("/"):
        raise table.fail("path", f"must start with '/', got {path!r}")
    return Request(
        path=path,
        method=table.get("method", str, "GET").upper(),
        body=body,
        headers=tuple(headers.items()),
        expect_status=table.get("expect-status", int),
        expect_body=_pattern(table, "expect-body"),
    )


def sidecar_from(name: str, table: _Table) -> Sidecar:
    unknown = set(table.data) - SIDECAR_KEYS
    if unknown:
        raise table.fail(", ".join(sorted(unknown)), "unknown sidecar setting")
    image = table.get("image", str)
    if not image:
        raise table.fail("image", "a sidecar needs an image")
    ready = table.get("ready", list, [])
    if not all(isinstance(word, str) for word in ready):
        raise table.fail("ready", "must be a command as a list of strings")
    return Sidecar(
        name=name,
        image=image,
        env=tuple(table.strings("env").items()),
        ready=tuple(ready),
        ready_timeout=float(table.get("ready-timeout", (int, float), 60.0)),
    )


def _requests(options: CompareOptions, table: _Table) -> tuple[Request, ...]:
    """Flags for the request win; then the file's [[compare.smoke]] sequence or its one request."""
    if not REQUEST_FLAGS & options.given:
        steps = table.get("smoke", list)
        if steps is not None:
            if not steps or not all(isinstance(step, dict) for step in steps):
                raise table.fail("smoke", "must be one or more [[compare.smoke]] tables")
            return tuple(
                request_from(_Table(step, f"{table.where} [[compare.smoke]] #{n}"))
                for n, step in enumerate(steps, 1)
            )
    path = _pick(options, table, "smoke_path", str)
    if not path.startswith("/"):
        raise UsageError(f"smoke path must start with '/', got {path!r}")
    return (
        Request(
            path=path,
            expect_status=_pick(options, table, "expect_status", int),
            expect_body=_flag_pattern(options.expect_body)
            if "expect_body" in options.given
            else _pattern(table, "expect-body"),
        ),
    )


def _pick(options: CompareOptions, table: _Table, name: str, kind: type | tuple[type, ...]) -> Any:
    """The flag NAME when given, else the file's key, else the flag's default."""
    if name in options.given:
        return getattr(options, name)
    return table.get(name.replace("_", "-"), kind, getattr(options, name))


def _env(options: CompareOptions, table: _Table, base: Path) -> dict[str, str]:
    env: dict[str, str] = {}
    file_env = table.get("env-file", str)
    if file_env is not None:
        env.update(env_file(base / file_env))
    env.update(table.strings("env"))
    if options.env_file is not None:
        env.update(env_file(options.env_file))
    env.update(options.env)
    return env


def _sidecars(options: CompareOptions, table: _Table) -> tuple[Sidecar, ...]:
    names = list(options.sidecars) if "sidecars" in options.given else table.get("with", list, [])
    if not all(isinstance(name, str) for name in names):
        raise table.fail("with", "must be a list of sidecar names")
    defined = table.get("sidecars", dict, {})
    out = []
    for name in dict.fromkeys(names):
        if name in defined:
            where = f"{table.where} [compare.sidecars.{name}]"
            if not isinstance(defined[name], dict):
                raise UsageError(f"{where}: must be a table")
            out.append(sidecar_from(name, _Table(defined[name], where)))
        else:
            out.append(builtin(name))
    return tuple(out)


def load(options: CompareOptions) -> Settings:
    """The smoke test and run settings for OPTIONS, reading the settings file it names."""
    data, path = read_file(options.config)
    table = _Table(data, f"{path} [compare]")
    base = path.parent if path else Path()
    timeout = float(_pick(options, table, "smoke_timeout", (int, float)))
    if timeout <= 0:
        raise table.fail("smoke-timeout", "must be more than 0")
    port = _pick(options, table, "port", (str, int))
    if port is not None and tcp_port(str(port)) is None:
        message = f"expected a TCP port such as 5000 or 5000/tcp, got {port!r}"
        if "port" in options.given:
            raise UsageError(f"--port: {message}")
        raise table.fail("port", message)
    spec = SmokeSpec(
        requests=_requests(options, table),
        port=None if port is None else tcp_port(str(port)),
        env=tuple(_env(options, table, base).items()),
        sidecars=_sidecars(options, table),
        timeout=timeout,
        probe_image=_pick(options, table, "probe_image", str),
    )
    strict = bool(_pick(options, table, "strict", bool))
    return Settings(spec, strict, None if path is None else str(path))
