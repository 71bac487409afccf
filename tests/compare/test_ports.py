from __future__ import annotations

import pytest

from slimstage import dockerfile
from slimstage.compare.ports import default_port, first_exposed, lowest_exposed, tcp_port


@pytest.mark.parametrize(
    ("word", "port"),
    [
        ("5000", "5000/tcp"),
        ("5000/tcp", "5000/tcp"),
        ("5000/TCP", "5000/tcp"),
        ("8000-8010/tcp", "8000/tcp"),
        ("53/udp", None),
        ("132/sctp", None),
        ("0", None),
        ("70000", None),
        ("$PORT", None),
        ("http", None),
    ],
)
def test_tcp_port(word: str, port: str | None) -> None:
    assert tcp_port(word) == port


def test_lowest_exposed_compares_numbers_and_skips_udp() -> None:
    # The image config keeps EXPOSE as a map: the order of the lines is gone. Numbers, not
    # strings, are compared: 8000 comes before 10000.
    assert lowest_exposed({"ExposedPorts": {"10000/tcp": {}, "8000/tcp": {}}}) == "8000/tcp"
    assert lowest_exposed({"ExposedPorts": {"53/udp": {}, "9000/tcp": {}}}) == "9000/tcp"
    assert lowest_exposed({"ExposedPorts": {"53/udp": {}}}) is None
    assert lowest_exposed({"ExposedPorts": None}) is None
    assert lowest_exposed({}) is None


def _parse(text: str) -> dockerfile.Dockerfile:
    return dockerfile.parse(text, "Dockerfile")


def test_first_expose_of_the_file_wins_over_a_lower_number() -> None:
    # The case the image config cannot tell: EXPOSE 10000 first, then 8000.
    parsed = _parse("FROM python:3.13-slim\nEXPOSE 10000\nEXPOSE 8000\n")
    assert first_exposed(parsed, None) == "10000/tcp"


def test_the_chain_is_read_from_the_stage_inherited_first() -> None:
    text = (
        "FROM python:3.13-slim AS runtime\nEXPOSE 9000\n"
        "FROM python:3.13-slim AS unrelated\nEXPOSE 7000\n"
        "FROM runtime AS final\nEXPOSE 8000\n"
    )
    assert first_exposed(_parse(text), None) == "9000/tcp"
    # A stage the final one does not inherit from does not count.
    assert first_exposed(_parse(text), "unrelated") == "7000/tcp"
    assert first_exposed(_parse(text), "nope") is None


def test_udp_is_skipped_and_arg_and_env_values_are_expanded() -> None:
    text = (
        "FROM python:3.13-slim\nARG PORT=8080\nENV ADMIN=9090\n"
        "EXPOSE 53/udp $UNSET ${PORT}\nEXPOSE $ADMIN\n"
    )
    assert first_exposed(_parse(text), None) == "8080/tcp"
    assert first_exposed(_parse(text), None, {"PORT": "7070"}) == "7070/tcp"
    assert first_exposed(_parse("FROM x\nEXPOSE $NOPE\n"), None) is None


def test_default_port_falls_back_to_the_image() -> None:
    image: dict[str, object] = {"ExposedPorts": {"5432/tcp": {}}}
    assert default_port("8000/tcp", image) == "8000/tcp"
    assert default_port(None, image) == "5432/tcp"
    assert default_port(None, {}) is None
