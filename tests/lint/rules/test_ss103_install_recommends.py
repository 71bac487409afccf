from tests.lint.helpers import lines


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
