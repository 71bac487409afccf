"""`slimstage doctor`: is this machine ready to build and measure images?"""

from __future__ import annotations

from dataclasses import dataclass

from slimstage.bases.catalog import release_named, status
from slimstage.buildpath import find_build_path
from slimstage.engine import Engine
from slimstage.errors import BaseImageMissing, EngineUnavailable, SlimstageError
from slimstage.options import DoctorOptions


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def run_checks(release_name: str | None) -> list[Check]:
    release = release_named(release_name)
    try:
        build_path = find_build_path()
    except SlimstageError as exc:
        return [Check("buildkit", False, exc.message, exc.fix or "")]
    checks = [Check("buildkit", True, build_path.describe())]
    engine = Engine(build_path)
    try:
        info = engine.server_info(timeout=10)
    except SlimstageError as exc:
        return [*checks, Check("engine", False, exc.message, exc.fix or "")]
    detail = (
        f"Docker {info.version}, storage driver {info.storage_driver}, {info.os}, "
        f"{info.architecture}"
    )
    checks.append(Check("engine", True, detail))
    for row in status(engine, release):
        if not row.present:
            fix = f"slimstage base build --release {release.codename}"
            if row.kind != "python-runtime":
                fix += f" (or docker pull {row.tag})"
            checks.append(Check(f"base {row.tag}", False, "missing", fix))
        else:
            origin = f"stand-in, {row.built_from}" if row.stand_in else "official"
            checks.append(Check(f"base {row.tag}", True, origin))
    return checks


def run(options: DoctorOptions) -> int:
    checks = run_checks(options.release)
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
