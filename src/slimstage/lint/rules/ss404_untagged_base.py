"""SS404: a base image without a tag, or with `latest`.

An untagged or `latest` base changes under you: the next build may get another OS release or
Python version. Pin a tag (`python:3.13-slim`) or a digest.
"""

from __future__ import annotations

from collections.abc import Iterator

from slimstage.dockerfile import Stage
from slimstage.lint.rule import Context, Rule, Severity


def check(ctx: Context) -> Iterator[tuple[Stage, str]]:
    df = ctx.dockerfile
    earlier: set[str] = set()
    for stage in df.stages:
        image = stage.base
        if image.lower() not in earlier and image != "scratch" and "$" not in image:
            if "@" not in image:
                last = image.rsplit("/", 1)[-1]
                if ":" not in last:
                    yield stage, f"base image {image} has no tag: pin one"
                elif last.endswith(":latest"):
                    yield stage, f"base image {image} uses 'latest': pin a version"
        if stage.name:
            earlier.add(stage.name.lower())


RULE = Rule(
    "SS404", Severity.WARNING, "Base image untagged or latest", check, hadolint=("DL3006", "DL3007")
)
