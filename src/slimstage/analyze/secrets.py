"""Files and settings that look like credentials, in any layer: path and layer, never content."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from slimstage.image.layer import REG, ContentNeed, Entry


@dataclass(frozen=True)
class _FileRule:
    """A kind of credential file: PATTERN over the path, plus what makes a cheap first test for
    it (most paths are no candidate): the file NAMES the pattern can end in, PREFIXES of such
    names, or FOLDERS it can sit anywhere under (tests/analyze/test_secrets.py keeps each
    rule's samples passing both)."""

    kind: str
    pattern: re.Pattern[str]
    names: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    folders: tuple[str, ...] = ()


def _rule(kind: str, pattern: str, names: str = "", **more: tuple[str, ...]) -> _FileRule:
    return _FileRule(kind, re.compile(pattern), frozenset(names.split()), **more)


_RULES = (
    _rule(
        "ssh-private-key", r"(^|/)id_(rsa|dsa|ecdsa|ed25519)$", "id_rsa id_dsa id_ecdsa id_ed25519"
    ),
    _rule(
        "dotenv",
        r"(^|/)\.env(\.(?!example$|sample$|template$|dist$)[\w.-]+)?$",
        prefixes=(".env",),
    ),
    _rule("aws-credentials", r"(^|/)\.aws/credentials$", "credentials"),
    _rule(
        "gcloud-credentials",
        r"(^|/)\.config/gcloud/(credentials\.db|access_tokens\.db|"
        r"application_default_credentials\.json|legacy_credentials/)",
        "credentials.db access_tokens.db application_default_credentials.json",
        folders=("legacy_credentials/",),
    ),
    _rule(
        "azure-credentials",
        r"(^|/)\.azure/(accessTokens\.json|msal_token_cache)",
        "accessTokens.json",
        prefixes=("msal_token_cache",),
    ),
    _rule("kubeconfig", r"(^|/)\.kube/config$", "config"),
    _rule("docker-config", r"(^|/)\.docker/config\.json$", "config.json"),
    _rule("netrc", r"(^|/)[._]netrc$", ".netrc _netrc"),
    _rule("pypirc", r"(^|/)\.pypirc$", ".pypirc"),
    _rule("npmrc", r"(^|/)\.npmrc$", ".npmrc"),
    _rule("git-credentials", r"(^|/)\.git-credentials$", ".git-credentials"),
)
_NAMES = frozenset(name for rule in _RULES for name in rule.names)
_PREFIXES = tuple(prefix for rule in _RULES for prefix in rule.prefixes)
_FOLDERS = tuple(folder for rule in _RULES for folder in rule.folders)


def file_kind(path: str) -> str | None:
    """The kind of credential file at PATH (no leading slash), judged by its path alone."""
    name = path.rpartition("/")[2]
    if name in _NAMES or name.startswith(_PREFIXES) or any(f in path for f in _FOLDERS):
        return next((rule.kind for rule in _RULES if rule.pattern.search(path)), None)
    return None


#: Files whose first bytes are read to see whether they hold a private key.
KEY_FILES = ContentNeed(
    re.compile(r".*\.(pem|key|p8)$|(^|.*/)id_(rsa|dsa|ecdsa|ed25519)$"), 64 << 10
)
NEEDS = (KEY_FILES,)
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
            kind = file_kind(entry.path)
            if kind is None and KEY_FILES.wants(entry.path) and entry.content:
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
