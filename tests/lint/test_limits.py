"""What lint refuses to read, before BuildKit's parser could stall on it."""

from __future__ import annotations

import io
from pathlib import Path

import dockerfile
import pytest

from slimstage.errors import UsageError
from slimstage.lint import limits
from slimstage.lint.limits import MAX_INSTRUCTION, _instruction_end, check_instructions, read
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


def test_the_escape_directive_only_counts_at_the_top() -> None:
    long_run = "RUN echo `\n" + "  x `\n" * LONG + "  y\n"
    directives = "# syntax=docker/dockerfile:1\n# escape=`\n"  # after another directive: counts
    assert _refused_at(f"{directives}FROM a\n{long_run}").startswith("D:4:")
    # after an instruction it is a comment: every line stands alone
    check_instructions(f"FROM a\n# escape=`\n{long_run}", "D")


@pytest.mark.parametrize(
    "before", ["# a comment\n", "\n", "# foo=bar\n", "# check=skip=all\n", "#!/bin/sh\n"]
)
def test_directives_end_at_the_first_line_that_is_none(before: str) -> None:
    """BuildKit reads directives only while each line is one it knows: after a comment, a blank
    line or an unknown name, `# escape=` is a comment, and each line of the RUN stands alone."""
    text = f"{before}# escape=`\nFROM a\n" + "RUN echo `\n" * LONG
    assert len(dockerfile.parse_string(text)) == LONG + 1  # BuildKit: one line each
    check_instructions(text, "D")


def test_an_instruction_on_the_first_line() -> None:
    text = "ARG A=1 \\\n" + "  B=2 \\\n" * LONG + "  C=3\nFROM a\n"
    assert _refused_at(text).startswith("D:1:")


def test_a_comment_ending_in_a_backslash_continues_nothing() -> None:
    text = "FROM a\n# a path like C:\\\n" + "# more comment\n" * LONG + "RUN x\n"
    check_instructions(text, "D")


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


# Where BuildKit says each instruction ends, for shapes the size check must follow: continued
# lines, comments and blank lines inside them, heredocs opened on any line of the instruction,
# several heredocs, an escape directive, and files that end inside an instruction.
SHAPES = [
    "FROM a\nRUN <<EOF cat <<B\nx\nEOF\ny\nB\nCOPY x \\\n  # c\n\n  y\nRUN a \\\n b\n",
    "FROM a\n# comment\n\nRUN one \\\n  two \\\n  three\nCMD x\n",
    "# escape=`\nFROM a\nRUN one `\n  two\nRUN a \\\nCMD b\n",
    "FROM a\nRUN x \\\n  <<EOF\nbody\nEOF\nRUN y\n",
    "FROM a\nCOPY <<one <<two /dst/\n1\none\n2\ntwo\nENV A=1\n",
    "FROM a\nONBUILD RUN <<EOF\nbody\nEOF\nRUN z\n",
    "FROM a\nENV <<EOF not a heredoc\nRUN last\n",
    "FROM a\nRUN cat <<EOF \\\n  > /x\nbody\nEOF\nRUN y\n",
]


@pytest.mark.parametrize("text", SHAPES)
def test_instructions_end_where_buildkit_ends_them(text: str) -> None:
    lines = text.split("\n")
    escape = "`" if text.startswith("# escape=`") else "\\"
    for command in dockerfile.parse_string(text):
        assert _instruction_end(lines, command.start_line - 1, escape) == command.end_line, (
            command.original
        )


def test_at_the_end_of_the_file_an_instruction_runs_to_it() -> None:
    # BuildKit refuses these; the size check counts everything left in the file.
    assert _instruction_end(["FROM a", "RUN <<EOF", "never closed", ""], 1, "\\") == 4
    assert _instruction_end(["FROM a", "RUN end \\", ""], 1, "\\") == 3


def test_an_instruction_of_exactly_the_limit_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "FROM a\n# c\nRUN x \\\n  yy\n"
    size = len("RUN x \\\n") + len("  yy\n")
    monkeypatch.setattr(limits, "MAX_INSTRUCTION", size)
    check_instructions(text, "D")
    monkeypatch.setattr(limits, "MAX_INSTRUCTION", size - 1)
    assert _refused_at(text) == (
        f"D:3: one instruction of {size}B, over the {size - 1}B lint reads in one instruction"
    )


def test_an_escape_token_buildkit_refuses_leaves_the_backslash() -> None:
    """`# escape=x` is no escape to BuildKit (the parse refuses it, naming the token), so
    lines ending in x continue nothing here either: each RUN stands alone."""
    text = "# escape=x\nFROM a\n" + "RUN echo x\n" * LONG
    check_instructions(text, "D")
    with pytest.raises(dockerfile.GoParseError, match="invalid escape token 'x'"):
        dockerfile.parse_string(text)
