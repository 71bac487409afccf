"""Command-line parsing only: each subcommand's options are parsed and validated here, once,
into its options object (slimstage.options) and handed to its module in slimstage.commands.

Options not given are left out of the parsed arguments (argparse.SUPPRESS), so their defaults
live in one place: the options classes. Command modules, and with them the engine, the bases and
the analyses, are imported only when their command runs; checks that need a feature's knowledge
(is this a Debian release slimstage knows?) are made by the command, before any work starts.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from slimstage import __version__, argtypes, options
from slimstage.errors import (
    EXIT_INTERRUPTED,
    EXIT_UNEXPECTED,
    CommandFailed,
    SlimstageError,
    UsageError,
)


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors become UsageError (one line, exit 2) like every other error."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("argument_default", argparse.SUPPRESS)
        super().__init__(**kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


# -- the parser --------------------------------------------------------------------------------

Subparsers = Any  # argparse's _SubParsersAction is private


def _command(sub: Subparsers, name: str, run: str, option_class: type, **kw: Any) -> _Parser:
    parser: _Parser = sub.add_parser(name, **kw)
    parser.set_defaults(_run=run, _options=option_class)
    return parser


def _add_bases(sub: Subparsers) -> None:
    doctor = _command(
        sub, "doctor", "doctor:run", options.DoctorOptions, help="check the engine and bases"
    )
    doctor.add_argument("--release", help="Debian release (default: every release present)")
    doctor.add_argument(
        "--ca-bundle", type=Path, help="CA bundle the stand-ins should trust ($SSL_CERT_FILE)"
    )
    doctor.add_argument(
        "--network", action="store_true", help="check that containers reach PyPI and Debian"
    )
    base = sub.add_parser("base", help="stand-in base images built from Debian packages")
    base_sub = base.add_subparsers(dest="base_command", required=True, parser_class=_Parser)
    build = _command(
        base_sub, "build", "base:build", options.BaseBuildOptions, help="build missing stand-ins"
    )
    build.add_argument("--release", help="Debian release (default trixie)")
    build.add_argument("--mirror", help="Debian mirror (default http://deb.debian.org/debian)")
    build.add_argument("--ca-bundle", type=Path, help="extra CA bundle (default $SSL_CERT_FILE)")
    build.add_argument("--rebuild", action="store_true", help="rebuild stand-ins present")
    listing = _command(
        base_sub, "list", "base:list_", options.BaseListOptions, help="which bases are present"
    )
    listing.add_argument("--release", help="Debian release (default: every release present)")


def _add_compare(sub: Subparsers) -> None:
    p = _command(
        sub, "compare", "compare:run", options.CompareOptions, help="build variants, measure them"
    )
    p.add_argument("paths", nargs="*", type=Path, help="Dockerfiles or folders (default demo)")
    p.add_argument("--context", type=Path, help="build context (default: each file's folder)")
    p.add_argument("--build-arg", action="append", type=argtypes.key_value, metavar="K=V")
    p.add_argument("--target", help="build this stage of every variant")
    p.add_argument(
        "--jobs", type=argtypes.positive_int, help="variants built in parallel (default 1)"
    )
    p.add_argument("--keep", action="store_true", help="keep the built images")
    p.add_argument("--tag-prefix", help="repository prefix (default slimstage-compare)")
    p.add_argument("--format", choices=["table", "json", "markdown"])
    p.add_argument("--html", type=Path, metavar="FILE", help="also write a self-contained report")
    p.add_argument("--strict", action="store_true", help="variants skipped here fail the run")
    p.add_argument("--verbose", "-v", action="store_true", help="stream every build log line")
    p.add_argument("--log-dir", type=Path, help="build logs (default: a new temporary folder)")
    p.add_argument("--config", type=Path, help="settings file (default .slimstage.toml)")
    s = p.add_argument_group("smoke test (also [compare] in the settings file)")
    s.add_argument("--smoke-path", help="HTTP path that must answer (default /)")
    s.add_argument(
        "--expect-status", type=argtypes.positive_int, help="status (default: any 2xx/3xx)"
    )
    s.add_argument("--expect-body", metavar="REGEX", help="the body must match")
    s.add_argument("--port", help="container port (default: the Dockerfile's first EXPOSE)")
    s.add_argument("--smoke-timeout", type=argtypes.positive_float, help="seconds (default 60)")
    s.add_argument(
        "--env", action="append", type=argtypes.key_value, metavar="K=V", help="for the app"
    )
    s.add_argument("--env-file", type=Path, help="KEY=VALUE lines for the app's environment")
    s.add_argument("--with", dest="sidecars", action="append", metavar="NAME", help="sidecar")
    s.add_argument("--probe-image", help="image with python3 the probe runs in")
    p.add_argument("--edit", help="file in the context edited for the warm rebuild (app.py)")
    p.add_argument("--no-warm", action="store_true", help="skip the warm rebuild")


def _add_reading(p: _Parser) -> None:
    """How analyze and diff read images (options.ReadOptions)."""
    p.add_argument("--platform", help="os/arch in a multi-platform image (e.g. linux/amd64)")
    p.add_argument("--no-verify", action="store_true", help="do not check blob digests")
    p.add_argument("--max-layer-bytes", type=argtypes.size, help="largest layer tar read (64GiB)")
    p.add_argument(
        "--max-ratio", type=argtypes.count, help="largest expansion past 1GiB (200; 0: off)"
    )


def _add_analyze(sub: Subparsers) -> None:
    p = _command(sub, "analyze", "analyze:run", options.AnalyzeOptions, help="where the bytes go")
    p.add_argument("target", help="image in the engine, image archive, or OCI layout")
    _add_reading(p)
    p.add_argument("--base", help="the image TARGET was built FROM (default: found)")
    p.add_argument("--format", choices=["table", "json", "markdown"])
    p.add_argument("--top", type=argtypes.positive_int, help="largest paths to list (default 10)")
    p.add_argument("--html", type=Path, metavar="FILE", help="also write a self-contained report")
    p.add_argument(
        "--dive-compatible",
        action="store_true",
        help="print only dive 0.13's efficiencyScore and inefficientBytes, computed as dive does",
    )
    gate = p.add_argument_group("CI gate (exit 7 when a rule fails)")
    gate.add_argument("--gate-config", type=Path, help="settings file (default .slimstage.toml)")
    gate.add_argument("--dive-ci", type=Path, help="dive's .dive-ci rules file")
    gate.add_argument("--max-size", type=argtypes.size, help="stored bytes above this fail (200MB)")
    gate.add_argument("--min-efficiency", type=argtypes.fraction, help="below this fails (0..1)")
    gate.add_argument(
        "--max-wasted-bytes", type=argtypes.size, help="waste above this fails (10MB)"
    )
    gate.add_argument("--forbid-leftover", action="append", metavar="CATEGORY", help="repeatable")
    gate.add_argument("--allow-secrets", action="store_true", help="do not fail on secrets")


def _add_diff(sub: Subparsers) -> None:
    p = _command(
        sub, "diff", "diff:run", options.DiffOptions, help="what is in one image, not the other"
    )
    p.add_argument("a")
    p.add_argument("b")
    _add_reading(p)
    p.add_argument("--format", choices=["table", "json", "markdown"])
    p.add_argument("--top", type=argtypes.positive_int)


def _add_lint(sub: Subparsers) -> None:
    p = _command(sub, "lint", "lint:run", options.LintOptions, help="stage-aware Dockerfile linter")
    p.add_argument(
        "paths", nargs="+", type=Path, metavar="DOCKERFILE", help="a file, or - for stdin"
    )
    p.add_argument("--format", choices=["text", "json", "sarif"])
    p.add_argument("--ignore", action="append", metavar="CODE")
    p.add_argument("--failure-threshold", choices=["error", "warning", "info", "style"])
    p.add_argument("--config", type=Path, help="settings file (default: .slimstage.toml)")
    p.add_argument("--target", help="lint as if building this stage")
    p.add_argument("--build-arg", action="append", type=argtypes.key_value, metavar="K=V")
    p.add_argument(
        "--no-shellcheck", dest="shellcheck", action="store_false", help="skip ShellCheck"
    )
    p.add_argument(
        "--max-file-size", type=argtypes.size, help="largest Dockerfile read (default 10MB)"
    )


def _add_optimize(sub: Subparsers) -> None:
    p = _command(
        sub,
        "optimize",
        "optimize:run",
        options.OptimizeOptions,
        help="rewrite a single-stage Python Dockerfile as a verified multi-stage one",
    )
    p.add_argument("dockerfile", nargs="?", type=Path, help="default: ./Dockerfile")
    p.add_argument("--context", type=Path, help="build context (default: the file's folder)")
    p.add_argument("-o", "--output", help="where to write (default Dockerfile.optimized; - stdout)")
    p.add_argument("--minimal", action="store_true", help="final stage on the runtime-only base")
    p.add_argument("--verify", action="store_true", help="build both and smoke-test both")
    p.add_argument("--build-arg", action="append", type=argtypes.key_value, metavar="K=V")
    p.add_argument("--smoke-path", help="HTTP path that must answer (default /)")
    p.add_argument("--port", help="container port to smoke-test (default: the image's EXPOSE)")
    p.add_argument("--smoke-timeout", type=argtypes.positive_float, help="seconds (default 60)")
    p.add_argument(
        "--env", action="append", type=argtypes.key_value, metavar="K=V", help="for the smoke test"
    )
    p.add_argument("--format", choices=["text", "json"])


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="slimstage", description=__doc__.split("\n", 1)[0])
    parser.add_argument("--version", action="version", version=f"slimstage {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and command logs")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for add in (_add_bases, _add_compare, _add_analyze, _add_diff, _add_lint, _add_optimize):
        add(sub)
    return parser


# -- from parsed arguments to an options object ------------------------------------------------

_SEQUENCES = {"paths", "forbid_leftover", "ignore", "sidecars"}


def _fill(option_class: type, given: dict[str, Any]) -> Any:
    """An options object from the given options that OPTION_CLASS has (the rest: its defaults)."""
    names = {f.name for f in dataclasses.fields(option_class)}
    values = {k: tuple(v) if k in _SEQUENCES else v for k, v in given.items() if k in names}
    return option_class(**values)


def parse(argv: Sequence[str]) -> tuple[Callable[[Any], int], Any]:
    """The command's function and its options object for ARGV."""
    given = dict(vars(build_parser().parse_args(argv)))
    module, _, function = given.pop("_run").partition(":")
    option_class = given.pop("_options")
    for pairs in ("build_arg", "env"):
        if pairs in given:
            given[pairs] = dict(given[pairs])
    if option_class is options.CompareOptions:
        names = {f.name for f in dataclasses.fields(option_class)}
        given["given"] = frozenset(given) & names
    if given.pop("no_warm", False):
        given["edit"] = None
    if given.pop("no_verify", False):
        given["verify"] = False
    if option_class in (options.AnalyzeOptions, options.DiffOptions):
        given["read"] = _fill(options.ReadOptions, given)
    if option_class is options.AnalyzeOptions:
        given["gate"] = _fill(options.GateOptions, given)
    command = getattr(importlib.import_module(f"slimstage.commands.{module}"), function)
    return command, _fill(option_class, given)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        command, chosen = parse(argv)
        return command(chosen)
    except KeyboardInterrupt:
        print("slimstage: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except SlimstageError as exc:
        if debug:
            traceback.print_exc()
            if isinstance(exc, CommandFailed):
                print(exc.details(), file=sys.stderr)
        print(f"slimstage: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except Exception as exc:
        if debug:
            traceback.print_exc()
        print(
            f"slimstage: unexpected error: {type(exc).__name__}: {exc} "
            "(this is a bug; run again with --debug and report the output)",
            file=sys.stderr,
        )
        return EXIT_UNEXPECTED
