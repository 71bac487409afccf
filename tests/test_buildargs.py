"""Build arguments in FROM lines, expanded as BuildKit expands them."""

from __future__ import annotations

import pytest

from slimstage.buildargs import PLATFORM_ARGS, declare, expand
from slimstage.dockerfile import parse


@pytest.mark.parametrize(
    ("word", "values", "expanded", "unset"),
    [
        ("$A", {"A": "x"}, "x", set()),
        ("${A}y", {"A": "x"}, "xy", set()),
        ("${A:-d}", {"A": ""}, "d", set()),
        ("${A-d}", {"A": ""}, "", set()),
        ("${A-d}", {}, "d", set()),
        ("${A:+alt}", {"A": "x"}, "alt", set()),
        ("${A:+alt}", {"A": ""}, "", set()),
        ("${A+alt}", {"A": ""}, "alt", set()),
        ("a${A:-}b", {}, "ab", set()),
        ("a${A-}b", {}, "ab", set()),
        ("a${A:+}b", {"A": "x"}, "ab", set()),
        ("a${A+}b", {"A": ""}, "ab", set()),
        ("$A", {}, "", {"A"}),
        ("\\$A", {"A": "x"}, "$A", set()),
        ("no-vars", {}, "no-vars", set()),
    ],
)
def test_expand(word: str, values: dict[str, str], expanded: str, unset: set[str]) -> None:
    assert expand(word, values) == (expanded, unset)


def test_platform_args_name_this_machine() -> None:
    assert PLATFORM_ARGS["TARGETPLATFORM"] == f"linux/{PLATFORM_ARGS['TARGETARCH']}"
    assert PLATFORM_ARGS["BUILDOS"] == "linux"


def test_declare_takes_a_given_value_first_then_the_default_expanded() -> None:
    values = {"BASE": "debian"}
    declare(
        ["TAG=12", "IMAGE=${BASE}:$TAG", "GIVEN=default", "BARE", "BASE"], values, {"GIVEN": "cli"}
    )
    # BARE has no default and was not given: not set; BASE was already set: kept
    assert values == {"BASE": "debian", "TAG": "12", "IMAGE": "debian:12", "GIVEN": "cli"}
    declare(["BASE"], values, {"BASE": "alpine"})
    assert values["BASE"] == "alpine"


@pytest.mark.parametrize(
    ("default", "value"),
    [
        ('"3.13"', "3.13"),  # checked against BuildKit: FROM debian:${T} with T="trixie-slim"
        ("'x y'", "x y"),
        ("a\"b\"'c'", "abc"),
        ('"$V"', "1.0"),
        ("'$V'", "$V"),  # nothing is expanded inside single quotes
        ('"a\\"b"', 'a"b'),
        ('""', ""),
        ("\\$V", "$V"),
    ],
)
def test_an_arg_default_is_a_shell_word(default: str, value: str) -> None:
    values = {"V": "1.0"}
    declare([f"X={default}"], values, {})
    assert values["X"] == value


def test_a_quoted_default_names_the_image_buildkit_pulls() -> None:
    df = parse('ARG PY="3.13"\nFROM python:${PY}-slim\n')
    assert df.base_name(df.stages[0], {}) == "python:3.13-slim"
