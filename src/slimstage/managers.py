"""Package managers' command lines (apt, apk, dnf and their kin): which of their options take
the next word as their value, the subcommand a command runs, and the words after it that name
packages. Lint and optimize both read install commands through it."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence

_APT_VALUES = {"-o", "--option", "-c", "--config-file", "-t", "--target-release"}
_RPM_VALUES = {
    "-c",
    "--config",
    "--installroot",
    "--releasever",
    "--setopt",
    "--enablerepo",
    "--disablerepo",
    "--repo",
    "--repoid",
    "-x",
    "--exclude",
    "-d",
    "--debuglevel",
    "-e",
    "--errorlevel",
}
#: Per package manager, its options that take the next word as their value (`-o Opt=1`).
VALUE_OPTIONS: dict[str, frozenset[str]] = {
    "apt-get": frozenset(_APT_VALUES | {"--default-release"}),
    "apt": frozenset(_APT_VALUES | {"--default-release"}),
    "apk": frozenset(
        {"-X", "--repository", "-p", "--root", "--arch", "--cache-dir", "--keys-dir"}
        | {"--repositories-file"}
    ),
    "yum": frozenset(_RPM_VALUES),
    "dnf": frozenset(_RPM_VALUES),
    "microdnf": frozenset(_RPM_VALUES),
}


def _named(args: Sequence[str], value_options: Collection[str]) -> Iterator[str]:
    """The words of ARGS that are neither options nor the values of VALUE_OPTIONS (options
    written apart from their value)."""
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in value_options:
            skip = True
        elif not arg.startswith("-"):
            yield arg


def subcommand(program: str, args: Sequence[str]) -> str | None:
    """The first word of ARGS that is neither an option nor the value of one written apart."""
    return next(_named(args, VALUE_OPTIONS.get(program, frozenset())), None)


def operands(args: Sequence[str], sub: str, value_options: Collection[str]) -> list[str]:
    """The words after the first SUB in ARGS that are neither options nor the values of
    VALUE_OPTIONS (options written apart from their value)."""
    return list(_named(args[args.index(sub) + 1 :], value_options))
