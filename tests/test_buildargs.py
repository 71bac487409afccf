"""Build arguments in FROM lines, expanded as BuildKit expands them."""

from __future__ import annotations

import pytest

from slimstage.buildargs import PLATFORM_ARGS, declare, expand


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
