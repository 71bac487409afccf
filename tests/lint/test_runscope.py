"""Which ARG and ENV names a RUN sees, in short and in very long Dockerfiles."""

from __future__ import annotations

from slimstage.dockerfile import parse
from slimstage.lint.runscope import Scopes, declared, referenced


def test_names_a_script_mentions() -> None:
    assert referenced('echo $a ${b:-x} "${#c}" $1 $$ \\$d') == {"a", "b", "c", "d"}


def test_declared_names() -> None:
    df = parse('FROM a\nARG X=1 Y\nENV A=1 B="2 3"\nENV bad-name=1\n')
    assert [declared(ins) for ins in df.stages[0].instructions] == [["X", "Y"], ["A", "B"], []]


def test_own_stage_before_the_instruction_only() -> None:
    df = parse("FROM a\nARG X\nRUN one\nENV Y=1\nRUN two\n")
    scopes = Scopes(df)
    assert scopes.visible("X", 0, 1)
    assert not scopes.visible("Y", 0, 1)
    assert scopes.visible("Y", 0, 3)
    assert scopes.visible("https_proxy", 0, 0)  # BuildKit's proxy build args


def test_env_follows_from_chains_and_arg_does_not() -> None:
    text = (
        "FROM a AS root\nENV R=1\nARG A=1\n"
        "FROM root AS left\nENV L=1\n"
        "FROM left AS leftchild\n"
        "FROM root AS right\n"
        "FROM b AS other\n"
    )
    scopes = Scopes(parse(text))
    root, left, leftchild, right, other = range(5)
    assert scopes.visible("R", leftchild, 0)
    assert scopes.visible("L", leftchild, 0)
    assert scopes.visible("R", right, 0)
    assert not scopes.visible("L", right, 0)  # a sibling's ENV
    assert not scopes.visible("L", root, 5)  # a child's ENV
    assert not scopes.visible("A", left, 0)
    assert not scopes.visible("R", other, 0)


def test_a_long_chain_with_an_env_in_every_stage() -> None:
    # Copying the names from stage to stage would be quadratic here.
    count = 20_000
    text = "FROM a AS s0\nENV V0=1\n" + "".join(
        f"FROM s{i - 1} AS s{i}\nENV V{i}=1\n" for i in range(1, count)
    )
    scopes = Scopes(parse(text))
    last = count - 1
    assert all(scopes.visible(f"V{i}", last, 0) for i in range(0, count, 997))
    assert not scopes.visible(f"V{last}", last, 0)  # declared at position 0: not before it
    assert scopes.visible(f"V{last}", last, 1)
    assert not scopes.visible(f"V{last}", 5, 0)


def test_an_env_set_in_two_separate_chains_reaches_both() -> None:
    text = (
        "FROM a AS one\nENV X=1\nFROM one AS two\nENV X=2\nFROM two AS three\n"
        "FROM b AS other\nENV X=3\nFROM other AS last\n"
    )
    scopes = Scopes(parse(text))
    one, two, three, other, last = range(5)
    assert [scopes.visible("X", stage, 0) for stage in (two, three, last)] == [True] * 3
    assert not scopes.visible("X", one, 0)
    assert not scopes.visible("X", other, 0)


def test_an_arg_whose_default_holds_an_equals_sign() -> None:
    df = parse("FROM a\nARG OPTS=--define=x MODE=a=b\n")
    assert declared(df.stages[0].instructions[0]) == ["OPTS", "MODE"]
