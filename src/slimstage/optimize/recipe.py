"""What a single-stage (or poorly staged) Python Dockerfile does, read as steps for a rewrite.

Each instruction of the stage that becomes the image (its FROM chain flattened) becomes a Step:
package installs, pip installs, other RUNs ("setup"), copies from the build context, and the
instructions that only configure the image, kept as written. What cannot be rewritten safely is
refused here, before anything is built, with one line saying why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from slimstage import buildonly, managers
from slimstage.dockerfile import Dockerfile, Instruction, Stage
from slimstage.errors import AlreadyOptimal, CannotOptimize
from slimstage.optimize import runline

MANAGERS = {"apt-get": "install", "apt": "install", "apk": "add"}
_UNSUPPORTED = ("poetry", "pipenv", "uv", "conda", "mamba", "pdm", "hatch")
_PIP_TARGETS = ("--target", "-t", "--prefix", "--root")
_PYTHON_WORDS = re.compile(r"\b(python[\d.]*|pip[\d.]*|gunicorn|uvicorn|flask|django-admin)\b")


@dataclass(frozen=True)
class Step:
    kind: str  # "run", "copy" (from the context), "user", or "config" (kept as written)
    ins: Instruction
    source: str  # the instruction as written
    comments: tuple[str, ...]
    packages: tuple[str, ...] = ()  # what its package manager installs
    manager: str = ""  # apt-get, apt or apk
    pip: bool = False  # it runs `pip install`


@dataclass(frozen=True)
class Recipe:
    path: str
    base: str  # the FROM image as written (ARGs unexpanded)
    base_image: str  # expanded
    global_args: tuple[str, ...]  # the ARGs before the first FROM, as written
    prelude: tuple[str, ...]  # other stages, kept as written
    steps: tuple[Step, ...]
    stage_names: frozenset[str]  # names already taken (lower case)

    @property
    def distro(self) -> str | None:
        """debian or alpine, from the package managers the file calls or the base's name."""
        managers = {s.manager for s in self.steps if s.manager}
        if managers & {"apt-get", "apt"}:
            return "debian"
        if "apk" in managers or "alpine" in self.base_image:
            return "alpine"
        if re.search(r"python|debian|ubuntu", self.base_image):
            return "debian"
        return None

    def installs(self) -> list[tuple[str, Step]]:
        """Every package the original installs, with its step, in order."""
        return [(name, step) for step in self.steps for name in step.packages]


def source_of(parsed: Dockerfile, ins: Instruction) -> str:
    """The instruction as written: its lines, continuations and heredoc bodies included."""
    return "\n".join(parsed.text.split("\n")[ins.line - 1 : ins.end_line])


def comments_above(parsed: Dockerfile, ins: Instruction) -> tuple[str, ...]:
    found: list[str] = []
    number = ins.line - 1
    while number in parsed.comments:
        found.insert(0, parsed.comments[number])
        number -= 1
    return tuple(found)


def _package_args(words: tuple[str, ...], sub: str) -> tuple[str, ...] | None:
    name, args = runline.program(words)
    if name not in MANAGERS or sub != MANAGERS[name]:
        return None
    if managers.subcommand(name, args) != sub:  # past options' values: `-o Opt=1 install`
        return None
    named = managers.operands(args, sub, managers.VALUE_OPTIONS[name])
    return tuple(buildonly.normalise(a) for a in named)


def _read_run(parsed: Dockerfile, ins: Instruction) -> Step:
    text = "\n".join(ins.heredocs) if ins.heredocs else " ".join(ins.value)
    packages: list[str] = []
    manager, pip = "", False
    for part in runline.split(text) if not ins.json else []:
        name, args = runline.program(part.words)
        if name in _UNSUPPORTED and args[:1] in (("install",), ("sync",), ("pip",), ("add",)):
            raise CannotOptimize(f"{parsed.path}:{ins.line}: {name} installs are not supported yet")
        if name in MANAGERS:
            found = _package_args(part.words, MANAGERS[name])
            if found is not None:
                packages += found
                manager = manager or name
        if name == "pip" and args[:1] == ("install",):
            if any(a.split("=")[0] in _PIP_TARGETS for a in args):
                raise CannotOptimize(
                    f"{parsed.path}:{ins.line}: pip install --target/--prefix/--root: "
                    "only installs into an environment can move to a virtualenv"
                )
            pip = True
    return Step(
        "run",
        ins,
        source_of(parsed, ins),
        comments_above(parsed, ins),
        tuple(dict.fromkeys(packages)),
        manager,
        pip,
    )


