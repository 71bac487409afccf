"""`slimstage base build|list`: the stand-in base images."""

from __future__ import annotations

from slimstage import proc
from slimstage.bases import build as bases_build
from slimstage.bases.catalog import BaseStatus, release_named, status
from slimstage.engine import Engine
from slimstage.options import BaseBuildOptions, BaseListOptions
from slimstage.tables import grid


def _print_status(rows: list[BaseStatus]) -> None:
    def state(row: BaseStatus) -> str:
        if not row.present:
            return "missing"
        if row.stand_in:
            return f"stand-in ({row.built_from})"
        return "official (no stand-in label)"

    for line in grid(("image", "kind", "state"), [(r.tag, r.kind, state(r)) for r in rows]):
        print(line)


def build(options: BaseBuildOptions) -> int:
    plan = bases_build.plan(options)
    engine = Engine.connect()
    if plan.ca_bundle is not None:
        proc.log(f"base: trusting the CA bundle {plan.ca_bundle} inside the images")
    _print_status(bases_build.build_all(engine, plan))
    return 0


def list_(options: BaseListOptions) -> int:
    release = release_named(options.release)
    rows = status(Engine.connect(), release)
    _print_status(rows)
    return 0 if all(row.present for row in rows) else 1
