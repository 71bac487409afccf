"""The script each RUN gives its shell, and the Dockerfile line of each part of it."""

from __future__ import annotations

from slimstage.dockerfile import parse
from slimstage.lint.runner import lint_text
from slimstage.lint.runscript import Script, interpreter, scripts, shells, size


def _scripts(text: str) -> list[Script]:
    return scripts(parse(text))


def _line(script: Script, needle: str) -> int:
    """The Dockerfile line of the first occurrence of NEEDLE in the script."""
    for number, line in enumerate(script.text.split("\n"), 1):
        column = line.find(needle)
        if column >= 0:
            return script.line_of(number, column + 1)
    raise AssertionError(f"{needle!r} not in {script.text!r}")


def test_continuation_lines_join_into_one_line_and_map_back() -> None:
    text = (
        "FROM debian:12\n"
        "RUN --mount=type=cache,target=/var/cache/apt \\\n"
        "    apt-get update && \\\n"
        "    # a comment BuildKit drops\n"
        "\n"
        "    apt-get install -y curl \\\n"
        "\t&& echo done\n"
    )
    [script] = _scripts(text)
    assert "\n" not in script.text
    assert script.text.startswith("apt-get update &&")
    assert "comment" not in script.text
    assert _line(script, "apt-get update") == 3
    assert _line(script, "install") == 6
    assert _line(script, "done") == 7


def test_one_line_run_with_leading_blanks() -> None:
    [script] = _scripts("FROM debian:12\n   RUN    echo   $x   \n")
    assert script.text == "echo   $x"
    assert _line(script, "$x") == 2


def test_heredoc_alone_is_the_script() -> None:
    text = "FROM debian:12\nRUN <<EOF\nset -e\ncd /app\necho $x\nEOF\nRUN echo after\n"
    first, second = _scripts(text)
    assert first.text == "set -e\ncd /app\necho $x"
    assert [_line(first, w) for w in ("set", "cd", "echo")] == [3, 4, 5]
    assert second.text == "echo after"
    assert _line(second, "after") == 7


def test_command_with_heredocs_is_one_script() -> None:
    text = "FROM debian:12\nRUN cat <<A > /a && \\\n    cat <<B > /b\nfirst\nA\nsecond $y\nB\n"
    [script] = _scripts(text)
    assert script.text == "cat <<A > /a &&     cat <<B > /b\nfirst\nA\nsecond $y\nB"
    assert _line(script, "<<B") == 3
    assert _line(script, "first") == 4
    assert _line(script, "$y") == 6


def test_heredoc_with_a_shebang() -> None:
    text = (
        "FROM debian:12\n"
        "RUN <<EOF\n#!/usr/bin/env bash\n[[ -n $x ]]\nEOF\n"
        "RUN <<EOF\n#!/usr/bin/env python3\nprint('not shell')\nEOF\n"
    )
    [script] = _scripts(text)  # the Python one is not a shell script
    assert script.interpreter == "bash"
    assert script.text == "\n[[ -n $x ]]"
    assert _line(script, "[[") == 4


def test_exec_form_is_not_a_script_and_onbuild_run_is() -> None:
    text = 'FROM debian:12\nRUN ["echo", "$x"]\nONBUILD RUN echo $y\nONBUILD COPY . /app\n'
    [script] = _scripts(text)
    assert script.text == "echo $y"
    assert _line(script, "$y") == 3


def test_shell_and_variables_per_stage() -> None:
    mentions = "echo $GLOBAL $VERSION ${APP} $OTHER $LATE $http_proxy $NOBODY"
    text = (
        "ARG GLOBAL=1\n"
        "FROM debian:12 AS base\n"
        "ARG VERSION\n"
        "ENV APP=/app OTHER=x\n"
        'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'
        f"RUN {mentions}\n"
        "ENV LATE=1\n"
        "FROM base\n"
        f"RUN {mentions}\n"
        "FROM debian:12\n"
        f"RUN {mentions}\n"
    )
    first, child, fresh = _scripts(text)
    # a global ARG is not seen in a stage unless declared there; LATE comes after the RUN
    assert (first.interpreter, first.variables) == (
        "bash",
        ("APP", "OTHER", "VERSION", "http_proxy"),
    )
    # FROM base: SHELL and ENV carry over (they are in the image), ARG does not
    assert (child.interpreter, child.variables) == (
        "bash",
        ("APP", "LATE", "OTHER", "http_proxy"),
    )
    assert (fresh.interpreter, fresh.variables) == ("sh", ("http_proxy",))


def test_shells_that_shellcheck_cannot_read() -> None:
    text = 'FROM debian:12\nSHELL ["pwsh", "-Command"]\nRUN Write-Host hi\nRUN echo hi\n'
    df = parse(text)
    assert scripts(df) == []
    found = list(shells(df))
    assert [ins.line for ins, _, _ in found] == [3, 4]
    assert all(shell.checkable is None and shell.set_by is not None for _, shell, _ in found)


