"""`slimstage doctor`: the checks on constructed engine data, then as a user runs it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from slimstage import proc
from slimstage.bases.catalog import BaseStatus, survey
from slimstage.bases.trust import NO_CA, ca_fingerprint
from slimstage.commands import doctor
from slimstage.engine import Engine
from tests.bases.fakestandins import FakeStandIns
from tests.conftest import run_cli


def _ca(tmp_path: Path, name: str = "proxy ca.pem") -> Path:
    path = tmp_path / name
    path.write_text(f"-----BEGIN CERTIFICATE-----\n{name}\n")
    return path


def _rows(release: str, ca: str, *, debian_id: str = "sha256:d") -> list[BaseStatus]:
    py = {"trixie": "3.13", "bookworm": "3.11"}[release]
    tags = [f"debian:{release}-slim", f"python:{py}-slim", f"slimstage/python:{py}-runtime"]
    kinds = ["debian-slim", "python-slim", "python-runtime"]
    ids = ["sha256:d", "sha256:p", "sha256:r"]
    return [
        BaseStatus(tag, kind, release, True, True, "debootstrap", image_id, ca, on)
        for tag, kind, image_id, on in zip(
            tags, kinds, ids, ["", debian_id, debian_id], strict=True
        )
    ]


def test_stand_ins_trusting_the_ca_asked_for_pass(tmp_path: Path) -> None:
    ca = _ca(tmp_path)
    checks = doctor.base_checks(_rows("trixie", ca_fingerprint(ca)), ca)
    assert all(check.ok for check in checks)
    assert checks[1] == doctor.Check(
        "base python:3.13-slim",
        True,
        f"stand-in, debootstrap, trusting the CA bundle {ca_fingerprint(ca)[:19]}",
    )


def test_a_ca_mismatch_fails_with_the_exact_command_that_fixes_it(tmp_path: Path) -> None:
    # The report's case: bookworm stand-ins built without the CA the host trusts.
    ca = _ca(tmp_path)
    checks = doctor.base_checks(_rows("bookworm", NO_CA), ca)
    assert [check.ok for check in checks] == [False] * 3
    assert {check.fix for check in checks} == {
        f"slimstage base build --release bookworm --ca-bundle '{ca}'"
    }
    assert checks[1].detail == (
        "stand-in, but it trusts no extra CA, and the CA bundle "
        f"{ca_fingerprint(ca)[:19]} is asked for"
    )


def test_missing_official_and_stale_images(tmp_path: Path) -> None:
    rows = _rows("trixie", NO_CA, debian_id="sha256:earlier")
    rows[0] = BaseStatus("debian:trixie-slim", "debian-slim", "trixie", True, False, image_id="x")
    rows[2] = BaseStatus("slimstage/python:3.13-runtime", "python-runtime", "trixie", False)
    checks = doctor.base_checks(rows, None)
    assert checks[0] == doctor.Check(
        "base debian:trixie-slim", True, "official (not a stand-in: it trusts its own CAs)"
    )
    assert checks[1].detail == "stand-in, but it was built on an earlier debian:trixie-slim"
    assert checks[1].fix == "slimstage base build --release trixie"
    assert (checks[2].ok, checks[2].detail, checks[2].fix) == (
        False,
        "missing",
        "slimstage base build --release trixie",
    )


def test_exit_codes_rank_the_engine_then_the_bases_then_the_network() -> None:
    def code(*failed: str) -> int:
        return doctor.exit_code([doctor.Check(name, False, "") for name in failed])

    assert doctor.exit_code([doctor.Check("engine", True, "")]) == 0
    assert code("network python:3.13-slim") == 1
    assert code("network python:3.13-slim", "base python:3.13-slim") == 5
    assert code("engine", "base python:3.13-slim") == 4


def test_network_checks_report_an_untrusted_proxy_with_the_fix(tmp_path: Path) -> None:
    engine = FakeStandIns()
    untrusted = "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"
    engine.answers["python3"] = proc.Result(("docker",), 1, "", untrusted)
    engine.answers["apt-get"] = proc.Result(("docker",), 0, "Fetched 9 kB in 1s\n", "")
    ca = _ca(tmp_path)
    checks = doctor.network_checks(engine, _rows("trixie", NO_CA), ca)
    assert [(c.name, c.ok) for c in checks] == [
        ("network python:3.13-slim", False),
        ("network python:3.13-slim", True),
    ]
    assert checks[0].fix == f"slimstage base build --release trixie --ca-bundle '{ca}'"
    assert checks[1].detail == "apt-get update: the Debian mirror answered (Fetched 9 kB in 1s)"
    unknown = doctor.network_checks(engine, _rows("trixie", NO_CA), None)
    assert unknown[0].fix.startswith("slimstage base build --release trixie --ca-bundle FILE")


def test_network_checks_run_only_in_a_python_stand_in() -> None:
    engine = FakeStandIns()
    rows = _rows("trixie", NO_CA)
    rows[1] = BaseStatus("python:3.13-slim", "python-slim", "trixie", True, False)
    assert doctor.network_checks(engine, rows, None) == []
    assert engine.started == []


def test_an_unknown_release_or_ca_bundle_is_exit_2_before_any_work() -> None:
    result = run_cli("doctor", "--release", "sid")
    assert (result.returncode, result.stdout) == (2, "")
    assert "unknown Debian release 'sid'" in result.stderr
    result = run_cli("doctor", "--ca-bundle", "/no/such/ca.pem")
    assert result.returncode == 2
    assert result.stderr.strip() == "slimstage: error: --ca-bundle /no/such/ca.pem: no such file"


# -- as a user runs it, on the real engine ------------------------------------------------------


def _doctor(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli("doctor", *args, env=env)


@pytest.mark.engine
def test_doctor_passes_with_an_engine_and_every_release_present(engine: Engine) -> None:
    result = _doctor()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok   engine: Docker" in result.stdout
    assert "storage driver" in result.stdout
    assert "ok   buildkit:" in result.stdout
    for rows in survey(engine, None):
        for row in rows:
            assert f"ok   base {row.tag}: stand-in, " in result.stdout


@pytest.mark.engine
def test_doctor_names_the_fix_for_stand_ins_that_trust_another_ca(
    engine: Engine, tmp_path: Path
) -> None:
    other = _ca(tmp_path, "other-ca.pem")
    result = _doctor("--ca-bundle", str(other), "--release", "trixie")
    assert result.returncode == 5, result.stdout + result.stderr
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAIL")]
    assert len(failed) == 3
    fix = f"-> fix: slimstage base build --release trixie --ca-bundle {other}"
    assert all(line.endswith(fix) for line in failed), failed
    assert all(f"not the CA bundle {ca_fingerprint(other)[:19]} as asked" in x for x in failed)


@pytest.mark.engine
def test_doctor_network_reaches_pypi_and_debian_from_every_release(engine: Engine) -> None:
    result = _doctor("--network")
    assert result.returncode == 0, result.stdout + result.stderr
    for rows in survey(engine, None):
        python_slim = rows[1].tag
        assert f"ok   network {python_slim}: pip download six==1.16.0: " in result.stdout
        assert f"ok   network {python_slim}: apt-get update: the Debian mirror" in result.stdout


@pytest.mark.engine
def test_doctor_without_an_engine_fails_with_one_line_fix(engine: Engine, tmp_path: Path) -> None:
    env = dict(os.environ, DOCKER_HOST=f"unix://{tmp_path}/stopped.sock")
    result = _doctor(env=env)
    assert result.returncode == 4
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAIL")]
    assert len(failed) == 1
    assert "engine" in failed[0]
    assert "fix: start it with scripts/ensure-docker" in failed[0]
