"""`slimstage base build|list` as a user runs them."""

from __future__ import annotations

import pytest

from slimstage.engine import Engine
from tests.conftest import run_cli


@pytest.mark.engine
def test_list_shows_every_base_of_the_release_and_exits_0_when_all_are_there(
    engine: Engine,
) -> None:
    result = run_cli("base", "list")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["image", "kind", "state"]
    rows = {line.split()[0]: line for line in lines[2:]}
    assert set(rows) == {"debian:trixie-slim", "python:3.13-slim", "slimstage/python:3.13-runtime"}
    assert all("stand-in (" in row for row in rows.values())


@pytest.mark.engine
def test_build_reuses_the_stand_ins_present(engine: Engine) -> None:
    result = run_cli("base", "build")
    assert result.returncode == 0, result.stderr
    assert "python:3.13-slim is present (stand-in); reusing it" in result.stderr
    assert "python:3.13-slim" in result.stdout


def test_an_unreadable_ca_bundle_is_exit_2() -> None:
    result = run_cli("base", "build", "--ca-bundle", "/no/such/ca.pem")
    assert result.returncode == 2
    assert result.stderr.strip() == "slimstage: error: --ca-bundle /no/such/ca.pem: no such file"
