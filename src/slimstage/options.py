"""One options object per command, filled and validated once by cli.py, handed to the command.

Field names are the command-line options' names (`--smoke-path` is `smoke_path`) and the
defaults live here only: the CLI passes on just the options given.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class DoctorOptions:
    release: str | None = None  # None: the default release and every other one present
    ca_bundle: Path | None = None  # the CA the stand-ins should trust; None: $SSL_CERT_FILE
    network: bool = False  # also check that containers reach PyPI and the Debian mirror


@dataclass(frozen=True)
class BaseBuildOptions:
    release: str | None = None
    mirror: str | None = None  # None: Debian's own mirror
    ca_bundle: Path | None = None  # None: $SSL_CERT_FILE when set
    rebuild: bool = False


@dataclass(frozen=True)
class BaseListOptions:
    release: str | None = None  # None: the default release and every other one present


@dataclass(frozen=True)
class CompareOptions:
    paths: tuple[Path, ...] = (Path("demo"),)
    context: Path | None = None
    build_arg: Mapping[str, str] = field(default_factory=dict)
    target: str | None = None
    jobs: int = 1
    smoke_path: str = "/"
    expect_status: int | None = None  # None: any 2xx or 3xx
    expect_body: str | None = None
    port: str | None = None  # None: the Dockerfile's first EXPOSE, else the image's lowest
    smoke_timeout: float = 60.0
    env: Mapping[str, str] = field(default_factory=dict)
    env_file: Path | None = None
    sidecars: tuple[str, ...] = ()  # --with NAME
    probe_image: str | None = None  # None: the first Python image the engine has
    config: Path | None = None  # None: .slimstage.toml in the current folder, if there
    edit: str | None = "app.py"  # None: no warm rebuild
    keep: bool = False
    tag_prefix: str = "slimstage-compare"
    format: str = "table"
    html: Path | None = None
    strict: bool = False  # skipped variants fail the run too
    verbose: bool = False
    log_dir: Path | None = None  # None: a new folder in the temporary directory
    #: The options given on the command line: they win over the settings file. Not an option
    #: itself, so two option sets that differ only in it are equal.
    given: frozenset[str] = field(default=frozenset(), compare=False)


@dataclass(frozen=True)
class GateOptions:
    """CI gate settings from flags; they win over the settings files."""

    gate_config: Path | None = None
    dive_ci: Path | None = None
    max_size: int | None = None
    min_efficiency: float | None = None
    max_wasted_bytes: int | None = None
    forbid_leftover: tuple[str, ...] = ()
    allow_secrets: bool = False


@dataclass(frozen=True)
class ReadOptions:
    """How images are read (analyze, diff): docs/analyze.md, "Limits" and "Verification"."""

    platform: str | None = None
    verify: bool = True  # --no-verify: False
    max_layer_bytes: int = 64 << 30
    max_ratio: int = 200  # 0: no ratio check
    base: str | None = None  # the image this one was built FROM, when the user names it


@dataclass(frozen=True)
class AnalyzeOptions:
    target: str
    format: str = "table"
    top: int = 10
    dive_compatible: bool = False
    html: Path | None = None
    read: ReadOptions = field(default_factory=ReadOptions)
    gate: GateOptions = field(default_factory=GateOptions)


@dataclass(frozen=True)
class DiffOptions:
    a: str
    b: str
    format: str = "table"
    top: int = 10
    read: ReadOptions = field(default_factory=ReadOptions)


@dataclass(frozen=True)
class LintOptions:
    paths: tuple[Path, ...]  # Path("-"): standard input
    format: str = "text"
    ignore: tuple[str, ...] = ()
    failure_threshold: str | None = None
    config: Path | None = None
    target: str | None = None
    build_arg: Mapping[str, str] = field(default_factory=dict)
    shellcheck: bool = True  # --no-shellcheck: False
    max_file_size: int | None = None  # None: lint's own limit (slimstage.lint.limits)


@dataclass(frozen=True)
class OptimizeOptions:
    dockerfile: Path = Path("Dockerfile")
    context: Path | None = None  # None: the Dockerfile's folder
    output: str | None = None  # None: Dockerfile.optimized beside the input; "-": stdout
    minimal: bool = False
    verify: bool = False
    build_arg: Mapping[str, str] = field(default_factory=dict)
    smoke_path: str = "/"
    port: str | None = None
    smoke_timeout: float = 60.0
    env: Mapping[str, str] = field(default_factory=dict)
    format: str = "text"
