"""The builder stage: pip into a virtualenv, only the files pip needs copied in."""

from __future__ import annotations

from pathlib import Path

from slimstage import dockerfile
from slimstage.optimize import builderstage, recipe


def _recipe(text: str) -> recipe.Recipe:
    return recipe.read(dockerfile.parse(text, "Dockerfile"))


def _context(tmp_path: Path, *files: str) -> Path:
    for name in files:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("flask\n")
    return tmp_path


def test_pip_flags_a_virtualenv_does_without_are_dropped() -> None:
    found = _recipe(
        "FROM python:3.13-slim\n"
        "RUN pip install --no-cache-dir --user -r r.txt && python -m compileall /app\n"
    )
    text = builderstage.venv_pip(found.steps[0])
    assert text.startswith("RUN --mount=type=cache,target=/root/.cache/pip \\\n")
    assert "pip install -r r.txt \\\n && python -m compileall /app" in text
    assert "--user" not in text
    assert "--no-cache-dir" not in text


def test_the_originals_mount_flags_stay() -> None:
    found = _recipe("FROM python:3.13-slim\nRUN --mount=type=secret,id=pip pip install x\n")
    assert "--mount=type=secret,id=pip" in builderstage.venv_pip(found.steps[0])


def test_pip_files_and_local_projects() -> None:
    found = _recipe(
        "FROM python:3.13-slim\nRUN pip install -r a.txt --constraint=c.txt -rb.txt flask==3\n"
        "RUN pip install -e .\n"
    )
    assert builderstage.pip_files(found.steps[0]) == (["a.txt", "c.txt", "b.txt"], False)
    assert builderstage.pip_files(found.steps[1]) == ([], True)


def test_copy_everything_becomes_a_copy_of_the_requirement_file(tmp_path: Path) -> None:
    context = _context(tmp_path, "requirements/prod.txt", "app.py")
    found = _recipe(
        "FROM python:3.13-slim\nWORKDIR /srv\nCOPY . .\nRUN pip install -r requirements/prod.txt\n"
    )
    lines = builderstage.builder_stage(found, context)
    assert "COPY requirements/prod.txt /srv/requirements/prod.txt" in lines
    assert "COPY . ." not in lines


def test_a_file_the_copies_do_not_explain_falls_back_to_the_originals_copies(
    tmp_path: Path,
) -> None:
    context = _context(tmp_path, "app.py")
    found = _recipe("FROM python:3.13-slim\nCOPY app.py /srv/\nRUN pip install -r /etc/reqs.txt\n")
    assert "COPY app.py /srv/" in builderstage.builder_stage(found, context)


def test_a_local_project_gets_what_the_original_copied_before_installing(tmp_path: Path) -> None:
    context = _context(tmp_path, "pyproject.toml", "src/pkg/__init__.py")
    found = _recipe(
        "FROM python:3.13-slim\nWORKDIR /app\nCOPY pyproject.toml .\nCOPY src/ src/\n"
        "RUN pip install .\nCOPY late.txt .\n"
    )
    lines = builderstage.builder_stage(found, context)
    assert lines.count("COPY pyproject.toml .") == 1
    assert "COPY src/ src/" in lines
    assert "COPY late.txt ." not in lines


def test_stage_names_avoid_the_originals() -> None:
    found = _recipe(
        "FROM python:3.13-slim AS builder\nRUN apt-get install -y gcc\n"
        "FROM builder\nRUN pip install x\n"
    )
    assert builderstage.stage_name(found, "builder") == "slimstage-builder"
    assert builderstage.stage_name(found, "final") == "final"


def test_no_copy_step_is_written_twice(tmp_path: Path) -> None:
    context = _context(tmp_path, "a.txt")
    found = _recipe(
        "FROM python:3.13-slim\nCOPY a.txt /x/\nRUN pip install -r /x/a.txt\n"
        "RUN pip install -r /x/a.txt gunicorn\n"
    )
    lines = builderstage.builder_stage(found, context)
    assert lines.count("COPY a.txt /x/a.txt") == 1
    assert sum(line.startswith("RUN --mount=type=cache") for line in lines) == 2
