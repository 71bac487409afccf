import pytest

from tests.lint.helpers import findings, lines, whole


def test_install_without_yes() -> None:
    [finding] = findings("FROM debian:12\nRUN apt-get install curl\n", "SS312")
    assert finding.line == 2
    assert "prompt" in finding.message


@pytest.mark.parametrize(
    "options",
    ["-y", "-yq", "--yes", "--assume-yes", "-qq", "-q -q", "-q=2", "--quiet --quiet"],
)
def test_ways_to_say_yes(options: str) -> None:
    assert lines(f"FROM debian:12\nRUN apt-get install {options} curl\n", "SS312") == []


@pytest.mark.parametrize("options", ["", "-q", "--quiet", "--no-install-recommends"])
def test_not_yes(options: str) -> None:
    assert lines(f"FROM debian:12\nRUN apt-get install {options} curl\n", "SS312") == [2]


def test_each_install_apt_every_stage_and_triggers() -> None:
    text = "FROM debian:12\nRUN apt-get install -y a && apt-get install b\n"
    assert lines(text, "SS312") == [2]
    assert lines("FROM debian:12\nRUN apt install curl\n", "SS312") == [2]
    assert lines("FROM debian:12 AS b\nRUN apt-get install x\nFROM debian:12\n", "SS312") == [2]
    assert lines("FROM debian:12\nONBUILD RUN apt-get install x\n", "SS312") == [2]


def test_quiet_twice_assumes_yes_in_each_spelling() -> None:
    for flags in ("--quiet=2", "-q -q", "--quiet --quiet"):
        text = f"FROM debian:12\nRUN apt-get {flags} install curl\n"
        assert lines(text, "SS312") == [], flags


def test_every_run_is_judged() -> None:
    text = "FROM debian:12\nRUN apt-get install curl\nRUN apt-get install wget\n"
    assert lines(text, "SS312") == [2, 3]


def test_an_option_with_its_value_before_install_hides_nothing() -> None:
    text = "FROM debian:12\nRUN apt-get -o Dpkg::Options::=--force-confold install gcc\n"
    assert whole(text, "SS312") == [
        (2, "apt-get install without -y stops at its prompt and the build fails")
    ]
