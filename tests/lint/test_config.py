from __future__ import annotations

from pathlib import Path

import pytest

from slimstage.errors import UsageError
from slimstage.lint.config import load
from slimstage.lint.rule import Severity


def test_defaults_without_files(tmp_path: Path) -> None:
    config = load(None, tmp_path)
    assert config.ignore == frozenset()
    assert config.failure_threshold is Severity.INFO


def test_slimstage_toml(tmp_path: Path) -> None:
    (tmp_path / ".slimstage.toml").write_text(
        '[lint]\nignore = ["ss405", "DL3015"]\nfailure-threshold = "warning"\n'
    )
    config = load(None, tmp_path)
    assert config.ignore == {"SS405", "DL3015"}
    assert config.failure_threshold is Severity.WARNING


def test_pyproject_tool_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.slimstage]\nignore = ["SS401"]\n')
    assert load(None, tmp_path).ignore == {"SS401"}
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert load(None, tmp_path).ignore == frozenset()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("ignore = 'SS101'\n", "must be a list"),
        ("colour = true\n", "unknown lint setting"),
        ("failure-threshold = 'loud'\n", "unknown severity"),
        ("ignore = [\n", "cannot read config"),
    ],
)
def test_bad_config_is_a_usage_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "conf.toml"
    path.write_text(content)
    with pytest.raises(UsageError, match=message):
        load(path, tmp_path)


def test_explicit_missing_config(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        load(tmp_path / "missing.toml", tmp_path)


def test_other_commands_tables_are_left_to_them(tmp_path: Path) -> None:
    (tmp_path / ".slimstage.toml").write_text('ignore = ["SS405"]\n[gate]\nmax-size = "200MB"\n')
    assert load(None, tmp_path).ignore == {"SS405"}
    (tmp_path / ".slimstage.toml").write_text('[gate]\nmax-size = "200MB"\n')
    assert load(None, tmp_path).ignore == frozenset()


def test_shellcheck_can_be_turned_off(tmp_path: Path) -> None:
    assert load(None, tmp_path).shellcheck is True
    (tmp_path / ".slimstage.toml").write_text('ignore = ["SC2086"]\nshellcheck = false\n')
    config = load(None, tmp_path)
    assert config.shellcheck is False
    assert config.ignore == {"SC2086"}
    (tmp_path / ".slimstage.toml").write_text('shellcheck = "no"\n')
    with pytest.raises(UsageError, match="'shellcheck' must be true or false"):
        load(None, tmp_path)


def test_a_file_that_leaves_a_setting_out_gets_its_default(tmp_path: Path) -> None:
    path = tmp_path / ".slimstage.toml"
    path.write_text('ignore = ["SS405"]\n')
    config = load(None, tmp_path)
    assert (config.shellcheck, config.failure_threshold) == (True, Severity.INFO)
    assert config.source == str(path)  # named in messages about the settings


def test_every_unknown_setting_is_named(tmp_path: Path) -> None:
    path = tmp_path / "conf.toml"
    path.write_text("colour = true\nfancy = 1\n")
    with pytest.raises(UsageError, match=r"unknown lint setting\(s\): colour, fancy$"):
        load(path, tmp_path)
