from tests.lint.helpers import lines

BASE = "FROM python:3.13-slim AS b\nRUN pip install --user flask\nFROM python:3.13-slim\n"


def test_root_local_for_a_non_root_user() -> None:
    text = BASE + "COPY --from=b /root/.local /root/.local\nUSER app\n"
    assert lines(text, "SS203") == [4]


def test_root_local_while_running_as_root() -> None:
    assert lines(BASE + "COPY --from=b /root/.local /root/.local\n", "SS203") == []
    assert lines(BASE + "COPY --from=b /root/.local /root/.local\nUSER root\n", "SS203") == []


def test_user_and_copy_inherited_from_a_base_stage() -> None:
    text = (
        "FROM python:3.13-slim AS b\nRUN pip install --user flask\n"
        "FROM python:3.13-slim AS base\nCOPY --from=b /root/.local /root/.local\n"
        "FROM base\nUSER app:app\n"
    )
    assert lines(text, "SS203") == [4]
