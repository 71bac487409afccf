"""Analysis results written by hand, for tests of what reads them (gate, reports, diff)."""

from __future__ import annotations

from typing import Any

from slimstage.analyze.analysis import Analysis, LayerReport, Packages
from slimstage.analyze.divecompat import DiveFigures
from slimstage.analyze.filetree import Waste
from slimstage.analyze.origin import NOT_FOUND
from slimstage.image.layerlist import Verification


def layer_report(
    index: int, size: int, created_by: str = "", *, from_base: bool = False, **more: Any
) -> LayerReport:
    fields: dict[str, Any] = {
        "index": index,
        "digest": f"l{index}",
        "created_by": created_by,
        "size_bytes": size,
        "files_added": 1,
        "files_modified": 0,
        "files_deleted": 0,
        "from_base": from_base,
        "wasted_bytes": 0,
    }
    return LayerReport(**{**fields, **more})


def analysis(**fields: Any) -> Analysis:
    """An Analysis of 1 MB stored, 800 kB visible, with FIELDS replaced."""
    defaults: dict[str, Any] = {
        "source": "x",
        "layout": "oci-layout",
        "size_bytes": 1_000_000,
        "visible_bytes": 800_000,
        "wasted_bytes": 200_000,
        "efficiency": 0.8,
        "waste": Waste(200_000, 0, 0, 0, 0),
        "base_waste": Waste(),
        "base_visible_bytes": 0,
        "dive": DiveFigures(0.7, 300_000, 1_000_000),
        "layers": [layer_report(0, 600_000), layer_report(1, 400_000)],
        "leftovers": [],
        "packages": Packages([], [], 0),
        "secrets": [],
        "top": [],
        "folders": [],
        "base": NOT_FOUND,
        "verification": Verification(True, ("config",), ()),
        "python_versions": [],
        "bytecode_disabled": False,
    }
    return Analysis(**{**defaults, **fields})
