"""`slimstage base build|list` as a user runs them."""

from __future__ import annotations

import re

import pytest

from slimstage.bases.catalog import RELEASES, BaseStatus, status, survey
from slimstage.bases.trust import NO_CA
from slimstage.commands.base import status_lines
from slimstage.engine import Engine
from tests.conftest import run_cli


def test_the_table_shows_each_image_its_extra_ca_and_its_state() -> None:
    fingerprint = "sha256:" + "0f" * 32
    rows = [
        BaseStatus("debian:trixie-slim", "debian-slim", "trixie", True, True, "debootstrap x"),
        BaseStatus("python:3.13-slim", "python-slim", "trixie", True, True, "y", ca=fingerprint),
        BaseStatus("python:3.11-slim", "python-slim", "bookworm", True, True, "z", ca=NO_CA),
        BaseStatus("debian:bookworm-slim", "debian-slim", "bookworm", True, False),
        BaseStatus("slimstage/python:3.11-runtime", "python-runtime", "bookworm", False),
    ]
    lines = status_lines(rows)
    assert lines[0].split() == ["image", "kind", "extra-ca", "state"]
    cells = [re.split(r"\s{2,}", line)[2:] for line in lines[2:]]
    assert cells == [
        ["not recorded", "stand-in (debootstrap x)"],
        ["sha256:0f0f0f0f0f0f", "stand-in (y)"],
        ["none", "stand-in (z)"],
        ["-", "official (no stand-in label)"],
        ["-", "missing"],
    ]


@pytest.mark.engine
def test_list_shows_every_release_present_and_exits_0_when_all_are_there(engine: Engine) -> None:
    result = run_cli("base", "list")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["image", "kind", "extra-ca", "state"]
    shown = [line.split()[0] for line in lines[2:]]
    assert shown == [row.tag for rows in survey(engine, None) for row in rows]
    assert shown[:3] == ["debian:trixie-slim", "python:3.13-slim", "slimstage/python:3.13-runtime"]
    assert all("stand-in (" in line for line in lines[2:])
    if engine.inspect_image("python:3.11-slim") is not None:
        assert "python:3.11-slim" in shown


@pytest.mark.engine
def test_list_release_narrows_to_that_release(engine: Engine) -> None:
    result = run_cli("base", "list", "--release", "bookworm")
    rows = status(engine, RELEASES["bookworm"])
    assert result.returncode == (0 if all(row.present for row in rows) else 1), result.stderr
    assert [line.split()[0] for line in result.stdout.splitlines()[2:]] == [
        "debian:bookworm-slim",
        "python:3.11-slim",
        "slimstage/python:3.11-runtime",
    ]


@pytest.mark.engine
def test_build_reuses_the_stand_ins_present_and_claims_no_new_trust(engine: Engine) -> None:
    result = run_cli("base", "build")
    assert result.returncode == 0, result.stderr
    for tag in ("debian:trixie-slim", "python:3.13-slim", "slimstage/python:3.13-runtime"):
        assert f"base: {tag} is present (stand-in trusting " in result.stderr
    assert result.stderr.count("); reusing it\n") == 3
    assert "trusts" not in result.stderr
    assert "python:3.13-slim" in result.stdout


def test_an_unreadable_ca_bundle_is_exit_2() -> None:
    result = run_cli("base", "build", "--ca-bundle", "/no/such/ca.pem")
    assert result.returncode == 2
    assert result.stderr.strip() == "slimstage: error: --ca-bundle /no/such/ca.pem: no such file"
