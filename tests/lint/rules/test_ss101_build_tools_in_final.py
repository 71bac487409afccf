import pytest

from tests.lint.helpers import findings, lines, whole

SINGLE = (
    "FROM python:3.13-slim\nRUN apt-get update && apt-get install -y build-essential libpq-dev\n"
)
BUILDER = (
    "FROM python:3.13-slim AS builder\nRUN apt-get install -y --no-install-recommends gcc\n"
    "FROM python:3.13-slim\nRUN apt-get install -y --no-install-recommends libpq5\n"
)


def test_compiler_in_the_final_stage_is_found() -> None:
    [finding] = findings(SINGLE, "SS101")
    assert finding.line == 2
    assert "build-essential, libpq-dev" in finding.message


def test_compiler_in_a_builder_stage_is_fine() -> None:
    assert lines(BUILDER, "SS101") == []


def test_alpine_build_base_and_sudo_prefix() -> None:
    text = "FROM alpine:3.20\nRUN sudo apk add --no-cache build-base musl-dev\n"
    assert lines(text, "SS101") == [2]


def test_runtime_libraries_are_not_build_tools() -> None:
    text = (
        "FROM debian:trixie-slim\n"
        "RUN apt-get install -y libpq5 libdevmapper1.02.1 ca-certificates\n"
    )
    assert lines(text, "SS101") == []


def test_build_systems_and_headers_from_the_shared_list() -> None:
    text = (
        "FROM debian:trixie-slim\n"
        "RUN apt-get install -y --no-install-recommends pkg-config cmake libtool libssl-dev:amd64"
        " git curl\n"
    )
    [finding] = findings(text, "SS101")
    assert "(pkg-config, cmake, libtool, libssl-dev:amd64, git)" in finding.message


def test_names_are_read_for_the_package_manager_used() -> None:
    alpine = "FROM alpine:3.20\nRUN apk add --no-cache pkgconf linux-headers libpq\n"
    assert "(pkgconf, linux-headers)" in findings(alpine, "SS101")[0].message
    # build-essential is a Debian name: apk has no such package, so it is not Alpine's list
    assert lines("FROM alpine:3.20\nRUN apk add --no-cache build-essential\n", "SS101") == []
    rpm = "FROM fedora:41\nRUN dnf install -y gcc-c++ libpq-devel libpq\n"
    assert "(gcc-c++, libpq-devel)" in findings(rpm, "SS101")[0].message


def test_a_stage_the_final_one_is_built_from_ships() -> None:
    text = (
        "FROM python:3.13-slim AS base\nRUN apt-get install -y --no-install-recommends gcc\n"
        "FROM base\nRUN python --version\n"
    )
    [finding] = findings(text, "SS101")
    assert (finding.line, finding.stage) == (2, "base")


def test_an_onbuild_trigger_installs_in_the_child_image() -> None:
    text = "FROM python:3.13-slim\nONBUILD RUN apt-get install -y --no-install-recommends gcc\n"
    [finding] = findings(text, "SS101")
    assert finding.line == 2
    assert "ONBUILD trigger: runs in the image built FROM this one" in finding.message


def test_a_versioned_compiler_is_a_build_tool() -> None:
    text = "FROM debian:trixie-slim\nRUN apt-get install -y --no-install-recommends gcc-12 g++-12\n"
    [finding] = findings(text, "SS101")
    assert "(gcc-12, g++-12)" in finding.message
    # the runtime support library named after the compiler is not a build tool
    assert lines("FROM debian:trixie-slim\nRUN apt-get install -y gcc-12-base\n", "SS101") == []


def test_a_versioned_runtime_package_is_not_a_build_tool() -> None:
    # postgresql-16 drops its version to "postgresql": no build-only name, so no finding
    text = "FROM debian:trixie-slim\nRUN apt-get install -y postgresql-16 libpq5:amd64=16.4-1\n"
    assert lines(text, "SS101") == []


def test_architecture_and_pins_are_dropped_before_matching() -> None:
    text = "FROM debian:trixie-slim\nRUN apt-get install -y GCC:arm64=4:14.2.0-1 make=4.4.1-2\n"
    [finding] = findings(text, "SS101")
    assert "(GCC:arm64, make)" in finding.message


def test_removing_a_compiler_is_not_installing_one() -> None:
    assert lines("FROM debian:12\nRUN apt-get remove -y gcc\n", "SS101") == []
    assert lines("FROM alpine:3.20\nRUN apk del gcc\n", "SS101") == []


def test_every_install_command_of_the_run_is_read() -> None:
    text = (
        "FROM debian:trixie-slim\n"
        "RUN apt-get update && apt-get install -y gcc && apt-get install -y make\n"
    )
    [finding] = findings(text, "SS101")
    assert "(gcc, make)" in finding.message
    # and with two package managers in one RUN
    mixed = "FROM debian:trixie-slim\nRUN apt-get install -y gcc; apt install -y cmake\n"
    assert "(gcc, cmake)" in findings(mixed, "SS101")[0].message


# Whole findings, message included, for Dockerfiles that each try one part of the rule.
SS101_CASES: list[tuple[str, list[tuple[int, str]]]] = [
    (
        "FROM debian:12\nRUN apt-get install -y gcc\n",
        [
            (
                2,
                (
                    "build-only packages in the image (gcc): install them in a "
                    "builder stage and copy only the result"
                ),
            )
        ],
    ),
    (
        "FROM debian:12\nRUN apt-get remove -y gcc\n",
        [],
    ),
]


@pytest.mark.parametrize(("text", "expected"), SS101_CASES)
def test_the_whole_findings(text: str, expected: list[tuple[int, str]]) -> None:
    assert whole(text, "SS101", dockerignore=True) == expected


def test_an_option_with_its_value_before_install_hides_nothing() -> None:
    text = "FROM debian:12\nRUN apt-get -o Dpkg::Options::=--force-confold install gcc\n"
    assert whole(text, "SS101") == [
        (
            2,
            "build-only packages in the image (gcc): "
            "install them in a builder stage and copy only the result",
        )
    ]
