"""The pre-commit hook, run by the real pre-commit on a project with a good and a bad Dockerfile.

pre-commit installs the hook from this checkout into its own virtualenv, from PyPI: the test needs
the network, as every pre-commit user does. try-repo takes the checkout's last commit plus changes
to files git tracks (a new file is seen once it is added).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

GOOD = """\
# syntax=docker/dockerfile:1
FROM python:3.13-slim AS builder
RUN python -m venv /opt/venv
WORKDIR /src
COPY requirements.txt .
RUN /opt/venv/bin/pip install --no-cache-dir -r requirements.txt

FROM python:3.13-slim
COPY --from=builder /opt/venv /opt/venv
COPY . /app
USER 1000
HEALTHCHECK CMD ["python", "-c", "print()"]
CMD ["/opt/venv/bin/python", "/app/app.py"]
"""
BAD = """\
FROM python:3.13-slim
RUN apt-get update && apt-get install -y build-essential && rm -rf /var/lib/apt/lists/*
RUN cd /app
CMD python app.py
"""


def _run(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=900
    )


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    if shutil.which("git") is None:
        pytest.fail("the pre-commit hook test needs git")
    repo = tmp_path / "project"
    (repo / "service").mkdir(parents=True)
    (repo / "Dockerfile").write_text(GOOD)
    (repo / ".dockerignore").write_text(".git\n")
    (repo / "service" / "Containerfile").write_text(BAD)
    (repo / "service" / "Dockerfile.dockerignore").write_text("*\n")
    (repo / "README.md").write_text("FROM nothing\n")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "GIT_AUTHOR_NAME": "test",
        "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "test",
        "GIT_COMMITTER_EMAIL": "test@example.com",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    for command in (("git", "init", "-q"), ("git", "add", "-A")):
        assert _run(*command, cwd=repo, env=env).returncode == 0
    return repo, env


def test_hook_fails_on_the_bad_dockerfile_only(project: tuple[Path, dict[str, str]]) -> None:
    repo, env = project
    try_repo = (sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "slimstage-lint")
    bad = _run(*try_repo, "--all-files", cwd=repo, env=env)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "service/Containerfile:2 SS101 warning" in bad.stdout
    assert "service/Containerfile:3 SC2164 warning" in bad.stdout
    assert "service/Containerfile:4 SS304 warning" in bad.stdout
    assert "Dockerfile:" not in bad.stdout.replace("service/", "").replace("Containerfile", "")
    assert "README" not in bad.stdout
    good = _run(*try_repo, "--files", "Dockerfile", "README.md", cwd=repo, env=env)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "slimstage lint" in good.stdout
    assert "Passed" in good.stdout
