"""optimize's work with the engine: build the builder stage, look inside it and the final
stage's base, decide, and write the whole rewrite."""

from __future__ import annotations

import tempfile
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from slimstage.bases.catalog import RUNTIME_REPOSITORY
from slimstage.engine import Engine
from slimstage.errors import BaseImageMissing, CannotOptimize
from slimstage.optimize import appfiles, rewrite
from slimstage.optimize.builderstage import VENV, stage_name
from slimstage.optimize.classify import Findings, classify, stage_closure
from slimstage.optimize.finalstage import FinalPlan, PackageLine, exec_form
from slimstage.optimize.recipe import Recipe
from slimstage.optimize.survey import ImageSurvey, survey_image

LABEL_RUN = "org.slimstage.optimize"


@dataclass(frozen=True)
class Optimized:
    recipe: Recipe
    findings: Findings
    plan: FinalPlan
    text: str
    builder: ImageSurvey
    base: ImageSurvey
    final_base: str
    builder_seconds: float
    own_seconds: float


def _build_builder(
    engine: Engine,
    recipe: Recipe,
    context: Path,
    *,
    minimal: bool,
    build_args: Mapping[str, str],
    labels: dict[str, str],
    on_line: Callable[[str], None],
) -> tuple[str, float]:
    text = rewrite.builder_text(recipe, context, minimal=minimal)
    tag = f"slimstage-optimize/builder:{labels[LABEL_RUN]}"
    with tempfile.TemporaryDirectory(prefix="slimstage-optimize-") as tmp:
        path = Path(tmp) / "Dockerfile.builder"
        path.write_text(text)
        result = engine.build(
            dockerfile=path,
            context=context,
            tag=tag,
            labels=labels,
            build_args=build_args,
            target=stage_name(recipe, "builder"),
            on_line=on_line,
        )
    return tag, result.seconds


def _check_minimal(recipe: Recipe, builder: ImageSurvey, runtime: ImageSurvey, image: str) -> None:
    if builder.manager != "dpkg":
        raise CannotOptimize("--minimal needs a Debian-based builder (dpkg's file lists)")
    same = (builder.version, builder.executable, builder.codename)
    if same != (runtime.version, runtime.executable, runtime.codename):
        raise CannotOptimize(
            f"--minimal: {image} has {runtime.interpreter} on {runtime.codename or '?'}, the "
            f"builder {builder.interpreter} on {builder.codename or '?'}: a virtualenv needs the "
            "same interpreter; drop --minimal"
        )
    for step in recipe.steps:
        if step.kind == "run" and not (step.packages or step.pip):
            raise CannotOptimize(
                f"{recipe.path}:{step.ins.line}: --minimal: this RUN needs a shell and the "
                "runtime base has none; drop --minimal"
            )
        if exec_form(step) is None:
            raise CannotOptimize(
                f"{recipe.path}:{step.ins.line}: --minimal: {step.ins.cmd} uses shell syntax "
                "and the runtime base has no shell; write it in exec form or drop --minimal"
            )


def _surveys(
    engine: Engine, recipe: Recipe, tag: str, minimal: bool, labels: dict[str, str]
) -> tuple[ImageSurvey, ImageSurvey, str]:
    def look(image: str, venv: str | None, python: str = "python3") -> ImageSurvey:
        return survey_image(engine, image, venv=venv, labels=labels, python=python)

    has_venv = any(step.pip for step in recipe.steps)
    python = f"{VENV}/bin/python" if has_venv else "python3"
    if not minimal:
        with ThreadPoolExecutor(max_workers=2) as pool:
            builder = pool.submit(look, tag, VENV, python)
            base = pool.submit(look, recipe.base_image, None)
            return builder.result(), base.result(), recipe.base_image
    found = look(tag, VENV, python)
    minor = ".".join(found.version.split(".")[:2])
    runtime = f"{RUNTIME_REPOSITORY}:{minor}-runtime"
    if engine.inspect_image(runtime) is None:
        raise BaseImageMissing(f"--minimal needs {runtime}", fix="run `slimstage base build`")
    runtime_survey = look(runtime, None)
    _check_minimal(recipe, found, runtime_survey, runtime)
    return found, runtime_survey, runtime


def _user(recipe: Recipe, base: ImageSurvey, minimal: bool) -> str | None:
    if any(step.kind == "user" for step in recipe.steps):
        return None  # the original chose its user: kept
    if minimal:
        return "numeric"
    return next((tool for tool in ("useradd", "adduser") if base.tools.get(tool)), "numeric")


def _plan(
    recipe: Recipe,
    findings: Findings,
    surveys: tuple[ImageSurvey, ImageSurvey],
    final_base: str,
    minimal: bool,
) -> FinalPlan:
    builder, base = surveys
    if minimal:
        stage_closure(findings, builder, base)
        packages = findings.staged
    else:
        packages = findings.final_packages()
        if packages and base.manager is None:
            raise CannotOptimize(
                f"cannot identify the package manager of {final_base} (no dpkg or apk "
                f"database), and the final stage needs {', '.join(sorted(packages))}"
            )
    return FinalPlan(
        packages=tuple(PackageLine(name, why) for name, why in sorted(packages.items())),
        manager=builder.manager,
        minimal_base=final_base if minimal else None,
        add_user=_user(recipe, base, minimal),
        interpreter=builder.interpreter,
    )


def optimize(
    engine: Engine,
    recipe: Recipe,
    context: Path,
    *,
    minimal: bool,
    build_args: Mapping[str, str],
    on_line: Callable[[str], None],
) -> Optimized:
    """Build the builder, look inside, decide, and return the rewrite (nothing is left behind)."""
    labels = {LABEL_RUN: uuid.uuid4().hex[:12]}
    tag, seconds = _build_builder(
        engine,
        recipe,
        context,
        minimal=minimal,
        build_args=build_args,
        labels=labels,
        on_line=on_line,
    )
    started = time.monotonic()
    try:
        builder, base, final_base = _surveys(engine, recipe, tag, minimal, labels)
    finally:
        engine.remove_images([tag])
        engine.remove_labelled(f"{LABEL_RUN}={labels[LABEL_RUN]}")
    texts = appfiles.runtime_texts(recipe, context)
    findings = classify(recipe, builder, base, texts)
    plan = _plan(recipe, findings, (builder, base), final_base, minimal)
    text = rewrite.dockerfile_text(recipe, plan, context)
    return Optimized(
        recipe, findings, plan, text, builder, base, final_base, seconds, time.monotonic() - started
    )
