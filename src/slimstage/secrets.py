"""Files and settings that look like credentials, in any layer: path and layer, never content."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from slimstage.layerscan import REG, Entry

_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        ("ssh-private-key", r"(^|/)id_(rsa|dsa|ecdsa|ed25519)$"),
        ("dotenv", r"(^|/)\.env(\.(?!example$|sample$|template$|dist$)[\w.-]+)?$"),
        ("aws-credentials", r"(^|/)\.aws/credentials$"),
        (
            "gcloud-credentials",
            r"(^|/)\.config/gcloud/(credentials\.db|access_tokens\.db|"
            r"application_default_credentials\.json|legacy_credentials/)",
        ),
        ("azure-credentials", r"(^|/)\.azure/(accessTokens\.json|msal_token_cache)"),
        ("kubeconfig", r"(^|/)\.kube/config$"),
        ("docker-config", r"(^|/)\.docker/config\.json$"),
        ("netrc", r"(^|/)[._]netrc$"),
        ("pypirc", r"(^|/)\.pypirc$"),
        ("npmrc", r"(^|/)\.npmrc$"),
        ("git-credentials", r"(^|/)\.git-credentials$"),
    )
)
# Every rule above ends in one of these names (or under legacy_credentials/): a cheap first test.
_NAMES = frozenset(
    {
        "id_rsa",
        "id_dsa",
        "id_ecdsa",
        "id_ed25519",
        "credentials",
        "credentials.db",
        "access_tokens.db",
        "application_default_credentials.json",
        "accessTokens.json",
        "config",
        "config.json",
        ".netrc",
        "_netrc",
        ".pypirc",
        ".npmrc",
        ".git-credentials",
    }
)


def _candidate(path: str) -> bool:
    name = path.rpartition("/")[2]
    return (
        name in _NAMES
        or name.startswith((".env", "msal_token_cache"))
        or "legacy_credentials/" in path
    )


_KEY_FILE = re.compile(r"\.(pem|key|p8)$")
_PRIVATE_KEY = re.compile(rb"-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----")
SECRET_NAME = re.compile(
    r"(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?)", re.IGNORECASE
)
_NOT_SECRET_NAME = re.compile(r"(_FILE|_PATH|_DIR)$", re.IGNORECASE)


@dataclass(frozen=True)
class Secret:
    kind: str
    where: str  # a path, or "env" / "history"
    layer: int | None
    name: str  # the path or the variable name
    visible: bool  # still in the final filesystem (False: a later layer deleted it)


def in_layers(layers: Iterable[tuple[int, Iterable[Entry]]], visible: set[str]) -> list[Secret]:
    found: list[Secret] = []
    for index, entries in layers:
        for entry in entries:
            if entry.kind != REG:
                continue
            kind = None
            if _candidate(entry.path):
                kind = next((k for k, pattern in _RULES if pattern.search(entry.path)), None)
            if kind is None and _KEY_FILE.search(entry.path) and entry.content:
                if _PRIVATE_KEY.search(entry.content):
                    kind = "private-key"
            if kind == "ssh-private-key" and entry.content and b"PRIVATE KEY" not in entry.content:
                kind = None  # an empty or public file with that name
            if kind is not None:
                path = "/" + entry.path
                found.append(Secret(kind, "file", index, path, path.lstrip("/") in visible))
    return found


def in_config(env: dict[str, str], history: Iterable[str]) -> list[Secret]:
    found = [
        Secret("env", "env", None, name, True)
        for name, value in env.items()
        if value and SECRET_NAME.search(name) and not _NOT_SECRET_NAME.search(name)
    ]
    assignment = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)=(\S+)")
    for index, created_by in enumerate(history):
        for name, value in assignment.findall(created_by):
            if (
                SECRET_NAME.search(name)
                and not _NOT_SECRET_NAME.search(name)
                and value not in ('""', "''")
            ):
                found.append(Secret("build-arg-or-env", "history", index, name, True))
    return found
