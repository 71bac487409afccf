from slimstage.lint.rule import Severity
from tests.lint.helpers import findings, lines


def test_unpinned_packages_are_named_at_info() -> None:
    text = "FROM debian:12\nRUN apt-get install -y --no-install-recommends libpq5=15.8 curl\n"
    [finding] = findings(text, "SS311")
    assert (finding.line, finding.severity) == (2, Severity.INFO)
    assert "curl" in finding.message
    assert "libpq5" not in finding.message


def test_versions_releases_and_local_debs() -> None:
    for packages in ("libpq5=15.*", "python3-venv/bookworm-backports", "./vendor/x_1.0_amd64.deb"):
        assert lines(f"FROM debian:12\nRUN apt-get install -y {packages}\n", "SS311") == []


def test_option_values_are_not_packages() -> None:
    text = (
        "FROM debian:12\nRUN apt-get install -y -t bookworm-backports "
        "-o Dpkg::Options::=--force-confold python3-venv=3.11.2-1\n"
    )
    assert lines(text, "SS311") == []


def test_apt_too_every_stage_and_triggers() -> None:
    assert lines("FROM debian:12\nRUN apt install -y curl\n", "SS311") == [2]
    builder = "FROM debian:12 AS b\nRUN apt-get install -y gcc\nFROM debian:12\n"
    assert lines(builder, "SS311") == [2]
    assert lines("FROM debian:12\nONBUILD RUN apt-get install -y gcc\n", "SS311") == [2]
    assert lines("FROM debian:12\nRUN apt-get update && apt-get upgrade -y\n", "SS311") == []


def test_the_first_word_after_install_and_the_word_after_an_option_value() -> None:
    # `-t release` takes a value; the package after it is read again
    text = "FROM debian:12\nRUN apt-get install curl -t bookworm-backports wget\n"
    [finding] = findings(text, "SS311")
    assert "curl, wget" in finding.message


def test_a_deb_file_named_without_a_folder_is_no_package_name() -> None:
    text = "FROM debian:12\nRUN apt-get install -y app_1.0_amd64.deb curl\n"
    [finding] = findings(text, "SS311")
    assert finding.message == "apt installs curl without a version (name=1.2-3)"
