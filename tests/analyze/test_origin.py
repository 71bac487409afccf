"""The boundary between the base image's layers and this image's own, and how it was found."""

from __future__ import annotations

from typing import Any

from slimstage.analyze import origin
from slimstage.analyze.origin import NOT_FOUND, candidates, from_history, from_layers

A, B, C, D = ("sha256:" + c * 64 for c in "abcd")


def _history(*entries: tuple[str, bool]) -> list[dict[str, Any]]:
    return [{"created_by": text, "empty_layer": empty} for text, empty in entries]


#: python:3.13-slim's history, then a Dockerfile's (BuildKit's wording).
SLIM = [
    ("", False),  # Imported from -
    ("ARG PYTHON", True),
    ("RUN |1 PYTHON=3.13 /bin/sh -c apt-get install python3", False),
    ("ENV LANG=C.UTF-8", True),
    ('CMD ["python3"]', True),
]
MINE = [
    ("ENV PYTHONDONTWRITEBYTECODE=1", True),
    ("RUN /bin/sh -c apt-get install build-essential # buildkit", False),
    ("COPY app.py . # buildkit", False),
    ('CMD ["python" "app.py"]', True),
    ("EXPOSE map[5000/tcp:{}]", True),
]


def test_the_base_ends_at_its_last_cmd_followed_by_a_layer() -> None:
    found = from_history(_history(*SLIM, *MINE), 4)
    assert (found.base_layers, found.found_by) == (2, "history (heuristic)")
    assert origin.is_base(1, found)
    assert not origin.is_base(2, found)


def test_the_classic_builders_wording_counts_too() -> None:
    history = _history(("ADD file:x in /", False), ('/bin/sh -c #(nop)  CMD ["bash"]', True))
    assert from_history(history + _history(("RUN make", False)), 2).base_layers == 1


def test_no_boundary_without_a_cmd_before_a_layer() -> None:
    assert from_history(_history(*SLIM), 2) == NOT_FOUND  # the base itself
    assert from_history(_history(("RUN a", False), ("RUN b", False)), 2) == NOT_FOUND
    assert NOT_FOUND.base_layers == 0


def test_the_bases_own_layers_decide_when_they_are_a_prefix() -> None:
    found = from_layers([A, B, C], [A, B], "python:3.13-slim")
    assert found is not None
    assert (found.base_layers, found.found_by, found.base_image) == (
        2,
        "base image layers",
        "python:3.13-slim",
    )
    assert from_layers([A, B, C], [A, D], "x") is None
    assert from_layers([A], [A, B], "x") is None
    assert from_layers([A], [], "x") is None


def test_candidates_from_the_flag_then_the_labels() -> None:
    labels = {
        "org.opencontainers.image.base.name": "debian:trixie-slim",
        "org.slimstage.stand-in.for": "no official image: a runtime made by slimstage",
    }
    assert candidates(labels) == ["debian:trixie-slim"]
    assert candidates(labels, "python:3.13-slim") == ["python:3.13-slim", "debian:trixie-slim"]
    assert candidates({"org.slimstage.stand-in.for": "python:3.13-slim"}) == ["python:3.13-slim"]


def test_an_image_that_is_its_base_and_one_that_is_shorter() -> None:
    same = from_layers([A, B], [A, B], "x")
    assert same is not None
    assert same.base_layers == 2  # FROM x with no layer of its own
    assert from_layers([A], [A, B], "x") is None
    assert from_layers([A, B], [], "x") is None


def test_a_boundary_at_the_last_layer_counts_and_one_past_it_does_not() -> None:
    # the base's layers, as many as the image has: the boundary is at its very end
    history = _history(*SLIM, ("RUN a", False))
    assert from_history(history, 3).base_layers == 2
    assert from_history(history, 2).base_layers == 2
    assert from_history(history, 1) == NOT_FOUND  # the history claims more than there is


def test_candidates_from_the_labels_that_name_an_image() -> None:
    labels = dict.fromkeys(origin.BASE_LABELS, "python:3.13-slim")
    assert candidates(labels) == ["python:3.13-slim"]
    assert candidates({}, "given:1") == ["given:1"]
    assert candidates({}) == []
