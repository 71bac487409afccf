"""`slimstage base build|list`: the stand-in base images."""

from __future__ import annotations

from pathlib import Path

from slimstage import bases, proc
from slimstage.engine import Engine


def _print_status(rows: list[bases.BaseStatus]) -> None:
    for row in rows:
        if not row.present:
            state = "missing"
        elif row.stand_in:
            state = f"stand-in ({row.built_from})"
        else:
            state = "official (no stand-in label)"
        print(f"{row.tag:<36} {row.kind:<15} {state}")


def build(*, release: str, mirror: str, ca_bundle: Path | None, rebuild: bool) -> int:
    rel = bases.release_named(release)
    engine = Engine.connect()
    if ca_bundle is None:
        ca_bundle = bases.default_ca_bundle()
    if ca_bundle is not None:
        proc.log(f"base: trusting the CA bundle {ca_bundle} inside the images")
    options = bases.BuildOptions(release=rel, mirror=mirror, ca_bundle=ca_bundle, rebuild=rebuild)
    _print_status(bases.build_all(engine, options))
    return 0


def list_(*, release: str) -> int:
    rel = bases.release_named(release)
    engine = Engine.connect()
    rows = bases.status(engine, rel)
    _print_status(rows)
    return 0 if all(row.present for row in rows) else 1
