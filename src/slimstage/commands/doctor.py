"""`slimstage doctor`: is this machine ready to build and measure images?"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from slimstage import proc
from slimstage.bases.build import default_ca_bundle
from slimstage.bases.catalog import BaseStatus, release_named, survey
from slimstage.bases.reach import CommandRunner, probe
from slimstage.bases.trust import BUILD, KEEP, ca_fingerprint, describe_ca, judge
from slimstage.buildpath import find_build_path
from slimstage.engine import Engine
from slimstage.errors import BaseImageMissing, EngineUnavailable, SlimstageError, UsageError
from slimstage.options import DoctorOptions

#: Exit code when only the network checks failed: a negative result, the report printed.
EXIT_UNREACHABLE = 1


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def build_command(release: str, ca_bundle: Path | None) -> str:
    """The `base build` that makes RELEASE's stand-ins as doctor wants them."""
    command = f"slimstage base build --release {release}"
    if ca_bundle is not None:
        command += f" --ca-bundle {shlex.quote(str(ca_bundle))}"
    return command


def base_checks(rows: list[BaseStatus], ca_bundle: Path | None) -> list[Check]:
    """One check per image of a release (Debian first): present, and a stand-in as
    `base build` would leave it (trusting CA_BUNDLE, built on the Debian image present)."""
    ca = ca_fingerprint(ca_bundle)
    fix = build_command(rows[0].release, ca_bundle)
    checks = []
    for row in rows:
        name = f"base {row.tag}"
        verdict = judge(row, ca=ca, base=None if row.kind == "debian-slim" else rows[0])
        if verdict.action == KEEP:
            checks.append(Check(name, True, "official (not a stand-in: it trusts its own CAs)"))
        elif not row.present:
            pull = "" if row.kind == "python-runtime" else f" (or docker pull {row.tag})"
            checks.append(Check(name, False, "missing", fix + pull))
        elif verdict.action == BUILD:
            checks.append(Check(name, False, f"stand-in, but {verdict.reason}", fix))
        else:
            detail = f"stand-in, {row.built_from}, trusting {describe_ca(row.ca)}"
            checks.append(Check(name, True, detail))
    return checks


def network_checks(
    engine: CommandRunner, rows: list[BaseStatus], ca_bundle: Path | None
) -> list[Check]:
    """Run the package-index probes in the release's python-slim stand-in, when present."""
    python_slim = next(row for row in rows if row.kind == "python-slim")
    if not (python_slim.present and python_slim.stand_in):
        return []
    ca_fix = build_command(python_slim.release, ca_bundle)
    if ca_bundle is None:
        ca_fix += " --ca-bundle FILE (FILE: the CA bundle of the proxy, e.g. the host's)"
    proc.log(f"doctor: reaching PyPI and the Debian mirror from {python_slim.tag}")
    return [
        Check(f"network {python_slim.tag}", reach.ok, f"{reach.probe}: {reach.detail}", reach.fix)
        for reach in probe(engine, python_slim.tag, ca_fix=ca_fix)
    ]


def run_checks(options: DoctorOptions) -> list[Check]:
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
    ca_bundle = options.ca_bundle or default_ca_bundle()
    releases = survey(engine, options.release)
    for rows in releases:
        checks += base_checks(rows, ca_bundle)
    if options.network:
        for rows in releases:
            checks += network_checks(engine, rows, ca_bundle)
    return checks


def exit_code(checks: list[Check]) -> int:
    failed = {check.name.split()[0] for check in checks if not check.ok}
    if failed & {"buildkit", "engine"}:
        return EngineUnavailable.exit_code
    if "base" in failed:
        return BaseImageMissing.exit_code
    return EXIT_UNREACHABLE if failed else 0


def run(options: DoctorOptions) -> int:
    if options.release is not None:
        release_named(options.release)  # an unknown release is a usage error, before any work
    if options.ca_bundle is not None and not options.ca_bundle.is_file():
        raise UsageError(f"--ca-bundle {options.ca_bundle}: no such file")
    checks = run_checks(options)
    for check in checks:
        mark = "ok  " if check.ok else "FAIL"
        line = f"{mark} {check.name}: {check.detail}"
        if not check.ok and check.fix:
            line += f" -> fix: {check.fix}"
        print(line)
    return exit_code(checks)
