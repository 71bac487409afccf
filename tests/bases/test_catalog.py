"""The stand-ins slimstage makes, what they stand for, and which an engine has."""

from __future__ import annotations

import pytest

from slimstage.bases import catalog
from slimstage.engine import Engine
from slimstage.errors import UsageError

TRIXIE = catalog.RELEASES["trixie"]


def test_base_image_names_follow_the_official_ones() -> None:
    tags = [image.tag for image in catalog.base_images(TRIXIE)]
    assert tags == ["debian:trixie-slim", "python:3.13-slim", "slimstage/python:3.13-runtime"]
    assert catalog.base_images(catalog.RELEASES["bookworm"])[1].tag == "python:3.11-slim"


def test_unknown_release_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="known: bookworm, trixie"):
        catalog.release_named("sid")


def test_no_release_named_means_the_default_one() -> None:
    assert catalog.release_named(None) == catalog.RELEASES[catalog.DEFAULT_RELEASE]


@pytest.mark.engine
def test_every_stand_in_says_it_is_one(engine: Engine) -> None:
    for image in catalog.base_images(TRIXIE):
        labels = engine.image_labels(image.tag)
        assert labels.get(catalog.LABEL_STAND_IN) == "true", image.tag
        assert labels.get(catalog.LABEL_BUILT_FROM), image.tag
    rows = catalog.status(engine, TRIXIE)
    assert all(row.present and row.stand_in for row in rows)
    assert [row.kind for row in rows] == ["debian-slim", "python-slim", "python-runtime"]
