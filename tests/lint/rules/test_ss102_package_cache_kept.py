from tests.lint.helpers import lines


def test_apt_lists_left_behind() -> None:
    assert lines("FROM debian:12\nRUN apt-get update && apt-get install -y curl\n", "SS102") == [2]


def test_apt_lists_removed_in_the_same_run() -> None:
    text = (
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl \\\n"
        " && rm -rf /var/lib/apt/lists/*\n"
    )
    assert lines(text, "SS102") == []


def test_apt_cache_mount_counts_as_clean() -> None:
    text = "FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt/lists apt-get update\n"
    assert lines(text, "SS102") == []


def test_apk_without_no_cache() -> None:
    assert lines("FROM alpine:3.20\nRUN apk add curl\n", "SS102") == [2]
    assert lines("FROM alpine:3.20\nRUN apk add --no-cache curl\n", "SS102") == []


def test_builder_stage_is_not_judged() -> None:
    text = "FROM debian:12 AS b\nRUN apt-get update\nFROM debian:12\nCOPY --from=b /x /x\n"
    assert lines(text, "SS102") == []