def _step(parsed: Dockerfile, ins: Instruction) -> Step:
    if ins.cmd == "ONBUILD":
        raise CannotOptimize(
            f"{parsed.path}:{ins.line}: ONBUILD runs in images built from this one; "
            "a rewrite cannot tell where those instructions belong"
        )
    if ins.cmd == "RUN":
        return _read_run(parsed, ins)
    kind = "config"
    if ins.cmd in ("COPY", "ADD") and ins.flag("from") is None:
        kind = "copy"
    elif ins.cmd == "USER":
        kind = "user"
    return Step(kind, ins, source_of(parsed, ins), comments_above(parsed, ins))


def _prelude(parsed: Dockerfile, lineage: list[Stage]) -> tuple[str, ...]:
    """The stages outside the final stage's FROM chain, as written; refused when one of them
    builds on a stage of that chain (flattening it would take their base away)."""
    chain = {s.index for s in lineage}
    kept = []
    for stage in parsed.stages:
        if stage.index in chain:
            continue
        if parsed.dependencies(stage) & chain:
            raise CannotOptimize(
                f"{parsed.path}:{stage.line}: stage {stage.label!r} uses a stage the final "
                "image is built on; rewrite the stages by hand"
            )
        lines = [stage.from_instruction, *stage.instructions]
        kept.append("\n".join(source_of(parsed, i) for i in lines))
    return tuple(kept)


def _check_python(parsed: Dockerfile, base: str, steps: list[Step]) -> None:
    if any(s.pip for s in steps):
        return
    runs = " ".join(" ".join(s.ins.value) for s in steps if s.ins.cmd in ("CMD", "ENTRYPOINT"))
    if "python" not in base and not _PYTHON_WORDS.search(runs):
        raise CannotOptimize(
            f"{parsed.path}: not a Python image: the base ({base}) is not a Python image and "
            "nothing installs or runs Python"
        )
    if not any(s.packages for s in steps):
        raise AlreadyOptimal(
            f"{parsed.path}: nothing to move to a builder stage: it installs no packages and "
            "no Python dependencies"
        )


def _check_base(parsed: Dockerfile, stage: Stage, image: str) -> None:
    if not image or "$" in image or image == "scratch":
        raise CannotOptimize(
            f"{parsed.path}:{stage.line}: cannot identify the base image "
            f"({stage.base!r} expands to {image!r})"
        )


def _check_staging(parsed: Dockerfile, steps: list[Step], distro: str | None) -> None:
    """An already multi-stage file is rewritten only when its final stage installs build tools."""
    if len(parsed.stages) == 1:
        return
    tools = [
        name
        for step in steps
        for name in step.packages
        if buildonly.is_build_only(name, distro or "debian")
    ]
    if not tools:
        raise AlreadyOptimal(
            f"{parsed.path}: already optimal: it is multi-stage and its final stage installs "
            "no build tools"
        )


def read(parsed: Dockerfile, build_args: dict[str, str] | None = None) -> Recipe:
    """The recipe of the stage that becomes the image; raises CannotOptimize or AlreadyOptimal."""
    for ins in parsed.instructions:
        if ins.cmd == "ONBUILD":
            _step(parsed, ins)  # refuses
    final = parsed.final()
    lineage = parsed.lineage(final, build_args)
    root = lineage[-1]
    image = parsed.base_name(root, build_args)
    _check_base(parsed, root, image)
    steps = [_step(parsed, ins) for stage in reversed(lineage) for ins in stage.instructions]
    recipe = Recipe(
        path=parsed.path,
        base=root.base,
        base_image=image,
        global_args=tuple(source_of(parsed, i) for i in parsed.global_args),
        prelude=_prelude(parsed, lineage),
        steps=tuple(steps),
        stage_names=frozenset(s.name.lower() for s in parsed.stages if s.name),
    )
    _check_python(parsed, image, steps)
    _check_staging(parsed, steps, recipe.distro)
    return recipe
