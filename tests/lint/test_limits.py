"""What lint refuses to read, before BuildKit's parser could stall on it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from slimstage.errors import UsageError
from slimstage.lint.limits import MAX_INSTRUCTION, check_instructions, read
from slimstage.lint.runner import lint_files, lint_text

LONG = MAX_INSTRUCTION // 5 + 1  # lines of 5 characters or more: over the limit together


def _refused_at(text: str) -> str:
    with pytest.raises(UsageError) as info:
        check_instructions(text, "D")
    return str(info.value)


def test_a_long_continued_run_is_refused_on_its_first_line() -> None:
    text = "FROM a\n# c\nRUN echo start \\\n" + "  && echo x \\\n" * LONG + "  && true\n"
    assert _refused_at(text) == (
        "D:3: one instruction of 183.5kB, over the 65.5kB lint reads in one instruction"
    )


def test_comments_and_blank_lines_inside_the_continuation_count() -> None:
    text = "FROM a\nRUN echo \\\n" + "# comment line\n\n" * LONG + "  x\n"
    assert _refused_at(text).startswith("D:2:")


def test_heredoc_bodies_count_and_an_unclosed_one_runs_to_the_end() -> None:
    body = "echo some text\n" * LONG
    assert _refused_at(f"FROM a\nRUN <<EOF\n{body}EOF\n").startswith("D:2:")
    assert _refused_at(f'FROM a\nCOPY <<-"END" /x\n{body}END\n').startswith("D:2:")
    unclosed = "RUN x\n" * LONG * 2
    assert _refused_at(f"FROM a\nRUN <<EOF\n{unclosed}").startswith("D:2:")


def test_many_ordinary_instructions_are_fine() -> None:
    text = "FROM a\n" + "RUN echo x \\\n  && echo y\n" * LONG * 2
    check_instructions(text, "D")
    heredocs = "FROM a\n" + "RUN <<EOF\necho x\nEOF\n" * LONG
    check_instructions(heredocs, "D")


@pytest.mark.parametrize(
    "line",
    [
        'RUN echo "<<EOF"',  # quoted: not a heredoc
        "RUN cat <<< EOF",  # a here-string
        "LABEL a=<<EOF",  # heredocs are for RUN, COPY and ADD
    ],
)
def test_what_is_not_a_heredoc(line: str) -> None:
    check_instructions(f"FROM a\n{line}\n" + "RUN echo x\n" * LONG, "D")


def test_escape_directive() -> None:
    text = "# escape=`\nFROM a\nRUN echo `\n" + "  x `\n" * LONG + "  y\n"
    assert _refused_at(text).startswith("D:3:")
    check_instructions(text.replace("`", "\\", 1), "D")  # backslash: every line stands alone


def test_lint_checks_instructions_before_parsing() -> None:
    text = "FROM a\nRUN true \\\n" + "  && x \\\n" * LONG + "  && y\n"
    with pytest.raises(UsageError, match="-:2: one instruction"):
        lint_files(["-"], stdin=io.BytesIO(text.encode()))
    with pytest.raises(UsageError, match="Dockerfile:2: one instruction"):
        lint_text(text)


def test_read_crlf() -> None:
    assert read("-", stdin=io.BytesIO(b"FROM a\r\nRUN x\r\n")) == "FROM a\nRUN x\n"


def test_a_file_over_the_size_limit_says_how_to_raise_it(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("FROM a\n" + "RUN x\n" * 300)
    with pytest.raises(UsageError) as info:
        read(str(path), max_bytes=1000)
    assert str(info.value) == (
        f"{path}: 1.8kB is over the 1.0kB lint reads (fix: raise the limit with --max-file-size)"
    )
    with pytest.raises(UsageError) as info:
        read("-", max_bytes=1000, stdin=io.BytesIO(b"FROM a\n" * 200))
    assert str(info.value) == (
        "-: more is over the 1.0kB lint reads (fix: raise the limit with --max-file-size)"
    )
    assert read(str(path), max_bytes=1807) == path.read_text()  # exactly at the limit
