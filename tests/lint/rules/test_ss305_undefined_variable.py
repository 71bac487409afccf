from tests.lint.helpers import findings, lines


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
