import pytest

from tests.lint.helpers import findings, lines, whole


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


def test_a_stage_the_final_one_is_built_from_ships() -> None:
    text = "FROM debian:12 AS base\nRUN apt-get update\nFROM base\nRUN echo hi\n"
    assert lines(text, "SS102") == [2]


def test_apt_and_aptitude_updates_count() -> None:
    assert lines("FROM debian:12\nRUN apt update && apt install -y x\n", "SS102") == [2]
    assert lines("FROM debian:12\nRUN aptitude update && aptitude install -y x\n", "SS102") == [2]


def test_lib_apt_cache_mount_keeps_the_lists_out() -> None:
    text = "FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt apt-get update\n"
    assert lines(text, "SS102") == []


def test_debs_stay_when_docker_clean_is_removed_and_only_lib_apt_is_mounted() -> None:
    text = (
        "FROM debian:12\nRUN rm -f /etc/apt/apt.conf.d/docker-clean\n"
        "RUN --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install -y x\n"
    )
    [finding] = findings(text, "SS102")
    assert finding.line == 3
    assert ".deb files" in finding.message
    assert "line 2" in finding.message


def test_debs_kept_out_by_a_cache_mount_or_apt_get_clean() -> None:
    both = (
        "FROM debian:12\nRUN rm -f /etc/apt/apt.conf.d/docker-clean\n"
        "RUN --mount=type=cache,target=/var/lib/apt --mount=type=cache,target=/var/cache/apt \\\n"
        "    apt-get update && apt-get install -y x\n"
    )
    assert lines(both, "SS102") == []
    clean = (
        "FROM debian:12\nRUN rm -f /etc/apt/apt.conf.d/docker-clean && apt-get update \\\n"
        " && apt-get install -y x && apt-get clean && rm -rf /var/lib/apt/lists/*\n"
    )
    assert lines(clean, "SS102") == []


def test_keep_downloaded_packages_setting_counts_as_removing_docker_clean() -> None:
    text = (
        "FROM debian:12\n"
        "RUN echo 'Binary::apt::APT::Keep-Downloaded-Packages \"true\";' > /etc/apt/apt.conf.d/k\n"
        "RUN apt-get update && apt-get install -y x && rm -rf /var/lib/apt/lists/*\n"
    )
    assert lines(text, "SS102") == [3]


def test_onbuild_triggers_are_judged_in_any_stage() -> None:
    text = "FROM debian:12 AS b\nONBUILD RUN apt-get update\nFROM debian:12\nCOPY --from=b /x /x\n"
    [finding] = findings(text, "SS102")
    assert (finding.line, finding.stage) == (2, "b")
    assert "ONBUILD" in finding.message


def test_apk_cache_mount_and_removal() -> None:
    mount = "FROM alpine:3.20\nRUN --mount=type=cache,target=/var/cache/apk apk add curl\n"
    assert lines(mount, "SS102") == []
    removed = "FROM alpine:3.20\nRUN apk add curl && rm -rf /var/cache/apk/*\n"
    assert lines(removed, "SS102") == []


def test_removing_docker_clean_in_the_installing_run_itself_keeps_debs() -> None:
    text = (
        "FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt "
        "rm -f /etc/apt/apt.conf.d/docker-clean && apt-get update && apt-get install -y x\n"
    )
    [finding] = findings(text, "SS102")
    assert (finding.line, "line 2" in finding.message) == (2, True)


def test_an_earlier_trigger_that_removes_docker_clean_counts_for_a_later_trigger() -> None:
    triggers = (
        "FROM debian:12\nONBUILD RUN rm -f /etc/apt/apt.conf.d/docker-clean\n"
        "ONBUILD RUN apt-get update && apt-get install -y x\n"
    )
    [debs] = [f for f in findings(triggers, "SS102") if ".deb" in f.message]
    assert (debs.line, "line 2" in debs.message) == (3, True)


def test_only_apk_add_keeps_a_cache() -> None:
    assert lines("FROM alpine:3.20\nRUN apk del build-deps\n", "SS102") == []
    assert lines("FROM alpine:3.20\nRUN apk info\n", "SS102") == []


# Whole findings, message included, for Dockerfiles that each try one part of the rule.
SS102_CASES: list[tuple[str, list[tuple[int, str]]]] = [
    (
        ("FROM debian:12\nRUN apt-get update && apt-get install -y curl\n"),
        [(2, ("apt lists stay in this layer: add `&& rm -rf /var/lib/apt/lists/*`"))],
    ),
    (
        "FROM alpine:3.20\nRUN apk add curl\n",
        [(2, "apk cache stays in this layer: use `apk add --no-cache`")],
    ),
    (
        "FROM alpine:3.20\nRUN apk del curl\n",
        [],
    ),
]


@pytest.mark.parametrize(("text", "expected"), SS102_CASES)
def test_the_whole_findings(text: str, expected: list[tuple[int, str]]) -> None:
    assert whole(text, "SS102", dockerignore=True) == expected
