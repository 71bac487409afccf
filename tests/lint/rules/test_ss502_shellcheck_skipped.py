from slimstage.lint.shellcheck import MAX_SCRIPT_CHARS
from tests.lint.helpers import findings, lines


def test_a_dockerfile_over_the_limit_is_not_shellchecked() -> None:
    run = "RUN echo $x && cd /tmp\n"
    count = MAX_SCRIPT_CHARS // (len(run) - 1) + 1
    text = "FROM debian:12\n" + run * count
    [finding] = findings(text, "SS502")
    assert finding.line == 2
    assert f"over the {MAX_SCRIPT_CHARS:,}" in finding.message
    assert lines(text, "SC2086") == []  # ShellCheck did not run


def test_an_ordinary_dockerfile_is() -> None:
    text = "FROM debian:12\nRUN echo $x\n"
    assert lines(text, "SS502") == []
    assert lines(text, "SC2086") == [2]
