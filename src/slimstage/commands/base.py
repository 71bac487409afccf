"""`slimstage base build|list`: the stand-in base images."""

from __future__ import annotations

from slimstage.bases import build as bases_build
from slimstage.bases.catalog import BaseStatus, survey
from slimstage.bases.trust import NO_CA
from slimstage.engine import Engine
from slimstage.options import BaseBuildOptions, BaseListOptions
from slimstage.tables import grid


def _extra_ca(row: BaseStatus) -> str:
    if not (row.present and row.stand_in):
        return "-"
    if not row.ca:
        return "not recorded"
    return "none" if row.ca == NO_CA else row.ca[:19]


def _state(row: BaseStatus) -> str:
    if not row.present:
        return "missing"
    if row.stand_in:
        return f"stand-in ({row.built_from})"
    return "official (no stand-in label)"


def status_lines(rows: list[BaseStatus]) -> list[str]:
    """The table `base build` and `base list` print: each image, its extra CA and its state."""
    return grid(
        ("image", "kind", "extra-ca", "state"),
        [(r.tag, r.kind, _extra_ca(r), _state(r)) for r in rows],
    )


def build(options: BaseBuildOptions) -> int:
    plan = bases_build.plan(options)
    rows = bases_build.build_all(Engine.connect(), plan)
    print(*status_lines(rows), sep="\n")
    return 0


def list_(options: BaseListOptions) -> int:
    rows = [row for release in survey(Engine.connect(), options.release) for row in release]
    print(*status_lines(rows), sep="\n")
    return 0 if all(row.present for row in rows) else 1
