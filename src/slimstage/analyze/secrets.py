"""Credentials in any layer and in the config, found by path, name and value: the rules live
here once, for files, history, env and labels alike. Found secrets are reported by path or name,
never by value, and `redact` takes their values out of any text slimstage prints.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass

from slimstage.analyze.secretrules import FILE_RULES, KEY_FILES, PRIVATE_KEY, TOKENS, file_kind
from slimstage.image.layer import KIND_CODE, EntryTable

__all__ = ["KEY_FILES", "NEEDS", "Secret", "file_kind", "in_config", "in_layers", "redact"]

NEEDS = (KEY_FILES,)
REDACTED = "<redacted>"
SECRET_NAME = re.compile(
    r"(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?)", re.IGNORECASE
)
_NOT_SECRET_NAME = re.compile(r"(_FILE|_PATH|_DIR)$", re.IGNORECASE)
_VALUE = r"(\"[^\"]*\"|'[^']*'|[^\s\"';&|)]+)"
#: NAME=value, and --name=value or --name value (command-line flags).
_ASSIGNMENT = re.compile(r"(?<![\w.-])([A-Za-z_][\w.-]*)=" + _VALUE)
_FLAG = re.compile(r"(?<![\w-])--([A-Za-z][\w-]*)(?:=|\s+)(?!-)" + _VALUE)
_URL_PASSWORD = re.compile(r"\b([a-z][a-z0-9+.-]*://[^/\s:@]+):([^/\s@]+)@")
_REG = KIND_CODE["file"]


@dataclass(frozen=True)
class Secret:
    kind: str
    where: str  # "file", or where in the config: "env", "label", "history"
    layer: int | None
    name: str  # the path, the variable or label name, or what the value looks like
    visible: bool  # still in the final filesystem (False: a later layer deleted it)


def secret_name(name: str) -> bool:
    return bool(SECRET_NAME.search(name)) and not _NOT_SECRET_NAME.search(name)


def _empty(value: str) -> bool:
    return value in ("", '""', "''")


def _named(text: str) -> list[tuple[str, str, int, int]]:
    """(kind, name, start, end) of each value TEXT assigns to a secret-looking name, and of each
    password in a URL."""
    found = []
    for pattern in (_ASSIGNMENT, _FLAG):
        for match in pattern.finditer(text):
            if secret_name(match.group(1)) and not _empty(match.group(2)):
                found.append(("build-arg-or-env", match.group(1), match.start(2), match.end(2)))
    for match in _URL_PASSWORD.finditer(text):
        found.append(("url-password", match.group(1) + ":", match.start(2), match.end(2)))
    return found


def _values(text: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) of each token or private key TEXT holds, whatever it is called."""
    found = [(kind, m.start(), m.end()) for kind, pattern in TOKENS for m in pattern.finditer(text)]
    found += [("private-key", m.end(1), m.end()) for m in PRIVATE_KEY.finditer(text)]
    return found


def redact(text: str) -> str:
    """TEXT with every secret value replaced by <redacted>; the names stay."""
    if not text:
        return text
    spans = sorted(
        [(start, end) for *_, start, end in _named(text)]
        + [(start, end) for _, start, end in _values(text)]
    )
    if not spans:
        return text
    out, position = [], 0
    for start, end in spans:
        if end <= position:
            continue
        out.append(text[position : max(start, position)])
        out.append(REDACTED)
        position = end
    out.append(text[position:])
    return "".join(out)


def in_text(text: str, where: str, layer: int | None, name: str | None = None) -> list[Secret]:
    """The secrets in one text from the config; NAME is the variable or label it is the value of
    (a secret-looking name makes the whole value a secret)."""
    found: list[Secret] = []
    if name is not None and secret_name(name) and not _empty(text):
        return [Secret(where, where, layer, name, True)]
    covered = []
    for kind, variable, start, end in _named(text):
        found.append(Secret(kind, where, layer, variable if name is None else name, True))
        covered.append((start, end))
    for kind, start, _end in _values(text):
        if not any(s <= start < e for s, e in covered):
            found.append(Secret(kind, where, layer, name or kind, True))
    return found


def in_config(
    env: Mapping[str, str], history: Iterable[str], labels: Mapping[str, str] | None = None
) -> list[Secret]:
    """Secrets in the config's Env, its labels, and the build arguments and commands its history
    records (one list entry per layer)."""
    found = [s for name, value in env.items() for s in in_text(value, "env", None, name)]
    found += [
        s for name, value in (labels or {}).items() for s in in_text(value, "label", None, name)
    ]
    for index, created_by in enumerate(history):
        found += in_text(created_by, "history", index)
    return found


def credential_files(table: EntryTable) -> dict[int, str]:
    """The kind of credential file each entry of one layer is, where it is one: a layer's own
    business, which can be done where the layer is read."""
    names, prefixes, folders = FILE_RULES
    in_folder: dict[str, bool] = {}  # whether a folder is (under) one that a rule names
    kinds = table.kinds
    hits: dict[int, str] = {}
    for position, path in enumerate(table.paths):
        folder, _, name = path.rpartition("/")
        flagged = in_folder.get(folder)
        if flagged is None:
            flagged = in_folder[folder] = any(f in folder + "/" for f in folders)
        if (flagged or name in names or name.startswith(prefixes)) and kinds[position] == _REG:
            kind = file_kind(path)
            if kind is not None:
                hits[position] = kind
    for position, content in table.contents.items():
        path = table.paths[position]
        kind = hits.get(position)
        if kind is None and content and KEY_FILES.wants(path):
            if PRIVATE_KEY.search(content.decode("latin-1")):
                hits[position] = "private-key"
        if kind == "ssh-private-key" and content and b"PRIVATE KEY" not in content:
            del hits[position]  # an empty or public file with that name
    return hits


def in_layers(
    layers: Iterable[tuple[int, EntryTable]],
    visible: Container[str],
    found: Sequence[dict[int, str] | None] = (),
) -> list[Secret]:
    """Credential files in every layer, visible or deleted later (still in the image). FOUND
    may hold each layer's credential_files, found already."""
    secrets: list[Secret] = []
    for index, table in layers:
        known = found[index] if index < len(found) else None
        hits = known if known is not None else credential_files(table)
        for position in sorted(hits):
            path = table.paths[position]
            secrets.append(Secret(hits[position], "file", index, "/" + path, path in visible))
    return secrets
