"""The stand-ins slimstage makes, what they stand for, and which an engine has."""

from __future__ import annotations

import pytest

from slimstage.bases import catalog
from slimstage.engine import Engine
from slimstage.errors import UsageError
from tests.bases.fakestandins import FakeStandIns

TRIXIE = catalog.RELEASES["trixie"]


def test_base_image_names_follow_the_official_ones() -> None:
    tags = [image.tag for image in catalog.base_images(TRIXIE)]
    assert tags == ["debian:trixie-slim", "python:3.13-slim", "slimstage/python:3.13-runtime"]
    assert catalog.base_images(catalog.RELEASES["bookworm"])[1].tag == "python:3.11-slim"


def test_a_prefix_goes_before_every_tag() -> None:
    images = catalog.base_images(TRIXIE, prefix="slimstage-test-1/")
    assert images[2].tags == (
        "slimstage-test-1/slimstage/python:3.13-runtime",
        "slimstage-test-1/slimstage/python:3.13-runtime-trixie",
    )
    assert images[1].stands_for == "python:3.13-slim"


def test_unknown_release_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="known: bookworm, trixie"):
        catalog.release_named("sid")


def test_no_release_named_means_the_default_one() -> None:
    assert catalog.release_named(None) == catalog.RELEASES[catalog.DEFAULT_RELEASE]


def test_status_reads_what_each_label_records() -> None:
    engine = FakeStandIns()
    debian = engine.add_stand_in(
        "debian:trixie-slim", **{catalog.LABEL_CA: "none", catalog.LABEL_BUILT_FROM: "debootstrap"}
    )
    engine.add("python:3.13-slim", {catalog.LABEL_BUILT_ON: debian.id})
    rows = catalog.status(engine, TRIXIE)
    assert rows[0] == catalog.BaseStatus(
        "debian:trixie-slim", "debian-slim", "trixie", True, True, "debootstrap", debian.id, "none"
    )
    assert (rows[1].present, rows[1].stand_in, rows[1].built_on) == (True, False, debian.id)
    assert rows[2] == catalog.BaseStatus(
        "slimstage/python:3.13-runtime", "python-runtime", "trixie", present=False
    )


def test_survey_shows_the_default_release_and_every_release_with_a_stand_in() -> None:
    engine = FakeStandIns()
    assert [rows[0].release for rows in catalog.survey(engine, None)] == ["trixie"]
    engine.add("python:3.11-slim", {})  # an official image alone does not make a release ours
    assert [rows[0].release for rows in catalog.survey(engine, None)] == ["trixie"]
    engine.add_stand_in("slimstage/python:3.11-runtime")
    assert [rows[0].release for rows in catalog.survey(engine, None)] == ["trixie", "bookworm"]
    only = catalog.survey(engine, "bookworm")
    assert [[row.tag for row in rows] for rows in only] == [
        ["debian:bookworm-slim", "python:3.11-slim", "slimstage/python:3.11-runtime"]
    ]


@pytest.mark.engine
def test_every_stand_in_says_it_is_one_and_what_it_trusts(engine: Engine) -> None:
    for image in catalog.base_images(TRIXIE):
        labels = engine.image_labels(image.tag)
        assert labels.get(catalog.LABEL_STAND_IN) == "true", image.tag
        assert labels.get(catalog.LABEL_BUILT_FROM), image.tag
        assert labels.get(catalog.LABEL_CA), image.tag
    rows = catalog.status(engine, TRIXIE)
    assert all(row.present and row.stand_in for row in rows)
    assert [row.kind for row in rows] == ["debian-slim", "python-slim", "python-runtime"]
    assert [row.built_on for row in rows[1:]] == [rows[0].image_id] * 2
