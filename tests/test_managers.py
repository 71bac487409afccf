"""Package managers' command lines: subcommands and the packages they name."""

from __future__ import annotations

from slimstage.managers import operands, subcommand


def test_operands_skip_options_and_the_values_of_options_written_apart() -> None:
    args = [
        "apt-get",
        "-o",
        "Dpkg::Options=x",
        "install",
        "-y",
        "-t",
        "trixie",
        "curl",
        "-q",
        "git",
    ]
    assert operands(args, "install", {"-t", "-o"}) == ["curl", "git"]
    # an option value that looks like a package is not one; with no value options it would be
    assert operands(args, "install", set()) == ["trixie", "curl", "git"]


def test_an_option_s_value_is_no_subcommand_and_others_take_none() -> None:
    # `-o install` sets an option named install: there is no subcommand after it
    assert subcommand("apt-get", ["-o", "install"]) is None
    # a program without a table: every word starting with - is an option
    assert subcommand("pip", ["-q", "install", "x"]) == "install"
    assert subcommand("apt-get", ["-y", "-q", "update"]) == "update"


def test_the_subcommand_after_options_and_their_values() -> None:
    args = ["-o", "Dpkg::Options::=--force-confold", "-t", "bookworm", "install", "-y", "gcc"]
    assert subcommand("apt-get", args) == "install"
    assert subcommand("apk", ["-X", "https://mirror.example/main", "add", "gcc"]) == "add"
    assert subcommand("dnf", ["--setopt", "tsflags=nodocs", "install", "gcc"]) == "install"


def test_the_first_word_after_the_subcommand_may_be_a_package() -> None:
    assert operands(["install", "gcc", "git"], "install", set()) == ["gcc", "git"]
    assert operands(["-q", "add", "gcc"], "add", {"-X"}) == ["gcc"]
