"""The final stage: packages, user, virtualenv and the original's own instructions."""

from __future__ import annotations

from slimstage import dockerfile
from slimstage.optimize import finalstage, recipe
from slimstage.optimize.finalstage import FinalPlan, PackageLine

PY = "Python 3.13.5 (/usr/bin/python3.13)"


def _recipe(text: str) -> recipe.Recipe:
    return recipe.read(dockerfile.parse(text, "Dockerfile"))


def test_exec_form_conversion_only_without_shell_syntax() -> None:
    found = _recipe(
        "FROM python:3.13-slim\nRUN pip install x\nCMD python app.py --port 8000\n"
        "ENTRYPOINT exec python $APP\nHEALTHCHECK --interval=5s CMD python check.py\n"
        'HEALTHCHECK CMD ["true"]\nHEALTHCHECK NONE\n'
    )
    cmd, entrypoint, health, health_exec, none = found.steps[1:]
    assert finalstage.exec_form(cmd) == 'CMD ["python", "app.py", "--port", "8000"]'
    assert finalstage.exec_form(entrypoint) is None
    assert finalstage.exec_form(health) == 'HEALTHCHECK --interval=5s CMD ["python", "check.py"]'
    assert finalstage.exec_form(health_exec) == 'HEALTHCHECK CMD ["true"]'
    assert finalstage.exec_form(none) == "HEALTHCHECK NONE"


def test_a_user_the_original_sets_is_kept_and_none_is_added() -> None:
    found = _recipe('FROM python:3.13-slim\nRUN pip install x\nUSER nobody\nCMD ["x"]\n')
    lines = finalstage.final_stage(found, FinalPlan((), "dpkg", None, None, PY))
    assert "USER nobody" in lines
    assert not any("useradd" in line for line in lines)


def test_a_user_is_added_after_the_last_step_that_needs_root() -> None:
    found = _recipe(
        "FROM python:3.13-slim\nRUN pip install x\nCOPY app.py /app/\nRUN mkdir /data\n"
        'EXPOSE 80\nCMD ["python", "/app/app.py"]\n'
    )
    lines = finalstage.final_stage(found, FinalPlan((), "dpkg", None, "numeric", PY))
    assert lines.index("USER 10001:10001") > lines.index("RUN mkdir /data")
    assert lines.index("USER 10001:10001") < lines.index("EXPOSE 80")


def test_minimal_copies_the_staged_packages_and_runs_as_nonroot() -> None:
    found = _recipe("FROM python:3.13-slim\nRUN pip install x\nCMD python app.py\n")
    plan = FinalPlan(
        (PackageLine("libpq5", "x.so needs libpq.so.5"),),
        "dpkg",
        "slimstage/python:3.13-runtime",
        "numeric",
        PY,
    )
    lines = finalstage.final_stage(found, plan)
    assert lines[1] == "FROM slimstage/python:3.13-runtime AS final"
    assert "COPY --from=builder /runtime-packages/ /" in lines
    assert "# libpq5: x.so needs libpq.so.5" in lines
    assert "USER 65532:65532" in lines
    assert 'CMD ["python", "app.py"]' in lines
    assert "# slimstage ignore=SS204" in lines


def test_apk_installs_with_no_cache() -> None:
    found = _recipe("FROM python:3.13-alpine\nRUN apk add gcc && pip install x\n")
    plan = FinalPlan((PackageLine("libpq", "why"),), "apk", None, "adduser", PY)
    lines = finalstage.final_stage(found, plan)
    assert "RUN apk add --no-cache libpq" in lines
    assert "RUN adduser -S -D -H -u 10001 app" in lines
    assert "USER app" in lines
