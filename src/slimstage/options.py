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
    release: str | None = None  # None: the default release (slimstage.bases.catalog)


@dataclass(frozen=True)
class BaseBuildOptions:
    release: str | None = None
    mirror: str | None = None  # None: Debian's own mirror
    ca_bundle: Path | None = None  # None: $SSL_CERT_FILE when set
    rebuild: bool = False


@dataclass(frozen=True)
class BaseListOptions:
    release: str | None = None


@dataclass(frozen=True)
class CompareOptions:
    paths: tuple[Path, ...] = (Path("demo"),)
    context: Path | None = None
    build_arg: Mapping[str, str] = field(default_factory=dict)
    target: str | None = None
    jobs: int = 1
    smoke_path: str = "/"
    port: str | None = None
    smoke_timeout: float = 60.0
    edit: str | None = "app.py"  # None: no warm rebuild
    keep: bool = False
    tag_prefix: str = "slimstage-compare"
    format: str = "table"


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
    paths: tuple[Path, ...]
    format: str = "text"
    ignore: tuple[str, ...] = ()
    failure_threshold: str | None = None
    config: Path | None = None
    target: str | None = None
