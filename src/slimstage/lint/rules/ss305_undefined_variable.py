"""SS305: a variable used in an instruction but defined nowhere.

`$NAME` outside RUN is expanded by the builder from ARG and ENV only; an undefined one becomes an
empty string silently (`COPY app $APPDIR/` copies to `/`). Variables the usual bases define
(PATH, HOME, LANG, PYTHON_VERSION, ...) and BuildKit's predefined build args are known.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from slimstage.dockerfile import Instruction
from slimstage.lint.rule import Context, Rule, Severity

PREDEFINED = {
    "PATH",
    "HOME",
    "HOSTNAME",
    "LANG",
    "PYTHON_VERSION",
    "PYTHON_SHA256",
    "GPG_KEY",
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "FTP_PROXY",
    "NO_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "ftp_proxy",
    "no_proxy",
    "all_proxy",
    "BUILDKIT_INLINE_CACHE",
    "SOURCE_DATE_EPOCH",
}
EXPANDED = {
    "ADD",
    "COPY",
    "ENV",
    "EXPOSE",
    "FROM",
    "LABEL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
    "ONBUILD",
}
REFERENCE = re.compile(r"(?<!\\)\$(?:\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}|([A-Za-z_][A-Za-z0-9_]*))")


def _defined(ins: Instruction) -> set[str]:
    if ins.cmd == "ARG":
        return {word.split("=", 1)[0] for word in ins.value}
    if ins.cmd == "ENV":
        words = ins.value
        return {words[i] for i in range(0, len(words), 2)}
    return set()


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    defined = set(PREDEFINED)
    for ins in ctx.dockerfile.instructions:
        defined |= _defined(ins)
    for ins in ctx.dockerfile.instructions:
        if ins.cmd not in EXPANDED:
            continue
        text = " ".join(ins.value + ins.flags)
        for match in REFERENCE.finditer(text):
            name = match.group(1) or match.group(2)
            if name not in defined:
                yield ins, f"${name} is not defined by any ARG or ENV"


RULE = Rule("SS305", Severity.WARNING, "Undefined variable", check)
