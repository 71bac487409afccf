import pytest

from tests.lint.helpers import findings, lines, whole


def test_undefined_in_copy() -> None:
    [finding] = findings("FROM debian:12\nCOPY app $APPDIR/\n", "SS305")
    assert "$APPDIR" in finding.message


def test_defined_by_arg_env_or_known() -> None:
    text = (
        "FROM debian:12\nARG APPDIR=/app\nENV HOME2=/h\nCOPY app ${APPDIR}/\nWORKDIR $HOME2\n"
        "ENV PATH=/opt/venv/bin:$PATH\n"
    )
    assert lines(text, "SS305") == []


def test_run_lines_are_the_shells_business() -> None:
    assert lines("FROM debian:12\nRUN echo $SHELL_ONLY\n", "SS305") == []


# Whole findings, message included, for Dockerfiles that each try one part of the rule.
SS305_CASES: list[tuple[str, list[tuple[int, str]]]] = [
    (
        "FROM a\nENV A=1 B=2\nCOPY $B /x\n",
        [],
    ),
    (
        "FROM a\nENV A=B\nCOPY $B /x\n",
        [(3, "$B is not defined by any ARG or ENV")],
    ),
    (
        "FROM a\nARG OPTS=--x=1\nCOPY $OPTS /x\n",
        [],
    ),
    (
        "FROM a\nARG SRC=a\nCOPY $SRC /dst\n",
        [],
    ),
    (
        "FROM a\nENV A=1 B=2 C=3\nCOPY $C /x\n",
        [],
    ),
]


@pytest.mark.parametrize(("text", "expected"), SS305_CASES)
def test_the_whole_findings(text: str, expected: list[tuple[int, str]]) -> None:
    assert whole(text, "SS305") == expected
