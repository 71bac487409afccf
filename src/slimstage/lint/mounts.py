"""BuildKit's `RUN --mount=...` flags, read for the rules that care where a RUN writes."""

from __future__ import annotations

from dataclasses import dataclass

from slimstage.dockerfile import Instruction

# Mounts whose contents never reach the layer.
SCRATCH_TYPES = ("cache", "tmpfs")


@dataclass(frozen=True)
class Mount:
    type: str
    target: str


def mounts(ins: Instruction) -> list[Mount]:
    """The --mount flags of a RUN; BuildKit's default type is bind."""
    out = []
    for flag in ins.flags:
        if not flag.startswith("--mount="):
            continue
        fields = dict(
            part.partition("=")[::2] for part in flag[len("--mount=") :].split(",") if part
        )
        target = fields.get("target") or fields.get("dst") or fields.get("destination") or ""
        out.append(Mount(fields.get("type", "bind"), target.rstrip("/") or "/"))
    return out


def kept_out(ins: Instruction, path: str) -> bool:
    """Whether what the RUN writes under PATH goes to a cache or tmpfs mount, not the layer."""
    path = path.rstrip("/")
    return any(
        m.type in SCRATCH_TYPES
        and (path == m.target or path.startswith(m.target.rstrip("/") + "/"))
        for m in mounts(ins)
    )
