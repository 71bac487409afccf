"""Which layers an image got from its base (the FROM image) and which its own Dockerfile added.

Only the second kind can be changed by editing the Dockerfile; the first needs another base.
The boundary is found, in order of trust:
1. the base's own layers (diff_ids), when the base is known by name (`--base`, or a label such
   as org.opencontainers.image.base.name) and its layers are a prefix of the image's;
2. the history: the base's last entry is taken to be the last CMD or ENTRYPOINT that a
   layer-making entry follows (most bases end with one; a heuristic, and said to be one);
3. otherwise no boundary: every layer counts as the image's own, and the result says so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: Labels that may name the base image (the stand-ins' label names what they stand in for).
BASE_LABELS = ("org.opencontainers.image.base.name", "org.slimstage.stand-in.for")
_REFERENCE = re.compile(r"[a-z0-9][a-z0-9._/:@-]{0,250}")
_FINAL_SETTING = re.compile(r"^(?:/bin/sh -c #\(nop\)\s+)?(CMD|ENTRYPOINT)\b")


@dataclass(frozen=True)
class Origin:
    """The JSON `base` object: how many of the first layers are the base image's, and how that
    was found."""

    base_layers: int
    found_by: str  # "base image layers", "history (heuristic)" or "not found"
    base_image: str | None  # the base's name, when known
    detail: str  # one sentence for people


NOT_FOUND = Origin(0, "not found", None, "no base image found: every layer counts as this image's")


def candidates(labels: Mapping[str, str], given: str | None = None) -> list[str]:
    """Names that may be the base image: GIVEN first (an image, or an archive's path), then
    the image references the labels hold."""
    names = [label for key in BASE_LABELS if _REFERENCE.fullmatch(label := labels.get(key, ""))]
    return list(dict.fromkeys([given, *names] if given else names))


def from_layers(diff_ids: Sequence[str], base_diff_ids: Sequence[str], base: str) -> Origin | None:
    """The boundary when BASE's layers are the first of the image's; None if they are not."""
    count = len(base_diff_ids)
    if not count or count > len(diff_ids) or list(diff_ids[:count]) != list(base_diff_ids):
        return None
    return Origin(
        count, "base image layers", base, f"the first {count} layers are {base}'s own layers"
    )


def from_history(history: Sequence[Mapping[str, Any]], layers: int) -> Origin:
    """The boundary after the base's last history entry, found as the module docstring says."""
    made = 0  # layers made by the entries so far
    boundary = None
    pending: int | None = None  # layers made up to the last CMD/ENTRYPOINT seen
    for entry in history:
        created_by = entry.get("created_by")
        empty = entry.get("empty_layer") is True
        if not empty:
            made += 1
            if pending is not None:
                boundary, pending = pending, None
        if isinstance(created_by, str) and _FINAL_SETTING.match(created_by.strip()):
            pending = made
    if boundary is None or boundary > layers:
        return NOT_FOUND
    return Origin(
        boundary,
        "history (heuristic)",
        None,
        f"the first {boundary} layers end at the base's last CMD/ENTRYPOINT in the history",
    )


def is_base(layer: int, origin: Origin) -> bool:
    return layer < origin.base_layers
