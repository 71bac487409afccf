from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from slimstage.analyze import gate
from slimstage.analyze.divecompat import DiveFigures
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


# The figures the boundary tests judge, written out: 1,000,000 bytes stored, 800,000 visible
# (efficiency 0.8, 200,000 wasted); dive counts 300,000 inefficient bytes of 1,000,000 (0.7), and
# 400,000 "user" bytes above the 600,000-byte first layer (300,000 / 400,000 = 0.75).
EDGE = replace(
    BASE,
    size_bytes=1_000_000,
    visible_bytes=800_000,
    wasted_bytes=200_000,
    efficiency=0.8,
    dive=DiveFigures(efficiency=0.7, inefficient_bytes=300_000, size_bytes=1_000_000),
    layers=[
        replace(BASE.layers[0], size_bytes=600_000),
        replace(BASE.layers[1], size_bytes=400_000),
    ],
    leftovers=[],
)


def test_every_limit_met_exactly_passes() -> None:
    exactly = gate.Rules(
        max_size=1_000_000,
        min_efficiency=0.8,
        max_wasted_bytes=200_000,
        dive_lowest_efficiency=0.7,
        dive_highest_wasted_bytes=300_000,
        dive_highest_user_wasted_percent=0.75,
    )
    assert gate.check(EDGE, exactly) == []


def test_one_over_every_limit_fails_each_rule() -> None:
    just_over = gate.Rules(
        max_size=999_999,
        min_efficiency=0.8001,
        max_wasted_bytes=199_999,
        dive_lowest_efficiency=0.7001,
        dive_highest_wasted_bytes=299_999,
        dive_highest_user_wasted_percent=0.7499,
    )
    assert gate.check(EDGE, just_over) == [
        "max-size: 1000000 bytes > 999999 (over by 1)",
        "min-efficiency: 0.8000 < 0.8001 (short by 0.0001)",
        "max-wasted-bytes: 200000 bytes > 199999 (over by 1)",
        "lowestEfficiency (dive): 0.7000 < 0.7001 (short by 0.0001)",
        "highestWastedBytes (dive): 300000 bytes > 299999 (over by 1)",
        "highestUserWastedPercent (dive): 0.7500 > 0.7499 (over by 0.0001)",
    ]


@pytest.mark.parametrize(
    ("line", "passes"),
    [
        ("highestWastedBytes: 300000", True),
        ("highestWastedBytes: 299999", False),
        ("highestWastedBytes: 300kB", True),  # dive's units are SI: 300 kB is 300,000 bytes
        ("highestWastedBytes: 299kB", False),
        ("lowestEfficiency: 0.7", True),
        ("lowestEfficiency: 0.71", False),
        ("highestUserWastedPercent: 0.75", True),
        ("highestUserWastedPercent: 0.74", False),
    ],
)
def test_dive_ci_limits_read_from_the_file_meet_the_figures_at_the_boundary(
    tmp_path: Path, line: str, passes: bool
) -> None:
    path = tmp_path / ".dive-ci"
    path.write_text(f"rules:\n  {line}\n")
    failures = gate.check(EDGE, gate.from_dive_ci(path, gate.Rules()))
    assert (failures == []) is passes, failures


def test_a_one_layer_image_passes_the_user_wasted_percent_rule() -> None:
    # dive's user bytes are those above the first layer: a one-layer image has none, and no
    # path is in two layers, so nothing is inefficient (dive's 0/0 is not over any limit).
    single = replace(
        EDGE, layers=EDGE.layers[:1], dive=DiveFigures(1.0, inefficient_bytes=0, size_bytes=600_000)
    )
    assert gate.check(single, gate.Rules(dive_highest_user_wasted_percent=0.0)) == []


def test_toml_limits_meet_the_figures_at_the_boundary(tmp_path: Path) -> None:
    path = tmp_path / ".slimstage.toml"
    path.write_text('[gate]\nmax-size = "1MB"\nmin-efficiency = 0.8\nmax-wasted-bytes = 200000\n')
    assert gate.check(EDGE, gate.from_toml(path, gate.Rules())) == []
    path.write_text(
        '[gate]\nmax-size = "999999"\nmin-efficiency = 0.81\nmax-wasted-bytes = "199999"\n'
    )
    assert [f.split(":")[0] for f in gate.check(EDGE, gate.from_toml(path, gate.Rules()))] == [
        "max-size",
        "min-efficiency",
        "max-wasted-bytes",
    ]


def test_a_fraction_may_be_zero_or_one_and_nothing_outside() -> None:
    assert gate.fraction(0, "min-efficiency") == 0.0
    assert gate.fraction("1", "min-efficiency") == 1.0
    for outside in (-0.01, 1.01, 2):
        with pytest.raises(UsageError, match=r"^min-efficiency: expected a number from 0 to 1"):
            gate.fraction(outside, "min-efficiency")


