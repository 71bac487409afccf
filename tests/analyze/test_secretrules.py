"""What a credential looks like, by path and by value: every rule with samples it must find."""

from __future__ import annotations

import pytest

from slimstage.analyze import secretrules
from slimstage.analyze.secretrules import PRIVATE_KEY, TOKENS, file_kind

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
    assert set(SAMPLES) == {rule.kind for rule in secretrules.RULES}


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


#: Made-up tokens in each issuer's documented format.
TOKEN_SAMPLES = {
    "github-token": ["ghp_" + "A1" * 18, "github_pat_" + "a_" * 20],
    "gitlab-token": ["glpat-" + "x" * 20],
    "aws-access-key": ["AKIA" + "ABCDEFGHIJKLMNOP", "ASIA" + "Q" * 16],
    "slack-token": ["xoxb-1234567890-abc"],
    "pypi-token": ["pypi-AgEIcHlwaS5vcmc" + "x" * 60],
    "npm-token": ["npm_" + "a" * 36],
    "google-api-key": ["AIza" + "b" * 35],
    "stripe-key": ["sk_live_" + "c" * 24],
}


def test_every_token_kind_has_samples() -> None:
    assert set(TOKEN_SAMPLES) == {kind for kind, _ in TOKENS}


@pytest.mark.parametrize(
    ("kind", "token"), [(k, t) for k, tokens in TOKEN_SAMPLES.items() for t in tokens]
)
def test_each_token_format_is_found_inside_text(kind: str, token: str) -> None:
    pattern = dict(TOKENS)[kind]
    match = pattern.search(f"RUN curl -H 'Authorization: {token}' https://x")
    assert match is not None
    assert match.group() == token


@pytest.mark.parametrize(
    "text",
    ["ghp_short", "AKIAshort", "the word AKIA alone", "sk_test_" + "c" * 24, "xoxb-"],
)
def test_token_look_alikes_are_not_tokens(text: str) -> None:
    assert not any(pattern.search(text) for _, pattern in TOKENS)


def test_private_key_blocks_whole_or_cut() -> None:
    block = "-----BEGIN OPENSSH PRIVATE KEY-----\\nb3Bl\\n-----END OPENSSH PRIVATE KEY-----"
    match = PRIVATE_KEY.search(f"printf '{block}' > key")
    assert match is not None
    assert match.group() == block
    cut = PRIVATE_KEY.search("echo -----BEGIN RSA PRIVATE KEY----- MIIE and on")
    assert cut is not None
    assert cut.group().endswith("and on")
    assert PRIVATE_KEY.search("-----BEGIN PUBLIC KEY-----") is None
