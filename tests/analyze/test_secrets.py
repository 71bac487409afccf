"""Credentials in any layer and in the config: found by path, name and value, never printed."""

from __future__ import annotations

import io

import pytest

from slimstage.analyze import secrets
from slimstage.analyze.secrets import Secret, in_config, in_layers, in_text, redact
from slimstage.image.layer import EntryTable, scan
from tests.imagebuild import Spec, layer_tar

KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n"
TOKEN = "ghp_" + "A1" * 18
AWS = "AKIA" + "ABCDEFGHIJKLMNOP"


def _table(specs: list[Spec]) -> EntryTable:
    return scan(io.BytesIO(layer_tar(specs)), "t", needs=secrets.NEEDS).table


def test_private_keys_by_content_in_pem_key_and_p8_files() -> None:
    table = _table(
        [
            ("file", "etc/ssl/private/server.key", KEY),
            ("file", "app/signing.p8", "-----BEGIN PRIVATE KEY-----\n"),
            ("file", "app/cert.pem", "-----BEGIN CERTIFICATE-----\n"),
            ("file", "app/notes.txt", KEY),  # not a key file name: contents are not read
            ("dir", "etc/ssl/private"),
        ]
    )
    found = in_layers([(2, table)], visible={"etc/ssl/private/server.key"})
    assert found == [
        Secret("private-key", "file", 2, "/etc/ssl/private/server.key", True),
        Secret("private-key", "file", 2, "/app/signing.p8", False),
    ]


def test_an_ssh_key_file_without_a_private_key_is_not_reported() -> None:
    public = _table([("file", "root/.ssh/id_rsa", "ssh-rsa AAAA public")])
    assert in_layers([(0, public)], visible=set()) == []
    private = _table([("file", "root/.ssh/id_rsa", KEY)])
    assert in_layers([(0, private)], visible={"root/.ssh/id_rsa"}) == [
        Secret("ssh-private-key", "file", 0, "/root/.ssh/id_rsa", True)
    ]


def test_credential_files_under_a_named_folder_anywhere() -> None:
    table = _table([("file", "root/.config/gcloud/legacy_credentials/me/adc.json", "{}")])
    [found] = in_layers([(1, table)], visible=set())
    assert found.kind == "gcloud-credentials"
    # right in the folder, too
    table = _table([("file", "root/.config/gcloud/legacy_credentials/.boto", "[x]")])
    assert secrets.credential_files(table) == {0: "gcloud-credentials"}


def test_the_key_file_need_covers_what_the_key_check_reads() -> None:
    for path in ("a/b.pem", "b.key", "c.p8", "root/.ssh/id_dsa"):
        assert secrets.KEY_FILES.wants(path), path
    assert not secrets.KEY_FILES.wants("a/b.pem.txt")


