from tests.lint.helpers import lines


def test_pip_without_no_cache_dir() -> None:
    assert lines("FROM python:3.13-slim\nRUN pip install flask\n", "SS104") == [2]
    assert lines("FROM python:3.13-slim\nRUN python -m pip install flask\n", "SS104") == [2]


def test_no_cache_dir_cache_mount_or_env() -> None:
    assert lines("FROM python:3.13-slim\nRUN pip install --no-cache-dir flask\n", "SS104") == []
    mount = "FROM python:3.13-slim\nRUN --mount=type=cache,target=/root/.cache/pip pip install x\n"
    assert lines(mount, "SS104") == []
    env = "FROM python:3.13-slim\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask\n"
    assert lines(env, "SS104") == []


def test_pip_other_subcommands_are_fine() -> None:
    assert lines("FROM python:3.13-slim\nRUN pip uninstall -y pip\n", "SS104") == []
