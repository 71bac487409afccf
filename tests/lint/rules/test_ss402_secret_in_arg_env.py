from tests.lint.helpers import findings, lines


def test_secret_names() -> None:
    text = (
        "FROM debian:12\nARG GITHUB_TOKEN\nENV DB_PASSWORD=hunter2\nENV AWS_SECRET_ACCESS_KEY x\n"
    )
    assert lines(text, "SS402") == [2, 3, 4]


def test_message_never_shows_the_value() -> None:
    [finding] = findings("FROM debian:12\nENV DB_PASSWORD=hunter2\n", "SS402")
    assert "hunter2" not in finding.message


def test_paths_to_secrets_are_fine() -> None:
    assert (
        lines("FROM debian:12\nENV DB_PASSWORD_FILE=/run/secrets/db\nARG VERSION\n", "SS402") == []
    )


def test_names_are_judged_by_their_parts() -> None:
    text = (
        "FROM python:3.13-slim\nENV TOKENIZERS_PARALLELISM=false\nARG AUTHOR=x\n"
        "ENV GPG_KEY=7169605F62C751356D054A26A821E680E5FA6305\nARG DB_USERNAME=app\n"
        "ARG openai_api_key\nENV DJANGO_SECRET_KEY=x\nARG SSH_PRIVATE_KEY\nENV DB_PASS=x\n"
    )
    assert lines(text, "SS402") == [6, 7, 8, 9]


def test_global_args_and_onbuild_triggers() -> None:
    text = "ARG NPM_TOKEN\nFROM python:3.13-slim\nONBUILD ENV DATABASE_PASSWORD=x\n"
    found = findings(text, "SS402")
    assert [f.line for f in found] == [1, 3]
    assert "ONBUILD" in found[1].message


def test_names_that_end_in_a_secret_word_and_every_env_pair() -> None:
    for name in ("DBPASSWORD", "APISECRET", "GHTOKEN"):
        assert lines(f"FROM debian:12\nARG {name}\n", "SS402") == [2], name
    # a default holding "=" does not change the name; the third pair of an ENV is read too
    assert lines("FROM debian:12\nARG TOKEN=a=b\n", "SS402") == [2]
    assert lines("FROM debian:12\nENV A=1 B=2 API_TOKEN=x\n", "SS402") == [2]
    # values are not names
    assert lines("FROM debian:12\nENV MODE=secret LEVEL=token\n", "SS402") == []
