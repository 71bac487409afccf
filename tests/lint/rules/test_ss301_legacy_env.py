from tests.lint.helpers import lines


def test_legacy_env_and_label() -> None:
    assert lines("FROM debian:12\nENV PYTHONUNBUFFERED 1\nLABEL a b\n", "SS301") == [2, 3]


def test_key_value_form() -> None:
    assert lines('FROM debian:12\nENV A=1 B="two words"\n', "SS301") == []
