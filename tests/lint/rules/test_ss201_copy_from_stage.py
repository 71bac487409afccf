import pytest

from tests.lint.helpers import findings, lines, whole


def test_typo_in_stage_name() -> None:
    text = "FROM debian:12 AS builder\nFROM debian:12\nCOPY --from=buildr /a /a\n"
    [finding] = findings(text, "SS201")
    assert finding.line == 3
    assert "no stage" in finding.message


def test_later_and_own_stage() -> None:
    text = (
        "FROM debian:12 AS one\nCOPY --from=two /a /a\nCOPY --from=one /b /b\n"
        "FROM debian:12 AS two\n"
    )
    messages = [f.message for f in findings(text, "SS201")]
    assert any("defined later" in m for m in messages)
    assert any("itself" in m for m in messages)


def test_index_out_of_range_and_images_are_fine() -> None:
    assert lines("FROM debian:12\nFROM debian:12\nCOPY --from=5 /a /a\n", "SS201") == [3]
    assert lines("FROM debian:12\nCOPY --from=nginx:1.27 /etc/nginx /x\n", "SS201") == []
    assert lines("FROM debian:12 AS b\nFROM debian:12\nCOPY --from=0 /a /a\n", "SS201") == []


def test_image_references_by_path_digest_or_tag_and_a_capitalised_typo() -> None:
    for ref in ("ghcr.io/org/tool", "busybox@sha256:0123", "busybox:1.36"):
        assert lines(f"FROM debian:12\nCOPY --from={ref} /a /a\n", "SS201") == [], ref
    assert lines("FROM debian:12 AS b\nFROM debian:12\nCOPY --from=Xb /a /a\n", "SS201") == [3]


# Whole findings, message included, for Dockerfiles that each try one part of the rule.
SS201_CASES: list[tuple[str, list[tuple[int, str]]]] = [
    (
        ("FROM debian:12 AS b\nRUN make\nFROM debian:12\nCOPY --from=b /out /out\n"),
        [],
    ),
    (
        "FROM debian:12\nADD --from=nope /x /x\n",
        [(2, "--from=nope: no stage has that name or index")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), SS201_CASES)
def test_the_whole_findings(text: str, expected: list[tuple[int, str]]) -> None:
    assert whole(text, "SS201", dockerignore=True) == expected


# Whole findings, message included, for Dockerfiles that each try one part of the rule.
SS201_MORE_CASES: list[tuple[str, list[tuple[int, str]]]] = [
    (
        "FROM a AS x\nCOPY --from=x /a /b\n",
        [(2, "--from=x: a stage cannot copy from itself")],
    ),
    (
        "FROM a AS x\nFROM a\nCOPY --from=$S /a /b\nCOPY --from=y /c /d\n",
        [(4, "--from=y: no stage has that name or index")],
    ),
    (
        "FROM a\nADD --from=later /a /b\nFROM a AS later\n",
        [(2, "--from=later: that stage is defined later (line 3)")],
    ),
    (
        "FROM a AS x\nFROM a\nCOPY --from=0 /a /b\nCOPY --from=5 /c /d\n",
        [(4, "--from=5: no stage has that name or index")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), SS201_MORE_CASES)
def test_more_whole_findings(text: str, expected: list[tuple[int, str]]) -> None:
    assert whole(text, "SS201") == expected