def test_a_bad_value_is_reported_against_its_setting(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"^size: not a size"):
        gate.parse_size("lots")
    path = tmp_path / ".slimstage.toml"
    for key in ("max-size", "max-wasted-bytes"):
        path.write_text(f'[gate]\n{key} = "lots"\n')
        with pytest.raises(UsageError, match=rf"^{key}: not a size"):
            gate.from_toml(path, gate.Rules())
    path.write_text("[gate]\nmin-efficiency = 1.5\n")
    with pytest.raises(UsageError, match=r"^min-efficiency: expected a number"):
        gate.from_toml(path, gate.Rules())
    path.write_text("[gate]\nmax-sise = 1\nmin-eff = 1\n")
    with pytest.raises(UsageError, match=r"unknown gate setting\(s\): max-sise, min-eff$"):
        gate.from_toml(path, gate.Rules())
    path.write_text('[gate]\nforbid-leftovers = "compilers"\n')
    with pytest.raises(UsageError, match=r"^forbid-leftovers: expected a list of categories$"):
        gate.from_toml(path, gate.Rules())
    with pytest.raises(UsageError, match=r"\(known: bytecode, compilers, docs, "):
        gate.categories(["nonsense"])
    assert gate.categories(["compilers", "headers"]) == {"compilers", "headers"}


def test_pyproject_toml_keeps_the_gate_under_tool_slimstage(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[tool.slimstage.gate]\nmax-size = "1kB"\nallow-secrets = true\n')
    rules = gate.from_toml(path, gate.Rules())
    assert (rules.max_size, rules.allow_secrets) == (1000, True)
    # any other file name reads [gate] at the top
    other = tmp_path / "gate.toml"
    other.write_text('[gate]\nallow-secrets = true\n[tool.slimstage.gate]\nmax-size = "1kB"\n')
    assert gate.from_toml(other, gate.Rules()) == gate.Rules(allow_secrets=True)


def test_dive_ci_values_comments_quotes_and_disabled_rules(tmp_path: Path) -> None:
    path = tmp_path / ".dive-ci"
    path.write_text(
        "rules:\n"
        "  lowestEfficiency: disabled\n"
        "  highestWastedBytes: '20MB'  # a comment # with a hash\n"
        '  highestUserWastedPercent: "0.5"\n'
    )
    rules = gate.from_dive_ci(path, gate.Rules())
    assert rules == gate.Rules(
        dive_highest_wasted_bytes=20_000_000, dive_highest_user_wasted_percent=0.5
    )
    path.write_text("rules:\n  highestWastedBytes: 20:MB\n")
    with pytest.raises(UsageError, match=r"^highestWastedBytes: not a size"):
        gate.from_dive_ci(path, gate.Rules())


def test_the_secrets_message_names_five_at_most_with_where_they_are() -> None:
    found = [Secret("dotenv", "file", i, f"/app/{i}.env", False) for i in range(6)]
    found[0] = Secret("aws-key", "env", None, "AWS_SECRET_ACCESS_KEY", False)
    [failure] = gate.check(replace(EDGE, secrets=found), gate.Rules())
    assert failure == (
        "secrets: 6 found: AWS_SECRET_ACCESS_KEY (env), /app/1.env (layer 1), "
        "/app/2.env (layer 2), /app/3.env (layer 3), /app/4.env (layer 4)"
    )


def test_an_image_without_layers_has_no_user_bytes() -> None:
    empty = replace(EDGE, layers=[], dive=DiveFigures(1.0, 0, 0))
    assert gate.check(empty, gate.Rules(dive_highest_user_wasted_percent=0.0)) == []


def test_a_pyproject_without_slimstage_settings_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "app"\n[tool.ruff]\nline-length = 100\n')
    base = gate.Rules(max_size=5)
    assert gate.from_toml(path, base) == base


def test_settings_files_up_to_one_mib_of_utf8_text(tmp_path: Path) -> None:
    path = tmp_path / ".dive-ci"
    line = "rules:\n  lowestEfficiency: 0.9\n"
    path.write_text(line + "#" * ((1 << 20) - len(line) - 1) + "\n")
    assert path.stat().st_size == 1 << 20
    assert gate.from_dive_ci(path, gate.Rules()).dive_lowest_efficiency == 0.9
    path.write_text(line + "#" * ((1 << 20) - len(line)) + "\n")
    with pytest.raises(UsageError, match=r"larger than a settings file can be \(1 MiB\)$"):
        gate.from_dive_ci(path, gate.Rules())
    path.write_bytes(b"rules:\n\0\n")
    with pytest.raises(UsageError, match=r"\.dive-ci: not a text file$"):
        gate.from_dive_ci(path, gate.Rules())
    path.write_bytes(b"rules:\n  # caf\xe9\n")
    with pytest.raises(UsageError, match=r"\.dive-ci: not a UTF-8 text file$"):
        gate.from_dive_ci(path, gate.Rules())


def test_a_comment_after_a_value_and_a_second_hash(tmp_path: Path) -> None:
    path = tmp_path / ".dive-ci"
    path.write_text("rules:\n  highestWastedBytes: '2MB' # was # 1MB\n")
    assert gate.from_dive_ci(path, gate.Rules()).dive_highest_wasted_bytes == 2_000_000


def test_a_gate_file_that_cannot_be_read_says_why_in_words(tmp_path: Path) -> None:
    too_long = tmp_path / ("x" * 300)
    with pytest.raises(UsageError) as caught:
        gate.from_dive_ci(too_long, gate.Rules())
    assert str(caught.value) == f"{too_long}: cannot read: File name too long"


def test_a_line_that_cannot_be_read_is_shown_cut_to_60_characters(tmp_path: Path) -> None:
    config = tmp_path / ".dive-ci"
    line = "x" * 59 + "yz"
    config.write_text(f"rules:\n  {line}\n")
    with pytest.raises(UsageError) as caught:
        gate.from_dive_ci(config, gate.Rules())
    assert str(caught.value) == f"{config}: cannot read line {'  ' + 'x' * 58!r}"
