from tests.lint.helpers import lines, whole


def test_missing_no_install_recommends() -> None:
    assert lines("FROM debian:12\nRUN apt-get install -y curl\n", "SS103") == [2]


def test_with_flag_or_apt_option() -> None:
    assert (
        lines("FROM debian:12\nRUN apt-get install -y --no-install-recommends curl\n", "SS103")
        == []
    )
    text = "FROM debian:12\nRUN apt-get -o APT::Install-Recommends=false install -y curl\n"
    assert lines(text, "SS103") == []


def test_apt_get_update_alone_is_not_an_install() -> None:
    assert lines("FROM debian:12\nRUN apt-get update\n", "SS103") == []


def test_a_stage_the_final_one_is_built_from_ships() -> None:
    text = "FROM debian:12 AS base\nRUN apt-get install -y curl\nFROM base\n"
    assert lines(text, "SS103") == [2]
    builder = "FROM debian:12 AS b\nRUN apt-get install -y curl\nFROM debian:12\n"
    assert lines(builder, "SS103") == []


def test_recommends_turned_off_in_apt_configuration_earlier() -> None:
    text = (
        "FROM debian:12 AS base\n"
        "RUN echo 'APT::Install-Recommends \"false\";' > /etc/apt/apt.conf.d/99norecommends\n"
        "FROM base\nRUN apt-get install -y curl\n"
    )
    assert lines(text, "SS103") == []


def test_onbuild_trigger() -> None:
    assert lines("FROM debian:12\nONBUILD RUN apt install -y curl\n", "SS103") == [2]


def test_only_a_run_that_writes_the_setting_turns_recommends_off() -> None:
    text = (
        "FROM debian:12\nRUN echo hello\n"
        'LABEL note="APT::Install-Recommends false"\n'
        "RUN apt-get install -y curl\n"
    )
    assert lines(text, "SS103") == [4]


def test_the_whole_finding() -> None:
    assert whole("FROM debian:12\nRUN apt install -y curl\n", "SS103") == [
        (2, "apt install without --no-install-recommends pulls extra packages")
    ]
