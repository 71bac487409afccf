from tests.lint.helpers import lines


def test_root_local_copied() -> None:
    text = (
        "FROM python:3.13-slim AS b\nRUN pip install --user x\nFROM python:3.13-slim\n"
        "COPY --from=b /root/.local /root/.local\n"
    )
    assert lines(text, "SS206") == [4]


def test_venv_copied() -> None:
    text = "FROM python:3.13-slim AS b\nFROM python:3.13-slim\nCOPY --from=b /opt/venv /opt/venv\n"
    assert lines(text, "SS206") == []


def test_copy_in_a_stage_the_final_one_is_built_from() -> None:
    text = (
        "FROM python:3.13-slim AS b\nRUN pip install --user x\n"
        "FROM python:3.13-slim AS base\nCOPY --from=b /root/.local /root/.local\nFROM base\n"
    )
    assert lines(text, "SS206") == [4]
