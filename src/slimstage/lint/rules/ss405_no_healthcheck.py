"""SS405: the image has no HEALTHCHECK.

HEALTHCHECK is inherited: one in a stage the final stage is built FROM counts, and so does an
explicit `HEALTHCHECK NONE`. Without one, `docker ps` and orchestrators that read it only know
the process runs, not that the service answers. (Kubernetes ignores HEALTHCHECK and uses
probes; then ignore this rule.)
"""

from __future__ import annotations

from collections.abc import Iterator

from slimstage.dockerfile import Stage
from slimstage.lint.rule import Context, Rule, Severity


def check(ctx: Context) -> Iterator[tuple[Stage, str]]:
    if not any(ins.cmd == "HEALTHCHECK" for ins in ctx.image_instructions):
        yield ctx.final, "the image has no HEALTHCHECK"


RULE = Rule("SS405", Severity.INFO, "No HEALTHCHECK", check, hadolint=("DL3057",))
