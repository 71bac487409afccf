import pytest

from slimstage.lint.rules import ss502_shellcheck_skipped
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


def test_a_dockerfile_of_exactly_the_limit_is_still_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    start = "RUN echo $x; echo "
    monkeypatch.setattr(ss502_shellcheck_skipped, "MAX_SCRIPT_CHARS", 40)
    exact = f"FROM debian:12\n{start}{'y' * (40 - len(start))}\n"
    assert lines(exact, "SS502") == []
    over = f"FROM debian:12\n{start}{'y' * (41 - len(start))}\n"
    assert lines(over, "SS502") == [2]
