"""What a credential looks like: by file path, by the name of a setting, by its value.

One set of rules for everything analyze reads: layer files, and the config's Env, labels and
history (secrets.py applies them). Value patterns are token formats whose shape is documented
by their issuers, and private key blocks; a looser guess would flag ordinary text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from slimstage.image.layer import ContentNeed


@dataclass(frozen=True)
class FileRule:
    """A kind of credential file: PATTERN over the path, plus what makes a cheap first test for
    it (most paths are no candidate): the file NAMES the pattern can end in, PREFIXES of such
    names, or FOLDERS it can sit anywhere under (tests/analyze/test_secretrules.py keeps each
    rule's samples passing both)."""

    kind: str
    pattern: re.Pattern[str]
    names: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    folders: tuple[str, ...] = ()


def _rule(kind: str, pattern: str, names: str = "", **more: tuple[str, ...]) -> FileRule:
    return FileRule(kind, re.compile(pattern), frozenset(names.split()), **more)


RULES = (
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
#: The cheap first test of every rule at once: (names, name prefixes, folders).
FILE_RULES = (
    frozenset(name for rule in RULES for name in rule.names),
    tuple(prefix for rule in RULES for prefix in rule.prefixes),
    tuple(folder for rule in RULES for folder in rule.folders),
)


def file_kind(path: str) -> str | None:
    """The kind of credential file at PATH (no leading slash), judged by its path alone."""
    names, prefixes, folders = FILE_RULES
    name = path.rpartition("/")[2]
    if name in names or name.startswith(prefixes) or any(f in path for f in folders):
        return next((rule.kind for rule in RULES if rule.pattern.search(path)), None)
    return None


#: Files whose first bytes are read to see whether they hold a private key.
KEY_FILES = ContentNeed(
    re.compile(r".*\.(pem|key|p8)$|(^|.*/)id_(rsa|dsa|ecdsa|ed25519)$"),
    64 << 10,
    (".pem", ".key", ".p8", "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"),
)
#: A private key block: its BEGIN line (kept when redacting) and its body, to the END line or
#: the end of the text (a command may print a key in pieces).
PRIVATE_KEY = re.compile(
    r"(-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----)(?:.*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----"
    r"|.*)",
    re.DOTALL,
)
#: Tokens recognisable by their format alone.
TOKENS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        ("github-token", r"\b(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,251})"),
        ("gitlab-token", r"\bglpat-[A-Za-z0-9_-]{20,}"),
        ("aws-access-key", r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"),
        ("slack-token", r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
        ("pypi-token", r"\bpypi-AgE[A-Za-z0-9_-]{50,}"),
        ("npm-token", r"\bnpm_[A-Za-z0-9]{36}\b"),
        ("google-api-key", r"\bAIza[0-9A-Za-z_-]{35}\b"),
        ("stripe-key", r"\b[rs]k_live_[0-9A-Za-z]{16,}"),
    )
)
