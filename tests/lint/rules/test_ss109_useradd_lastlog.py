from tests.lint.helpers import findings, lines, whole


def test_high_uid_without_no_log_init() -> None:
    [finding] = findings("FROM debian:12\nRUN useradd -u 100001 app\n", "SS109")
    assert finding.line == 2
    assert "100001" in finding.message


def test_uid_spellings() -> None:
    assert lines("FROM debian:12\nRUN useradd --uid 1000000 app\n", "SS109") == [2]
    assert lines("FROM debian:12\nRUN useradd --uid=1000000 app\n", "SS109") == [2]
    assert lines("FROM debian:12\nRUN sudo /usr/sbin/useradd -u 123456 app\n", "SS109") == [2]


def test_no_log_init_low_uid_or_unknown_uid_are_fine() -> None:
    for command in (
        "useradd -l -u 100001 app",
        "useradd -lm -u 100001 app",
        "useradd --no-log-init -u 100001 app",
        "useradd -u 99999 app",
        "useradd -u ${APP_UID} app",
        "useradd app",
        "adduser --uid 100001 app",
    ):
        assert lines(f"FROM debian:12\nRUN {command}\n", "SS109") == [], command


def test_only_the_image_and_triggers() -> None:
    builder = "FROM debian:12 AS b\nRUN useradd -u 100001 app\nFROM debian:12\n"
    assert lines(builder, "SS109") == []
    trigger = "FROM debian:12\nONBUILD RUN useradd -u 100001 app\n"
    assert lines(trigger, "SS109") == [2]


def test_the_uid_may_come_last_and_a_dangling_flag_is_no_uid() -> None:
    assert lines("FROM debian:12\nRUN useradd app -u 100001\n", "SS109") == [2]
    assert lines("FROM debian:12\nRUN useradd app -u\n", "SS109") == []


def test_only_a_short_option_cluster_with_l_is_no_log_init() -> None:
    # a user name or a long option with an l in it is not -l
    for command in ("useradd -u 100001 clerk", "useradd --shell /bin/sh -u 100001 app"):
        assert lines(f"FROM debian:12\nRUN {command}\n", "SS109") == [2], command


def test_the_whole_finding() -> None:
    assert whole("FROM debian:12\nRUN useradd -u 1000000 app\n", "SS109") == [
        (
            2,
            "useradd with UID 1000000 and no -l writes a lastlog of hundreds of MB into the "
            "layer: add -l (--no-log-init)",
        )
    ]
