from tests.lint.helpers import findings, lines


def test_venv_and_path_in_one_env() -> None:
    text = 'FROM python:3.13-slim\nENV VIRTUAL_ENV=/opt/venv PATH="$VIRTUAL_ENV/bin:$PATH"\n'
    [finding] = findings(text, "SS307")
    assert finding.line == 2
    assert "PATH uses $VIRTUAL_ENV" in finding.message


def test_reference_forms() -> None:
    for value in ("${A}", "$A", "${A:-x}/y", "x/$A/y"):
        assert lines(f"FROM debian:12\nENV A=1 B={value}\n", "SS307") == [2], value


def test_names_that_only_start_alike_or_escaped() -> None:
    for value in ("${AB}", "$AB", "A/$AB", r"\$A"):
        assert lines(f"FROM debian:12\nENV A=1 B={value}\n", "SS307") == [], value


def test_separate_env_own_reference_or_earlier_value() -> None:
    assert lines("FROM debian:12\nENV A=1\nENV B=$A\n", "SS307") == []
    assert lines("FROM debian:12\nENV PATH=/x:$PATH\n", "SS307") == []
    assert lines("FROM debian:12\nARG A\nENV A=$A B=$A\n", "SS307") == []
    assert lines("FROM debian:12 AS a\nENV A=0\nFROM a\nENV A=1 B=$A\n", "SS307") == []


def test_own_name_set_twice_in_one_env() -> None:
    assert lines("FROM debian:12\nENV PATH=/a:$PATH PATH=/b:$PATH\n", "SS307") == [2]


def test_value_from_an_unrelated_stage_does_not_count() -> None:
    text = "FROM debian:12 AS a\nENV A=0\nFROM debian:12\nENV A=1 B=$A\n"
    assert lines(text, "SS307") == [4]


def test_an_arg_of_the_parent_stage_gives_no_value_in_the_child() -> None:
    # ARGs end with their stage: in the child, A has no earlier value, so B gets an empty one
    text = "FROM debian:12 AS a\nARG A=0\nFROM a\nENV A=1 B=$A\n"
    assert lines(text, "SS307") == [4]


def test_every_env_is_judged_and_only_env() -> None:
    text = "FROM debian:12\nENV A=1 B=$A\nRUN true\nENV C=2 D=${C}\n"
    assert lines(text, "SS307") == [2, 4]
    # a LABEL sets no variable: $A there is whatever A was before
    assert lines("FROM debian:12\nLABEL A=1 B=$A\n", "SS307") == []