def test_interpreter_names() -> None:
    assert interpreter(("/bin/sh", "-c")) == "sh"
    assert interpreter(("/usr/bin/env", "bash", "-c")) == "bash"
    assert interpreter(("/bin/busybox", "sh", "-c")) == "busybox sh"
    assert interpreter(("/bin/ash", "-eo", "pipefail", "-c")) == "ash"
    assert interpreter(("C:\\Windows\\System32\\cmd.exe", "/S", "/C")) is None
    assert interpreter(("pwsh", "-c")) is None
    assert interpreter(("/bin/zsh", "-c")) is None
    assert interpreter(()) is None


def test_size_counts_run_text() -> None:
    df = parse("FROM debian:12\nRUN echo 12345\nCOPY a b\n")
    assert size(df) == len("RUN echo 12345")


def test_text_that_does_not_match_falls_back_to_the_first_line() -> None:
    [script] = _scripts("FROM debian:12\nRUN echo hi\n")
    assert script.line_of(5, 1) == 2  # a position past the script
    assert script.line_of(0, 0) == 2


def test_a_heredoc_given_to_a_shell_is_its_script() -> None:
    text = (
        "FROM debian:12\n"
        "RUN <<'EOF' bash -e\n[[ -n $x ]]\nEOF\n"
        "RUN sh <<EOF\necho $y\nEOF\n"
        "RUN python3 <<EOF\nprint('$z')\nEOF\n"
    )
    bash, sh, python = _scripts(text)
    assert (bash.interpreter, bash.text, _line(bash, "[[")) == ("bash", "[[ -n $x ]]", 3)
    assert (sh.interpreter, sh.text, _line(sh, "$y")) == ("sh", "echo $y", 6)
    # data for another program: the shell still expands $z in it before python3 reads it
    assert python.text == "python3 <<EOF\nprint('$z')\nEOF"
    assert _line(python, "$z") == 9


def test_a_heredoc_read_by_a_script_the_shell_runs_is_data() -> None:
    # `bash script.sh` runs script.sh; the heredoc is its standard input, not bash's script
    [script] = _scripts("FROM debian:12\nRUN bash script.sh <<EOF\nhello $x\nEOF\n")
    assert script.text == "bash script.sh <<EOF\nhello $x\nEOF"


def test_an_onbuild_run_in_exec_form_runs_no_shell() -> None:
    text = 'FROM debian:12\nONBUILD RUN ["sh", "-c", "echo $x"]\nONBUILD RUN  echo $y\n'
    [script] = _scripts(text)
    assert (script.text, script.instruction.line) == ("echo $y", 3)


def test_interpreters_named_after_env_options_or_by_a_windows_path() -> None:
    assert interpreter(("/usr/bin/env", "-i", "bash", "-c")) == "bash"
    assert interpreter(("C:\\Program Files\\Git\\bin\\bash.exe", "-c")) == "bash"
    assert interpreter(("C:\\msys64\\usr\\bin\\sh.exe", "-c")) == "sh"


def test_a_json_shell_run_through_env_and_a_shell_not_written_as_json() -> None:
    env = 'FROM debian:12\nSHELL ["/usr/bin/env", "bash", "-c"]\nRUN echo hi\n'
    [script] = _scripts(env)
    assert script.interpreter == "bash"
    # BuildKit refuses to build this SHELL; lint still reads its words rather than fail
    words = "FROM debian:12\nSHELL /bin/bash -c\nRUN echo hi\n"
    [(_, shell, _)] = list(shells(parse(words)))
    assert shell.argv == ("/bin/bash", "-c")
    assert shell.checkable == "bash"


def test_a_stage_named_like_its_base_image_starts_with_the_default_shell() -> None:
    # `FROM debian AS debian` is built on the image debian, not on itself
    [(ins, shell, position)] = list(shells(parse("FROM debian AS debian\nRUN echo hi\n")))
    assert (ins.line, shell.argv, shell.set_by, position) == (2, ("/bin/sh", "-c"), None, 0)


def test_a_line_repeated_on_the_next_maps_to_each_line() -> None:
    text = "FROM debian:12\nRUN apt-get install -y \\\n    curl \\\n    curl\n"
    [script] = _scripts(text)
    assert script.text == "apt-get install -y     curl     curl"
    first, last = script.text.find("curl") + 1, script.text.rfind("curl") + 1
    assert [script.line_of(1, c) for c in (1, first, last)] == [2, 3, 4]


def test_a_command_repeated_in_a_flag_maps_to_its_own_line() -> None:
    text = (
        "FROM debian:12\nRUN --mount=type=bind,source=build.sh,target=/build.sh \\\n    /build.sh\n"
    )
    [script] = _scripts(text)
    assert script.text == "/build.sh"
    assert _line(script, "/build.sh") == 3


