"""Reading the original Dockerfile into steps, and every refusal."""

from __future__ import annotations

import pytest

from slimstage import dockerfile
from slimstage.errors import AlreadyOptimal, CannotOptimize
from slimstage.optimize import recipe
from tests.conftest import DEMO


def _read(text: str) -> recipe.Recipe:
    return recipe.read(dockerfile.parse(text, "Dockerfile"))


def test_the_demo_reads_as_package_pip_copy_and_config_steps() -> None:
    found = recipe.read(dockerfile.parse((DEMO / "Dockerfile").read_text(), "Dockerfile"))
    assert found.base_image == "python:3.13-slim"
    assert found.distro == "debian"
    assert [(n, s.ins.cmd) for n, s in found.installs()] == [
        ("build-essential", "RUN"),
        ("libpq-dev", "RUN"),
    ]
    kinds = [(s.ins.cmd, s.kind, s.pip) for s in found.steps]
    assert ("RUN", "run", True) in kinds
    assert ("COPY", "copy", False) in kinds
    assert found.steps[0].comments[0].startswith("# 4.")


def test_pins_and_architectures_are_dropped_from_package_names() -> None:
    found = _read("FROM python:3.13-slim\nRUN apt-get install -y gcc=4:14 libpq-dev:amd64\n")
    assert [n for n, _s in found.installs()] == ["gcc", "libpq-dev"]


def test_apk_and_mixed_runs() -> None:
    found = _read(
        "FROM python:3.13-alpine\n"
        "RUN apk add --no-cache build-base && pip install --user flask && apk del build-base\n"
    )
    assert found.distro == "alpine"
    step = found.steps[0]
    assert step.packages == ("build-base",)
    assert step.pip
    assert step.manager == "apk"


def test_global_args_expand_in_the_base() -> None:
    found = _read("ARG PY=3.13\nFROM python:${PY}-slim\nRUN pip install flask\n")
    assert found.base_image == "python:3.13-slim"
    assert found.base == "python:${PY}-slim"
    assert found.global_args == ("ARG PY=3.13",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("FROM debian:trixie-slim\nRUN apt-get install -y gcc\n", "not a Python image"),
        ("FROM $NOPE\nRUN pip install flask\n", "cannot identify the base image"),
        ('FROM scratch\nCOPY app /app\nCMD ["python"]\n', "cannot identify the base image"),
        ("FROM python:3.13-slim\nONBUILD RUN pip install flask\n", "ONBUILD"),
        ("FROM python:3.13-slim\nRUN poetry install\n", "poetry installs are not supported"),
        ("FROM python:3.13-slim\nRUN pip install --target /deps x\n", "--target"),
    ],
)
def test_refusals_name_the_reason(text: str, message: str) -> None:
    with pytest.raises(CannotOptimize, match=message) as caught:
        _read(text)
    assert caught.value.exit_code == 8
    assert "\n" not in str(caught.value)


def test_multi_stage_without_build_tools_in_the_final_stage_is_already_optimal() -> None:
    text = (DEMO / "Dockerfile.multistage-venv").read_text()
    with pytest.raises(AlreadyOptimal, match="already optimal") as caught:
        _read(text)
    assert caught.value.exit_code == 9


def test_nothing_to_build_is_already_optimal() -> None:
    with pytest.raises(AlreadyOptimal, match="nothing to move"):
        _read('FROM python:3.13-slim\nCOPY app.py .\nCMD ["python", "app.py"]\n')


def test_a_poorly_staged_file_is_flattened_and_its_other_stages_kept() -> None:
    found = _read(
        "FROM python:3.13-slim AS base\n"
        "RUN apt-get update && apt-get install -y gcc\n"
        "FROM node:22 AS assets\nRUN echo built > /out.txt\n"
        "FROM base AS app\n"
        "COPY --from=assets /out.txt /app/\n"
        "RUN pip install flask\n"
    )
    assert found.base_image == "python:3.13-slim"
    assert [s.ins.cmd for s in found.steps] == ["RUN", "COPY", "RUN"]
    assert found.prelude == ("FROM node:22 AS assets\nRUN echo built > /out.txt",)
    assert found.stage_names == {"base", "assets", "app"}


def test_a_stage_built_on_the_final_chain_is_refused() -> None:
    with pytest.raises(CannotOptimize, match="uses a stage the final image is built on"):
        _read(
            "FROM python:3.13-slim AS base\nRUN apt-get install -y gcc\n"
            "FROM base AS other\nRUN true\n"
            "FROM base\nCOPY --from=other /x /x\nRUN pip install flask\n"
        )


def test_option_values_are_neither_the_subcommand_nor_packages() -> None:
    found = _read(
        "FROM python:3.13-slim\n"
        "RUN apt-get -o Dpkg::Options::=--force-confold install -y -t bookworm-backports gcc\n"
    )
    assert [n for n, _s in found.installs()] == ["gcc"]
