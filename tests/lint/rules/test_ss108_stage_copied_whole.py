import pytest

from tests.lint.helpers import findings, lines, whole


def test_builder_copied_whole() -> None:
    text = "FROM debian:12 AS builder\nRUN make\nFROM debian:12\nCOPY --from=builder / /\n"
    assert lines(text, "SS108") == [4]


def test_copying_one_folder_is_fine() -> None:
    text = (
        "FROM debian:12 AS builder\nRUN make\nFROM debian:12\n"
        "COPY --from=builder /opt/venv /opt/venv\n"
    )
    assert lines(text, "SS108") == []


def test_whole_stage_into_a_subfolder_or_quoted_or_dot() -> None:
    base = "FROM debian:12 AS builder\nRUN make\nFROM debian:12\n"
    assert lines(base + "COPY --from=builder / /build-root\n", "SS108") == [4]
    assert lines(base + 'COPY --from=builder "/" "/"\n', "SS108") == [4]
    assert lines(base + "COPY --from=builder . /\n", "SS108") == [4]


def test_whole_external_image() -> None:
    [finding] = findings("FROM debian:12\nCOPY --from=python:3.13-slim / /\n", "SS108")
    assert finding.line == 2
    assert "image 'python:3.13-slim'" in finding.message


def test_only_the_image_counts() -> None:
    builder = (
        "FROM debian:12 AS a\nFROM debian:12 AS b\nCOPY --from=a / /\n"
        "FROM debian:12\nCOPY --from=b /x /x\n"
    )
    assert lines(builder, "SS108") == []
    chain = "FROM debian:12 AS a\nFROM debian:12 AS b\nCOPY --from=a / /\nFROM b\n"
    assert lines(chain, "SS108") == [3]


def test_the_root_as_one_of_several_sources() -> None:
    text = "FROM debian:12 AS builder\nRUN make\nFROM debian:12\nCOPY --from=builder /app / /dst/\n"
    assert lines(text, "SS108") == [4]


def test_a_folder_at_the_root_is_not_the_root() -> None:
    base = "FROM debian:12 AS builder\nRUN make\nFROM debian:12\n"
    for source in ("/X", "./X/", "/X11", "/.x"):
        assert lines(base + f"COPY --from=builder {source} /opt/\n", "SS108") == [], source


# Whole findings, message included, for Dockerfiles that each try one part of the rule.
SS108_CASES: list[tuple[str, list[tuple[int, str]]]] = [
    (
        "FROM debian:12 AS b\nFROM debian:12\nCOPY --from=b / /\n",
        [(3, "stage 'b' is copied whole: copy only what the app needs")],
    ),
    (
        "FROM debian:12\nCOPY --from=python:3.13 /. /\n",
        [(2, ("image 'python:3.13' is copied whole: copy only what the app needs"))],
    ),
    (
        "FROM debian:12 AS b\nFROM debian:12\nCOPY --from=b /app /app\n",
        [],
    ),
]


@pytest.mark.parametrize(("text", "expected"), SS108_CASES)
def test_the_whole_findings(text: str, expected: list[tuple[int, str]]) -> None:
    assert whole(text, "SS108", dockerignore=True) == expected
