"""Credentials in any layer and in the config: found by path and name, never by printing them."""

from __future__ import annotations

import pytest

from slimstage.analyze import secrets
from slimstage.analyze.secrets import Secret, file_kind, in_config, in_layers
from slimstage.image.layer import DIR, REG, Entry

#: For every rule, paths it must recognise: each passes the cheap first test and the pattern.
SAMPLES = {
    "ssh-private-key": ["root/.ssh/id_rsa", "home/a/.ssh/id_ed25519", "id_ecdsa"],
    "dotenv": ["app/.env", "app/.env.production", ".env.local"],
    "aws-credentials": ["root/.aws/credentials"],
    "gcloud-credentials": [
        "root/.config/gcloud/credentials.db",
        "root/.config/gcloud/application_default_credentials.json",
        "root/.config/gcloud/legacy_credentials/me@example.com/adc.json",
    ],
    "azure-credentials": ["root/.azure/accessTokens.json", "root/.azure/msal_token_cache.bin"],
    "kubeconfig": ["root/.kube/config"],
    "docker-config": ["root/.docker/config.json"],
    "netrc": ["root/.netrc", "Users/a/_netrc"],
    "pypirc": ["root/.pypirc"],
    "npmrc": ["home/node/.npmrc"],
    "git-credentials": ["root/.git-credentials"],
}


def test_every_rule_has_samples() -> None:
    assert set(SAMPLES) == {rule.kind for rule in secrets._RULES}


@pytest.mark.parametrize(("kind", "path"), [(k, p) for k, paths in SAMPLES.items() for p in paths])
def test_each_rule_finds_its_files(kind: str, path: str) -> None:
    assert file_kind(path) == kind


@pytest.mark.parametrize(
    "path",
    [
        "app/.env.example",
        "app/.env.sample",
        "app/config",
        "etc/config.json",
        "app/credentials.py",
        "usr/share/doc/netrc",
        "app/id_rsa.pub",
    ],
)
def test_look_alikes_are_not_secrets(path: str) -> None:
    assert file_kind(path) is None


def _file(path: str, content: bytes | None = None) -> Entry:
    return Entry(path, REG, len(content or b""), 0o600, 0, 0, "", 0, content, None, -1)


KEY = b"-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n"


def test_private_keys_by_content_in_pem_key_and_p8_files() -> None:
    entries = [
        _file("etc/ssl/private/server.key", KEY),
        _file("app/signing.p8", b"-----BEGIN PRIVATE KEY-----\n"),
        _file("app/cert.pem", b"-----BEGIN CERTIFICATE-----\n"),
        _file("app/notes.txt", KEY),  # not a key file name: contents are not read
        Entry("etc/ssl/private", DIR, 0, 0o700, 0, 0, "", None, None, None, -1),
    ]
    found = in_layers([(2, entries)], visible={"etc/ssl/private/server.key"})
    assert found == [
        Secret("private-key", "file", 2, "/etc/ssl/private/server.key", True),
        Secret("private-key", "file", 2, "/app/signing.p8", False),
    ]


def test_an_ssh_key_file_without_a_private_key_is_not_reported() -> None:
    found = in_layers([(0, [_file("root/.ssh/id_rsa", b"ssh-rsa AAAA public")])], visible=set())
    assert found == []
    found = in_layers([(0, [_file("root/.ssh/id_rsa", KEY)])], visible={"root/.ssh/id_rsa"})
    assert found == [Secret("ssh-private-key", "file", 0, "/root/.ssh/id_rsa", True)]


def test_the_key_file_need_covers_what_the_key_check_reads() -> None:
    for path in ("a/b.pem", "b.key", "c.p8", "root/.ssh/id_dsa"):
        assert secrets.KEY_FILES.wants(path), path
    assert not secrets.KEY_FILES.wants("a/b.pem.txt")


def test_config_secrets_by_name_never_by_value() -> None:
    env = {"API_TOKEN": "s3cr3t", "TOKEN_FILE": "/run/t", "DB_PASSWORD": "", "PATH": "/bin"}
    history = ["RUN |2 GITHUB_TOKEN=ghp_x PASS_PATH=/p /bin/sh -c make", "ENV SECRET_KEY=''"]
    found = in_config(env, history)
    assert found == [
        Secret("env", "env", None, "API_TOKEN", True),
        Secret("build-arg-or-env", "history", 0, "GITHUB_TOKEN", True),
    ]
    assert "s3cr3t" not in repr(found)
    assert "ghp_x" not in repr(found)
