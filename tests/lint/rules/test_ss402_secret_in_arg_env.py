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
