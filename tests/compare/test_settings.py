from __future__ import annotations

from pathlib import Path

import pytest

from slimstage import cli
from slimstage.compare.settings import Settings, env_file, load
from slimstage.compare.smokespec import POSTGRES, Request, Sidecar
from slimstage.errors import UsageError
from slimstage.options import CompareOptions

DEMO_LIKE = """
[compare]
port = 5000
with = ["postgres", "cache"]
env = { DATABASE_URL = "postgresql://postgres@postgres:5432/postgres" }
env-file = "app.env"
smoke-timeout = 90
strict = true

[[compare.smoke]]
path = "/readyz"
expect-status = 200
expect-body = '"database": ?"postgresql"'

[[compare.smoke]]
method = "post"
path = "/api/messages"
json = { text = "through PostgreSQL" }
expect-status = 201

[compare.sidecars.cache]
image = "redis:7"
env = { MODE = "test" }
ready = ["redis-cli", "ping"]
ready-timeout = 5
"""


def _load(tmp_path: Path, text: str, argv: tuple[str, ...] = ()) -> Settings:
    config = tmp_path / "settings.toml"
    config.write_text(text)
    _, options = cli.parse(["compare", "--config", str(config), *argv])
    assert isinstance(options, CompareOptions)
    return load(options)


def test_everything_from_the_file(tmp_path: Path) -> None:
    (tmp_path / "app.env").write_text("# comment\nLOG_LEVEL=debug\n\nDATABASE_URL=overridden\n")
    settings = _load(tmp_path, DEMO_LIKE)
    spec = settings.smoke
    assert settings.strict is True
    assert settings.source == str(tmp_path / "settings.toml")
    assert spec.port == "5000/tcp"
    assert spec.timeout == 90.0
    # env-file is read relative to the settings file, and the env table wins over it.
    assert dict(spec.env) == {
        "LOG_LEVEL": "debug",
        "DATABASE_URL": "postgresql://postgres@postgres:5432/postgres",
    }
    assert spec.requests == (
        Request("/readyz", expect_status=200, expect_body='"database": ?"postgresql"'),
        Request(
            "/api/messages",
            method="POST",
            body='{"text": "through PostgreSQL"}',
            headers=(("Content-Type", "application/json"),),
            expect_status=201,
        ),
    )
    postgres, cache = spec.sidecars
    assert (postgres.name, postgres.builtin) == (POSTGRES, POSTGRES)
    assert postgres.ready[0] == "pg_isready"
    assert cache == Sidecar("cache", "redis:7", (("MODE", "test"),), ("redis-cli", "ping"), 5.0)


def test_flags_win_over_the_file(tmp_path: Path) -> None:
    (tmp_path / "app.env").write_text("")
    flag_env = tmp_path / "flags.env"
    flag_env.write_text("DATABASE_URL=from-env-file\nOTHER=1\n")
    settings = _load(
        tmp_path,
        DEMO_LIKE,
        (
            *("--smoke-path", "/healthz", "--expect-status", "204", "--port", "8000/tcp"),
            *("--env-file", str(flag_env), "--env", "OTHER=2", "--with", "postgres"),
            *("--smoke-timeout", "5"),
        ),
    )
    spec = settings.smoke
    # A request given by flags replaces the file's sequence.
    assert spec.requests == (Request("/healthz", expect_status=204),)
    assert spec.port == "8000/tcp"
    assert spec.timeout == 5.0
    assert dict(spec.env)["DATABASE_URL"] == "from-env-file"
    assert dict(spec.env)["OTHER"] == "2"
    assert [s.name for s in spec.sidecars] == [POSTGRES]


def test_no_file_gives_the_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load(CompareOptions())
    assert settings.source is None
    assert settings.strict is False
    assert settings.smoke.requests == (Request("/"),)
    assert settings.smoke.port is None
    assert settings.smoke.sidecars == ()


def test_the_current_folders_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".slimstage.toml").write_text(
        'ignore = ["SS101"]\n[compare]\nsmoke-path = "/ping"\nexpect-body = "pong"\n'
    )
    monkeypatch.chdir(tmp_path)
    assert load(CompareOptions()).smoke.requests == (Request("/ping", expect_body="pong"),)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[compare]\nsmoke-timeot = 5\n", "unknown [compare] setting(s): smoke-timeot"),
        ("[compare]\nport = 'http'\n", "port: expected a TCP port"),
        ("[compare]\nsmoke-timeout = 'soon'\n", "smoke-timeout: expected"),
        ("[compare]\nsmoke-timeout = 0\n", "smoke-timeout: must be more than 0"),
        ("[compare]\nstrict = 1\n", "strict: expected bool"),
        ("[compare]\nexpect-status = true\n", "expect-status: expected int"),
        ("[compare]\nexpect-body = '('\n", "expect-body: not a regular expression"),
        ("[compare]\nsmoke = []\n", "smoke: must be one or more"),
        ("[[compare.smoke]]\npath = 'x'\n", "path: must start with '/'"),
        ("[[compare.smoke]]\nverb = 'GET'\n", "verb: unknown request setting"),
        ("[compare]\nwith = ['redis']\n", "--with redis: no such sidecar"),
        ("[compare]\nwith = ['c']\n[compare.sidecars.c]\nenv = {}\n", "a sidecar needs an image"),
        ("[compare]\nwith = ['c']\n[compare.sidecars.c]\nimage='x'\nready='ok'\n", "ready: "),
        ("[compare]\nenv-file = 'missing.env'\n", "env file"),
        ("compare = 1\n", "[compare] must be a table"),
        ("[compare\n", "cannot read settings"),
    ],
)
def test_bad_settings_are_usage_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(UsageError) as info:
        _load(tmp_path, text)
    assert message in str(info.value)
    assert str(tmp_path) in str(info.value) or "--with" in str(info.value)


def test_a_missing_explicit_settings_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        load(CompareOptions(config=tmp_path / "nope.toml"))


def test_env_file_reads_like_docker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FROM_HOST", "host value")
    monkeypatch.delenv("NOT_SET", raising=False)
    path = tmp_path / "app.env"
    path.write_text("  # indented comment\nA=1\nB= spaced = kept \nFROM_HOST\nNOT_SET\nC=\n")
    assert env_file(path) == {"A": "1", "B": " spaced = kept ", "FROM_HOST": "host value", "C": ""}
    path.write_text("GOOD=1\nBAD KEY=2\n")
    with pytest.raises(UsageError, match=r"app.env:2: expected KEY=VALUE"):
        env_file(path)
