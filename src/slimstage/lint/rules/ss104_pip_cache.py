"""SS104: `pip install` keeping its download cache in a layer of the image.

pip caches every wheel it downloads under ~/.cache/pip. In the final stage (and the stages it is
built FROM, and ONBUILD triggers) use `--no-cache-dir`, or set PIP_NO_CACHE_DIR: in an ENV or ARG
before the RUN, as `PIP_NO_CACHE_DIR=1 pip install ...`, or `export PIP_NO_CACHE_DIR=1 && ...`
in the RUN. pip turns the cache off for *any* valid value, `0`, `false`, `off` and `no`
included (it says so in its `--no-cache-dir` option handler, for backwards compatibility):
`PIP_NO_CACHE_DIR=false pip cache dir` answers "cache is disabled" with pip 23.2 and 25.1. Only
an empty value leaves the cache on. A BuildKit cache mount
(`RUN --mount=type=cache,target=/root/.cache/pip`) keeps the cache out of the layer and speeds
up the next build.
"""

from __future__ import annotations

from collections.abc import Iterator

from slimstage.dockerfile import Instruction
from slimstage.lint import shell
from slimstage.lint.mounts import SCRATCH_TYPES, kept_out, mounts
from slimstage.lint.rule import Context, Rule, Severity

DEFAULT_CACHE = "/root/.cache/pip"


def _cache_mounted(ins: Instruction, env: dict[str, str]) -> bool:
    if kept_out(ins, env.get("PIP_CACHE_DIR") or DEFAULT_CACHE):
        return True
    # Another user's home: /home/app/.cache/pip.
    return any(m.type in SCRATCH_TYPES and ".cache/pip" in m.target for m in mounts(ins))


def check(ctx: Context) -> Iterator[tuple[Instruction, str]]:
    for ins in ctx.shipped("RUN"):
        inherited = {
            name: value
            for name in ("PIP_NO_CACHE_DIR", "PIP_CACHE_DIR")
            if (value := ctx.variable(ins, name)) is not None
        }
        for words, env in shell.with_environment(ins):
            args = shell.pip_args(words)
            if args is None or "install" not in args or "--no-cache-dir" in args:
                continue
            env = inherited | env
            if env.get("PIP_NO_CACHE_DIR") or _cache_mounted(ins, env):
                continue
            yield ins, "pip keeps its download cache in the layer: add --no-cache-dir"
            break


RULE = Rule("SS104", Severity.WARNING, "pip cache kept in the layer", check, hadolint=("DL3042",))
