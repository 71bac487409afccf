"""`slimstage doctor`: is this machine ready to build and measure images?"""

from __future__ import annotations

from dataclasses import dataclass

from slimstage import bases
from slimstage.engine import Engine, find_build_path
from slimstage.errors import BaseImageMissing, EngineUnavailable, SlimstageError


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def run_checks(release: str) -> list[Check]:
    checks: list[Check] = []
    try:
        build_path = find_build_path()
    except SlimstageError as exc:
        return [Check("buildkit", False, exc.message, exc.fix or "")]
    checks.append(Check("buildkit", True, build_path.describe()))
    engine = Engine(build_path)
    try:
        info = engine.server_info(timeout=10)
    except SlimstageError as exc:
        checks.append(Check("engine", False, exc.message, exc.fix or ""))
        return checks
    checks.append(
        Check(
            "engine",
            True,
            f"Docker {info.version}, storage driver {info.storage_driver}, {info.os}, "
            f"{info.architecture}",
        )
    )
    for row in bases.status(engine, bases.release_named(release)):
        if not row.present:
            checks.append(
                Check(
                    f"base {row.tag}",
                    False,
                    "missing",
                    f"slimstage base build --release {release}"
                    + ("" if row.kind == "python-runtime" else f" (or docker pull {row.tag})"),
                )
            )
        else:
            origin = f"stand-in, {row.built_from}" if row.stand_in else "official"
            checks.append(Check(f"base {row.tag}", True, origin))
    return checks


def doctor(*, release: str) -> int:
    checks = run_checks(release)
    for check in checks:
        mark = "ok  " if check.ok else "FAIL"
        line = f"{mark} {check.name}: {check.detail}"
        if not check.ok and check.fix:
            line += f" -> fix: {check.fix}"
        print(line)
    failed = {check.name for check in checks if not check.ok}
    if failed & {"buildkit", "engine"}:
        return EngineUnavailable.exit_code
    return BaseImageMissing.exit_code if failed else 0