def test_config_secrets_by_name_and_by_value_never_the_value() -> None:
    env = {
        "API_TOKEN": "s3cr3t",
        "TOKEN_FILE": "/run/t",
        "DB_PASSWORD": "",
        "PATH": "/bin",
        "HARMLESS_NAME": f"prefix-{AWS}",
    }
    history = [
        f"RUN |2 GITHUB_TOKEN={TOKEN} PASS_PATH=/p /bin/sh -c make",
        "ENV SECRET_KEY=''",
        f"RUN echo {TOKEN} > /t",
        "RUN printf '-----BEGIN OPENSSH PRIVATE KEY-----\\nb3Bl\\n' > /k",
        "RUN pip install --index-url https://user:hunter2@pypi.example/simple x",
        "RUN login --password hunter3 && run",
    ]
    labels = {"org.example.token": "abc", "maintainer": f"me {TOKEN}"}
    found = in_config(env, history, labels)
    assert found == [
        Secret("env", "env", None, "API_TOKEN", True),
        Secret("aws-access-key", "env", None, "HARMLESS_NAME", True),
        Secret("label", "label", None, "org.example.token", True),
        Secret("github-token", "label", None, "maintainer", True),
        Secret("build-arg-or-env", "history", 0, "GITHUB_TOKEN", True),
        Secret("github-token", "history", 2, "github-token", True),
        Secret("private-key", "history", 3, "private-key", True),
        Secret("url-password", "history", 4, "https://user:", True),
        Secret("build-arg-or-env", "history", 5, "password", True),
    ]
    dumped = repr(found)
    for value in ("s3cr3t", TOKEN, "hunter2", "hunter3", "b3Bl", AWS, "abc"):
        assert value not in dumped


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            f"RUN |1 GITHUB_TOKEN={TOKEN} /bin/sh -c make",
            "RUN |1 GITHUB_TOKEN=<redacted> /bin/sh -c make",
        ),
        (f"RUN curl -H 'x: {TOKEN}' u", "RUN curl -H 'x: <redacted>' u"),
        (
            "RUN printf '-----BEGIN OPENSSH PRIVATE KEY-----\\nb3Bl\\n"
            "-----END OPENSSH PRIVATE KEY-----' > k",
            "RUN printf '-----BEGIN OPENSSH PRIVATE KEY-----<redacted>' > k",
        ),
        (
            "RUN x --token=abc --password 'p w' y",
            "RUN x --token=<redacted> --password <redacted> y",
        ),
        ('ENV DB_PASSWORD="a b" OTHER=1', "ENV DB_PASSWORD=<redacted> OTHER=1"),
        (
            "git clone https://me:pat123@github.com/x",
            "git clone https://me:<redacted>@github.com/x",
        ),
        ("ENV TOKEN_FILE=/run/secrets/t PATH=/bin", "ENV TOKEN_FILE=/run/secrets/t PATH=/bin"),
        (f"/app/{AWS}.txt", "/app/<redacted>.txt"),
        ("", ""),
    ],
)
def test_redact_keeps_names_and_drops_values(text: str, shown: str) -> None:
    assert redact(text) == shown


def test_in_text_reports_a_value_once_even_when_two_rules_see_it() -> None:
    assert in_text(f"GITHUB_TOKEN={TOKEN}", "history", 0) == [
        Secret("build-arg-or-env", "history", 0, "GITHUB_TOKEN", True)
    ]


def test_only_regular_files_are_credential_files() -> None:
    table = _table(
        [
            ("symlink", "root/.docker/config.json", "/run/secrets/docker"),
            ("dir", "root/.aws/credentials"),
            ("file", "root/.aws/config", "[default]"),
        ]
    )
    assert secrets.credential_files(table) == {}


def test_a_value_of_two_quotes_is_empty_not_a_secret() -> None:
    assert in_config({"PASSWORD": '""', "API_TOKEN": "''"}, []) == []
    assert in_config({"PASSWORD": '"x"'}, []) == [Secret("env", "env", None, "PASSWORD", True)]


def test_a_secret_found_inside_a_variable_is_named_by_the_variable() -> None:
    assert in_config({"OPTS": "--password=hunter2"}, []) == [
        Secret("build-arg-or-env", "env", None, "OPTS", True)
    ]


def test_redact_goes_on_after_a_value_already_covered() -> None:
    text = f"GITHUB_TOKEN={TOKEN} x && curl -u me:pw https://h && PASSWORD=b run"
    shown = redact(text)
    assert TOKEN not in shown
    assert "PASSWORD=b" not in shown
    assert shown.startswith("GITHUB_TOKEN=<redacted> x")
    assert shown.endswith("run")


def test_a_token_right_after_a_quoted_secret_value_is_a_secret_of_its_own() -> None:
    # the named value ends at its closing quote; the token starts there, outside it
    assert in_text(f"RUN login --password 'pw'{TOKEN}", "history", 3) == [
        Secret("build-arg-or-env", "history", 3, "password", True),
        Secret("github-token", "history", 3, "github-token", True),
    ]
    # a token that starts the named value is that value
    assert in_text(f"RUN login --password {TOKEN}", "history", 3) == [
        Secret("build-arg-or-env", "history", 3, "password", True)
    ]
