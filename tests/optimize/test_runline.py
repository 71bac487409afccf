"""Splitting RUN lines into commands, and telling which commands need a shell."""

from __future__ import annotations

from slimstage.optimize import runline


def test_split_keeps_quoted_operators_and_each_commands_text() -> None:
    parts = runline.split('apt-get update && echo "a && b" ; pip install x | tee log')
    assert [p.text for p in parts] == [
        "apt-get update",
        'echo "a && b"',
        "pip install x",
        "tee log",
    ]
    assert [p.operator for p in parts] == ["&&", ";", "|", ""]
    assert parts[1].words == ("echo", "a && b")


def test_join_puts_each_command_on_a_continuation_line() -> None:
    text = runline.join(runline.split("a && b || c"))
    assert text == "a \\\n && b \\\n || c"


def test_program_reads_python_m_pip_and_prefixes_as_pip() -> None:
    assert runline.program(("python3.13", "-m", "pip", "install", "x")) == ("pip", ("install", "x"))
    assert runline.program(("sudo", "PIP_X=1", "/usr/bin/pip3", "install")) == ("pip", ("install",))
    assert runline.program(("apt-get", "install", "-y", "gcc"))[0] == "apt-get"
    assert runline.program(()) == ("", ())


def test_needs_shell() -> None:
    assert not runline.needs_shell("python app.py --port 8000")
    assert runline.needs_shell("curl -f http://x || exit 1")
    assert runline.needs_shell("python $APP")
    assert runline.needs_shell("echo 'quoted'")


def test_unbalanced_quotes_give_no_words() -> None:
    assert runline.split('echo "open')[0].words == ()
