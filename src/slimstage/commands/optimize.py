"""`slimstage optimize`: rewrite a single-stage Python Dockerfile as a multi-stage one, from what
the built code needs, and with --verify prove that the result still works."""

from __future__ import annotations

import sys
from pathlib import Path

from slimstage import dockerfile, proc
from slimstage.engine import Engine
from slimstage.errors import UsageError, VariantsFailed
from slimstage.optimize import recipe, summary
from slimstage.optimize.optimizer import optimize
from slimstage.optimize.verify import SmokeSettings, VerifyOutcome, verify
from slimstage.options import OptimizeOptions


def _read(path: Path) -> dockerfile.Dockerfile:
    try:
        text = path.read_text()
    except (OSError, UnicodeError) as exc:
        raise UsageError(f"{path}: cannot read: {exc}") from None
    return dockerfile.parse(text, str(path))


def _output(options: OptimizeOptions) -> str:
    if options.output is not None:
        return options.output
    return str(options.dockerfile.with_name(f"{options.dockerfile.name}.optimized"))


def _failure(found: VerifyOutcome) -> str | None:
    if not found.original.smoke_ok:
        return "the original fails its own smoke test, so nothing was verified"
    if not found.optimized.smoke_ok:
        return "the optimized image fails where the original passes; it is not a success"
    return None


def run(options: OptimizeOptions) -> int:
    parsed = _read(options.dockerfile)
    context = options.context or options.dockerfile.parent
    if not context.is_dir():
        raise UsageError(f"{context}: the build context is not a folder")
    found_recipe = recipe.read(parsed, dict(options.build_arg))
    engine = Engine.connect()
    proc.log(f"optimize: building the builder stage of {options.dockerfile}")
    result = optimize(
        engine,
        found_recipe,
        context,
        minimal=options.minimal,
        build_args=options.build_arg,
        on_line=lambda line: proc.log(f"[builder] {line}"),
    )
    output = _output(options)
    if output != "-":
        Path(output).write_text(result.text)
        proc.log(f"optimize: wrote {output}")
    checked = None
    if options.verify:
        settings = SmokeSettings(
            options.port, options.smoke_path, options.smoke_timeout, options.env
        )
        checked = verify(
            engine,
            options.dockerfile,
            result.text,
            context,
            settings=settings,
            build_args=options.build_arg,
            on_line=lambda line: proc.log(f"[verify] {line}"),
        )
    doc = summary.document(result, output, checked)
    report = summary.as_json(doc) if options.format == "json" else summary.as_text(doc)
    if output == "-":
        sys.stdout.write(result.text)
        sys.stderr.write(report)
    else:
        sys.stdout.write(report)
    sys.stdout.flush()
    failure = _failure(checked) if checked else None
    if failure:
        print(f"slimstage: optimize --verify: {failure}", file=sys.stderr)
        return VariantsFailed.exit_code
    return 0
