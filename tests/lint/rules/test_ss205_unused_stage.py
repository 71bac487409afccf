from tests.lint.helpers import lines


def test_stage_nobody_uses() -> None:
    text = (
        "FROM debian:12 AS tests\nRUN make test\nFROM debian:12 AS b\n"
        "FROM debian:12\nCOPY --from=b /a /a\n"
    )
    assert lines(text, "SS205") == [1]


def test_stages_used_through_from_copy_and_mount() -> None:
    text = (
        "FROM debian:12 AS base\nFROM base AS deps\nFROM debian:12 AS cache\n"
        "FROM deps\nRUN --mount=type=bind,from=cache,target=/c ls /c\n"
    )
    assert lines(text, "SS205") == []
