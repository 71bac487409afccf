"""The texts classify reads: run-time instructions and the app's copied files."""

from __future__ import annotations

from pathlib import Path

from slimstage import dockerfile
from slimstage.optimize import appfiles, recipe


def test_instructions_and_copied_text_files_are_read(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("print('hi')\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "run.sh").write_text("#!/bin/sh\nffmpeg -i x\n")
    (tmp_path / "pkg" / "blob.bin").write_bytes(b"\0\1\2")
    (tmp_path / "unused.py").write_text("not copied")
    text = (
        "FROM python:3.13-slim\nRUN pip install x\nCOPY app.py /app/\nCOPY pkg/ /app/pkg/\n"
        'HEALTHCHECK CMD curl -f http://x/\nCMD ["python", "/app/app.py"]\n'
    )
    found = recipe.read(dockerfile.parse(text, "Dockerfile"))
    texts = appfiles.runtime_texts(found, tmp_path)
    assert texts["HEALTHCHECK at line 5"] == "CMD curl -f http://x/"
    assert texts["CMD at line 6"] == "python /app/app.py"
    assert set(texts) == {"HEALTHCHECK at line 5", "CMD at line 6", "app.py", "pkg/run.sh"}


def test_globs_and_paths_outside_the_context(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("a")
    (tmp_path / "b.py").write_text("b")
    text = "FROM python:3.13-slim\nRUN pip install x\nCOPY *.py ../outside /app/\n"
    found = recipe.read(dockerfile.parse(text, "Dockerfile"))
    assert set(appfiles.runtime_texts(found, tmp_path)) == {"a.py", "b.py"}
