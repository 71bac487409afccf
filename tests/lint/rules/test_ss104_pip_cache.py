from tests.lint.helpers import lines, whole


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


def test_pip2_and_versioned_names() -> None:
    assert lines("FROM python:2.7-slim\nRUN pip2 install six==1.16.0\n", "SS104") == [2]
    assert lines("FROM python:3.13-slim\nRUN pip3.13 install six==1.16.0\n", "SS104") == [2]
    assert lines("FROM python:3.13-slim\nRUN /opt/venv/bin/pip install six\n", "SS104") == [2]


def test_setting_made_inside_the_run() -> None:
    prefix = "FROM python:3.13-slim\nRUN PIP_NO_CACHE_DIR=1 pip install six\n"
    assert lines(prefix, "SS104") == []
    exported = "FROM python:3.13-slim\nRUN export PIP_NO_CACHE_DIR=1 && pip install six\n"
    assert lines(exported, "SS104") == []
    env_prefix = "FROM python:3.13-slim\nRUN env PIP_NO_CACHE_DIR=1 python -m pip install six\n"
    assert lines(env_prefix, "SS104") == []


def test_a_plain_shell_variable_is_not_passed_to_pip() -> None:
    text = "FROM python:3.13-slim\nRUN PIP_NO_CACHE_DIR=1; pip install six\n"
    assert lines(text, "SS104") == [2]


def test_the_prefix_applies_to_its_own_command_only() -> None:
    text = "FROM python:3.13-slim\nRUN PIP_NO_CACHE_DIR=1 pip install a && pip install b\n"
    assert lines(text, "SS104") == [2]


def test_every_value_but_empty_turns_the_cache_off() -> None:
    for value in ("0", "false", "off", "no", "1", "true"):
        text = f"FROM python:3.13-slim\nENV PIP_NO_CACHE_DIR={value}\nRUN pip install six\n"
        assert lines(text, "SS104") == [], value
    empty = 'FROM python:3.13-slim\nENV PIP_NO_CACHE_DIR=""\nRUN pip install six\n'
    assert lines(empty, "SS104") == [3]


def test_arg_default_in_the_same_stage() -> None:
    text = "FROM python:3.13-slim\nARG PIP_NO_CACHE_DIR=1\nRUN pip install six\n"
    assert lines(text, "SS104") == []
    unset = "FROM python:3.13-slim\nARG PIP_NO_CACHE_DIR\nRUN pip install six\n"
    assert lines(unset, "SS104") == [3]


def test_env_inherited_from_the_base_stage_only() -> None:
    inherited = (
        "FROM python:3.13-slim AS base\nENV PIP_NO_CACHE_DIR=1\nFROM base\nRUN pip install six\n"
    )
    assert lines(inherited, "SS104") == []
    unrelated = (
        "FROM python:3.13-slim AS base\nENV PIP_NO_CACHE_DIR=1\n"
        "FROM python:3.13-slim\nRUN pip install six\n"
    )
    assert lines(unrelated, "SS104") == [4]


def test_env_set_after_the_run_does_not_count() -> None:
    text = "FROM python:3.13-slim\nRUN pip install six\nENV PIP_NO_CACHE_DIR=1\n"
    assert lines(text, "SS104") == [2]


def test_cache_mount_for_another_user_or_pip_cache_dir() -> None:
    home = (
        "FROM python:3.13-slim\n"
        "RUN --mount=type=cache,target=/home/app/.cache/pip pip install six\n"
    )
    assert lines(home, "SS104") == []
    moved = (
        "FROM python:3.13-slim\nENV PIP_CACHE_DIR=/var/cache/pip\n"
        "RUN --mount=type=cache,target=/var/cache/pip pip install six\n"
    )
    assert lines(moved, "SS104") == []
    bind = "FROM python:3.13-slim\nRUN --mount=type=bind,target=/root/.cache/pip pip install six\n"
    assert lines(bind, "SS104") == [2]


def test_onbuild_trigger_sees_the_finished_stage_env() -> None:
    text = "FROM python:3.13-slim\nONBUILD RUN pip install six\nENV PIP_NO_CACHE_DIR=1\n"
    assert lines(text, "SS104") == []
    assert lines("FROM python:3.13-slim\nONBUILD RUN pip install six\n", "SS104") == [2]


def test_each_pip_command_and_each_run_is_judged() -> None:
    # a pip command that installs nothing, or installs without the cache, does not end the search
    for first in ("pip --version", "pip install --no-cache-dir wheel"):
        text = f"FROM python:3.13-slim\nRUN {first} && pip install six\n"
        assert lines(text, "SS104") == [2], first
    two = "FROM python:3.13-slim\nRUN pip install six\nRUN pip install attrs\n"
    assert lines(two, "SS104") == [2, 3]


def test_one_finding_per_run_with_its_message() -> None:
    text = "FROM python:3.13-slim\nRUN pip install six && pip install attrs\n"
    assert whole(text, "SS104") == [
        (2, "pip keeps its download cache in the layer: add --no-cache-dir")
    ]