def test_a_command_repeated_in_a_heredoc_body_maps_to_its_own_lines() -> None:
    command = "cat <<EOF > /etc/motd &&     echo done"
    text = f"FROM debian:12\nRUN cat <<EOF > /etc/motd && \\\n    echo done\n{command}\nEOF\n"
    [script] = _scripts(text)
    assert script.text == f"{command}\n{command}\nEOF"
    assert [script.line_of(1, 1), _line(script, "echo done")] == [2, 3]
    assert script.line_of(2, 1) == 4


def test_a_continuation_right_after_an_operator() -> None:
    [script] = _scripts("FROM debian:12\nRUN cd /app &&\\\nmake\n")
    assert script.text == "cd /app &&make"
    assert (_line(script, "&&"), _line(script, "make")) == (2, 3)


def test_crlf_line_ends() -> None:
    text = (
        "FROM debian:12\r\n"
        "RUN apt-get update \\\r\n    && echo $x\r\n"
        "RUN <<EOF\r\nset -e\r\ncd /app\r\nEOF\r\n"
    )
    continued, heredoc = _scripts(text)
    assert (_line(continued, "apt-get"), _line(continued, "$x")) == (2, 3)
    assert heredoc.text == "set -e\ncd /app"
    assert [_line(heredoc, w) for w in ("set", "cd")] == [5, 6]


def test_a_shebang_without_a_folder() -> None:
    [script] = _scripts("FROM debian:12\nRUN <<EOF\n#!bash\n[[ -n $x ]]\nEOF\n")
    assert script.interpreter == "bash"


def test_positions_before_and_after_a_heredoc_script() -> None:
    text = "FROM debian:12\nRUN --network=none \\\n    <<EOF\nif true; then\necho $x\nEOF\n"
    [script] = _scripts(text)
    assert script.text == "if true; then\necho $x"
    assert script.line_of(0, 1) == 2  # before the script: the instruction's first line
    # ShellCheck puts "expected fi" at the end of the file: the line after the last, which is
    # still the body's last line, not the EOF marker's
    assert (script.line_of(2, 1), script.line_of(3, 1)) == (5, 5)


def test_an_onbuild_run_s_flags_are_not_its_script() -> None:
    text = (
        "FROM debian:12\n"
        "ONBUILD RUN --mount=type=cache,target=/root/.cache --network=none pip install -r r.txt\n"
    )
    [script] = _scripts(text)
    assert script.text == "pip install -r r.txt"
    # the command's columns still map to its line
    assert script.line_of(1, 1) == 2


def test_an_onbuild_run_with_a_heredoc_runs_its_body() -> None:
    """The trigger an image keeps holds the heredoc's body (BuildKit's parseOnBuild adds it),
    and the image built FROM this one runs it: it is the script, each line on its own."""
    text = "FROM debian:12\nONBUILD RUN <<EOF\nset -e\necho hi\nEOF\nRUN echo after\n"
    first, after = _scripts(text)
    assert (first.text, after.text) == ("set -e\necho hi", "echo after")
    assert [first.line_of(1, 1), first.line_of(2, 1)] == [3, 4]


def test_onbuild_runs_get_the_shellcheck_findings_a_plain_run_gets() -> None:
    for body, expected in (
        ("RUN --mount=type=cache,target=/root/.cache pip install -r r.txt\n", []),
        ("RUN <<EOF\nset -e\necho hi\nEOF\n", []),
        ("RUN cat <<< hi; echo `date`\n", ["SC2005", "SC2006", "SC2046", "SC3011"]),
        ("RUN <<EOF\necho `date`\nEOF\n", ["SC2005", "SC2006", "SC2046"]),
    ):
        plain = [f.code for f in lint_text("FROM debian:12\n" + body) if f.code.startswith("SC")]
        onbuild = [
            f.code for f in lint_text("FROM debian:12\nONBUILD " + body) if f.code.startswith("SC")
        ]
        assert sorted(plain) == sorted(onbuild) == expected, body


def test_a_shell_not_in_json_is_split_into_words_as_buildkit_splits_them() -> None:
    # U+001C is a blank to Python's str.split, a character to BuildKit
    [(_, shell, _)] = list(shells(parse("FROM a\nSHELL \x1c zsh\nRUN x\n")))
    assert shell.argv == ("\x1c", "zsh")


def test_an_onbuild_run_of_flags_alone_has_an_empty_script() -> None:
    [script] = _scripts("FROM debian:12\nONBUILD RUN --network=none\n")
    assert script.text == ""
    # in JSON form after its flags it runs no shell: nothing to check
    assert _scripts('FROM debian:12\nONBUILD RUN --network=none ["echo", "x"]\n') == []


def test_an_onbuild_run_continued_on_the_next_line_maps_back_to_both_lines() -> None:
    [script] = _scripts("FROM debian:12\nONBUILD RUN echo hi && \\\n  echo `date`\n")
    assert script.text == "echo hi &&   echo `date`"
    assert [script.line_of(1, 1), script.line_of(1, script.text.index("`") + 1)] == [2, 3]
