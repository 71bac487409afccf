"""Command-line parsing only: each subcommand is dispatched to slimstage.commands."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from slimstage import __version__, bases
from slimstage.errors import (
    EXIT_INTERRUPTED,
    EXIT_UNEXPECTED,
    CommandFailed,
    SlimstageError,
    UsageError,
)


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors become UsageError (one line, exit 2) like every other error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def _key_value(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key, value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="slimstage", description=__doc__)
    parser.add_argument("--version", action="version", version=f"slimstage {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and command logs")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    doctor = sub.add_parser("doctor", help="check the engine, BuildKit and base images")
    doctor.add_argument("--release", default=bases.DEFAULT_RELEASE, choices=sorted(bases.RELEASES))

    base = sub.add_parser("base", help="stand-in base images built from Debian packages")
    base_sub = base.add_subparsers(dest="base_command", required=True, parser_class=_Parser)
    base_build = base_sub.add_parser("build", help="build the stand-ins that are missing")
    base_build.add_argument(
        "--release", default=bases.DEFAULT_RELEASE, choices=sorted(bases.RELEASES)
    )
    base_build.add_argument("--mirror", default=bases.DEFAULT_MIRROR)
    base_build.add_argument(
        "--ca-bundle",
        type=Path,
        help="extra CA bundle the images trust (default: $SSL_CERT_FILE when set)",
    )
    base_build.add_argument("--rebuild", action="store_true", help="rebuild stand-ins present")
    base_list = base_sub.add_parser("list", help="which base images are present")
    base_list.add_argument(
        "--release", default=bases.DEFAULT_RELEASE, choices=sorted(bases.RELEASES)
    )

    compare = sub.add_parser("compare", help="build Dockerfile variants and measure them")
    compare.add_argument("paths", nargs="*", type=Path, default=[Path("demo")])
    compare.add_argument("--context", type=Path, help="build context (default: each file's folder)")
    compare.add_argument("--build-arg", action="append", type=_key_value, default=[], metavar="K=V")
    compare.add_argument("--target", help="build this stage of every variant")
    compare.add_argument("--jobs", type=int, default=1, help="variants built in parallel")
    compare.add_argument("--smoke-path", default="/", help="HTTP path that must answer (default /)")
    compare.add_argument("--port", help="container port to publish (default: the image's EXPOSE)")
    compare.add_argument("--smoke-timeout", type=float, default=60.0)
    compare.add_argument(
        "--edit", default="app.py", help="file in the context edited for the warm rebuild"
    )
    compare.add_argument("--no-warm", action="store_true", help="skip the warm rebuild")
    compare.add_argument("--keep", action="store_true", help="keep the built images")
    compare.add_argument("--tag-prefix", default="slimstage-compare", help="repository prefix")
    compare.add_argument("--format", choices=["table", "json", "markdown"], default="table")

    analyze = sub.add_parser("analyze", help="where the bytes of an image go")
    analyze.add_argument("target", help="image in the engine, image archive, or OCI layout")
    analyze.add_argument("--platform", help="os/arch in a multi-platform image (e.g. linux/amd64)")
    analyze.add_argument("--format", choices=["table", "json", "markdown"], default="table")
    analyze.add_argument("--top", type=int, default=10, help="largest paths to list")
    analyze.add_argument("--gate-config", type=Path, help="gate settings (default .slimstage.toml)")
    analyze.add_argument("--dive-ci", type=Path, help="dive's .dive-ci rules file")
    analyze.add_argument("--max-size", help="fail above this many stored bytes (e.g. 200MB)")
    analyze.add_argument("--min-efficiency", type=float, help="fail below this (0..1)")
    analyze.add_argument("--max-wasted-bytes", help="fail above this much waste (e.g. 10MB)")
    analyze.add_argument(
        "--forbid-leftover",
        action="append",
        default=[],
        metavar="CATEGORY",
        help="fail when this leftover category is present (repeatable)",
    )
    analyze.add_argument("--allow-secrets", action="store_true", help="do not fail on secrets")
    analyze.add_argument(
        "--dive-compatible",
        action="store_true",
        help="print only dive 0.13's efficiencyScore and inefficientBytes, computed as dive does",
    )

    diff = sub.add_parser("diff", help="what is in one image and not in the other")
    diff.add_argument("a")
    diff.add_argument("b")
    diff.add_argument("--platform")
    diff.add_argument("--format", choices=["table", "json", "markdown"], default="table")
    diff.add_argument("--top", type=int, default=10)

    lint = sub.add_parser("lint", help="stage-aware Dockerfile linter")
    lint.add_argument(
        "paths", nargs="+", type=Path, metavar="DOCKERFILE", help="a file, or - for stdin"
    )
    lint.add_argument("--format", choices=["text", "json", "sarif"], default="text")
    lint.add_argument("--ignore", action="append", default=[], metavar="CODE")
    lint.add_argument(
        "--failure-threshold", choices=["error", "warning", "info", "style"], default=None
    )
    lint.add_argument("--config", type=Path, help="settings file (default: .slimstage.toml)")
    lint.add_argument("--target", help="lint as if building this stage")
    lint.add_argument("--build-arg", action="append", type=_key_value, default=[], metavar="K=V")
    lint.add_argument("--no-shellcheck", action="store_true", help="do not run ShellCheck on RUN")
    lint.add_argument("--max-file-size", help="largest Dockerfile read (default 10MB)")
    return parser


def _dispatch(args: argparse.Namespace) -> int:
    # Each command is imported when used, so `slimstage --version` and usage errors stay fast.
    if args.command == "doctor":
        from slimstage.commands import doctor

        return doctor.doctor(release=args.release)
    if args.command == "base":
        from slimstage.commands import base

        if args.base_command == "build":
            return base.build(
                release=args.release,
                mirror=args.mirror,
                ca_bundle=args.ca_bundle,
                rebuild=args.rebuild,
            )
        return base.list_(release=args.release)
    if args.command == "compare":
        from slimstage.commands import compare

        return compare.compare(
            paths=args.paths,
            context=args.context,
            build_args=dict(args.build_arg),
            target=args.target,
            jobs=args.jobs,
            smoke_path=args.smoke_path,
            port=args.port,
            smoke_timeout=args.smoke_timeout,
            edit=None if args.no_warm else args.edit,
            keep=args.keep,
            tag_prefix=args.tag_prefix,
            output_format=args.format,
        )
    if args.command in ("analyze", "diff"):
        from slimstage.commands import analyze

        if args.top < 1:
            raise UsageError("--top must be at least 1")
        if args.command == "diff":
            return analyze.diff(
                a=args.a, b=args.b, platform=args.platform, output_format=args.format, top=args.top
            )
        if args.dive_compatible:
            return analyze.dive_compatible(
                target=args.target, platform=args.platform, output_format=args.format
            )
        return analyze.analyze(
            target=args.target,
            platform=args.platform,
            output_format=args.format,
            top=args.top,
            gate_config=args.gate_config,
            dive_ci=args.dive_ci,
            max_size=args.max_size,
            min_efficiency=args.min_efficiency,
            max_wasted_bytes=args.max_wasted_bytes,
            forbid_leftovers=args.forbid_leftover,
            allow_secrets=args.allow_secrets,
        )
    if args.command == "lint":
        from slimstage.commands import lint

        return lint.lint(
            paths=args.paths,
            output_format=args.format,
            ignore=args.ignore,
            failure_threshold=args.failure_threshold,
            config_path=args.config,
            target=args.target,
            build_args=dict(args.build_arg),
            run_shellcheck=not args.no_shellcheck,
            max_file_size=args.max_file_size,
        )
    raise UsageError(f"unknown command {args.command!r}")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        args = build_parser().parse_args(argv)
        return _dispatch(args)
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
