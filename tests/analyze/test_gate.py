from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from slimstage.analyze import gate
from slimstage.analyze.leftovers import Leftover
from slimstage.analyze.secrets import Secret
from slimstage.errors import UsageError
from tests.analyze.sample import analysis

BASE = analysis(leftovers=[Leftover("compilers", 5000, 2, ("/usr/bin/gcc",))])


def test_parse_size() -> None:
    assert gate.parse_size("150MB") == 150_000_000
    assert gate.parse_size("1.5GiB") == int(1.5 * 1024**3)
    assert gate.parse_size("1024") == 1024
    with pytest.raises(UsageError, match="not a size"):
        gate.parse_size("lots")


def test_each_rule_says_by_how_much() -> None:
    rules = gate.Rules(
        max_size=900_000,
        min_efficiency=0.9,
        max_wasted_bytes=100_000,
        forbid_leftovers=frozenset({"compilers"}),
    )
    failures = gate.check(BASE, rules)
    assert failures[0] == "max-size: 1000000 bytes > 900000 (over by 100000)"
    assert failures[1] == "min-efficiency: 0.8000 < 0.9000 (short by 0.1000)"
    assert failures[2] == "max-wasted-bytes: 200000 bytes > 100000 (over by 100000)"
    assert failures[3].startswith("forbid-leftovers: compilers present (5000 bytes")
    assert gate.check(BASE, gate.Rules()) == []


def test_secrets_fail_by_default() -> None:
    leaked = replace(BASE, secrets=[Secret("dotenv", "file", 2, "/app/.env", False)])
    assert gate.check(leaked, gate.Rules()) == ["secrets: 1 found: /app/.env (layer 2)"]
    assert gate.check(leaked, gate.Rules(allow_secrets=True)) == []


def test_dive_ci_rules(tmp_path: Path) -> None:
    path = tmp_path / ".dive-ci"
    path.write_text(
        "rules:\n  lowestEfficiency: 0.95  # comment\n  highestWastedBytes: 20MB\n"
        "  highestUserWastedPercent: disabled\n"
    )
    rules = gate.from_dive_ci(path, gate.Rules())
    assert rules.dive_lowest_efficiency == 0.95
    assert rules.dive_highest_wasted_bytes == 20_000_000
    assert rules.dive_highest_user_wasted_percent is None
    assert gate.check(BASE, rules) == ["lowestEfficiency (dive): 0.7000 < 0.9500 (short by 0.2500)"]
    path.write_text("rules:\n  highestUserWastedPercent: 0.5\n")
    # dive: inefficient bytes over the bytes of every layer but the first (300000 / 400000)
    assert gate.check(BASE, gate.from_dive_ci(path, gate.Rules())) == [
        "highestUserWastedPercent (dive): 0.7500 > 0.5000 (over by 0.2500)"
    ]


def test_toml_gate_settings(tmp_path: Path) -> None:
    path = tmp_path / ".slimstage.toml"
    path.write_text('[gate]\nmax-size = "500kB"\nforbid-leftovers = ["headers"]\n')
    rules = gate.from_toml(path, gate.Rules())
    assert rules.max_size == 500_000
    assert rules.forbid_leftovers == {"headers"}
    path.write_text('[gate]\nforbid-leftovers = ["nonsense"]\n')
    with pytest.raises(UsageError, match="unknown leftover category"):
        gate.from_toml(path, gate.Rules())
    path.write_text("[gate]\nmax-sise = 1\n")
    with pytest.raises(UsageError, match="unknown gate setting"):
        gate.from_toml(path, gate.Rules())
