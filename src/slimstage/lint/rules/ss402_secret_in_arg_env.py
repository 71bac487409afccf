"""SS402: a secret passed through ARG or ENV.

ENV values are stored in the image config; ARG values used by a RUN appear in `docker history`.
Either way anyone who can pull the image can read them, also from builder stages whose history is
exported with cache, and from ONBUILD triggers. Use `RUN --mount=type=secret`.

A name is taken for a secret when a part of it (split at `_`) says so: PASSWORD, PASSWD, PASS,
SECRET, TOKEN, CREDENTIALS, APIKEY, or the pairs API_KEY, ACCESS_KEY, PRIVATE_KEY, CLIENT_KEY,
SECRET_KEY, SIGNING_KEY, ENCRYPTION_KEY, MASTER_KEY, LICENSE_KEY. Names ending in _FILE, _PATH or
_DIR hold where a secret is, not the secret (POSTGRES_PASSWORD_FILE is the recommended way), and
user names, IDs and settings such as TOKENIZERS_PARALLELISM or GPG_KEY (a public key's
fingerprint in the python images) are not secrets.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from slimstage.dockerfile import Instruction
from slimstage.lint.rule import Context, Rule, Severity

WORDS = {"PASSWORD", "PASSWD", "PASS", "SECRET", "TOKEN", "CREDENTIAL", "CREDENTIALS", "APIKEY"}
KEYS = {"API", "ACCESS", "PRIVATE", "CLIENT", "SECRET", "SIGNING", "ENCRYPTION", "MASTER"}
KEYS |= {"LICENSE"}
LOCATIONS = {"FILE", "PATH", "DIR"}


def looks_secret(name: str) -> bool:
    parts = [p for p in name.upper().split("_") if p]
    if not parts or parts[-1] in LOCATIONS:
        return False
    if any(p in WORDS or p.endswith(("PASSWORD", "SECRET", "TOKEN")) for p in parts):
        return True
    return any(a in KEYS and b == "KEY" for a, b in itertools.pairwise(parts))


def _names(ins: Instruction) -> list[str]:
    if ins.cmd == "ARG":
        return [w.split("=", 1)[0] for w in ins.value]
    return [ins.value[i] for i in range(0, len(ins.value), 2)]


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    for ins in (*ctx.dockerfile.instructions, *ctx.triggers):
        if ins.cmd not in ("ARG", "ENV"):
            continue
        for name in _names(ins):
            if looks_secret(name):
                yield ins, f"{ins.cmd} {name} looks like a secret: use RUN --mount=type=secret"


RULE = Rule("SS402", Severity.ERROR, "Secret in ARG or ENV", check, hadolint=("DL3064",))
