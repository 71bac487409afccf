"""SS405: the final stage has no HEALTHCHECK.

Without one, `docker ps` and orchestrators that read it only know the process runs, not that the
service answers. (Kubernetes ignores HEALTHCHECK and uses probes; then ignore this rule.)
"""

from __future__ import annotations

from collections.abc import Iterator

from slimstage.dockerfile import Stage
from slimstage.lint.rule import Context, Rule, Severity


def check(ctx: Context) -> Iterator[tuple[Stage, str]]:
    if not any(ins.cmd == "HEALTHCHECK" for ins in ctx.final.instructions):
        yield ctx.final, "the final stage has no HEALTHCHECK"


RULE = Rule("SS405", Severity.INFO, "No HEALTHCHECK", check)
