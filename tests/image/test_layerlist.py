"""Layers handed out as they arrive, each judged when it does."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest

from slimstage.errors import UsageError
from slimstage.image.layerlist import Blob, LayerList, Verification
from slimstage.image.manifest import Descriptor, ImageConfig, Plan

DATA = [b"layer zero", b"layer one", b"layer two"]
SHAS = ["sha256:" + hashlib.sha256(d).hexdigest() for d in DATA]


class _Counted:
    """Blobs handed out one at a time, counting how many were asked for."""

    def __init__(self, blobs: list[Blob[int]]) -> None:
        self.blobs = iter(blobs)
        self.taken = 0

    def __iter__(self) -> Iterator[Blob[int]]:
        return self

    def __next__(self) -> Blob[int]:
        self.taken += 1
        return next(self.blobs)


def _list(
    diff_ids: list[str], digests: list[str], verify: bool = True
) -> tuple[LayerList[int], _Counted]:
    plan = Plan(
        "docker-archive (classic)", "c.json", None, tuple(f"{i}/layer.tar" for i in range(3))
    )
    config = ImageConfig(
        {}, {}, tuple({"created_by": f"RUN {i}"} for i in range(3)), tuple(diff_ids), {}
    )
    blobs = _Counted([Blob(i, digests[i], False, len(DATA[i])) for i in range(3)])
    return LayerList(plan, config, blobs, verify), blobs


def test_layers_are_read_only_as_far_as_they_are_asked_for() -> None:
    layers, blobs = _list(SHAS, SHAS)
    assert len(layers) == 3
    assert blobs.taken == 0
    assert layers[1].created_by == "RUN 1"
    assert blobs.taken == 2
    assert [layer.summary for layer in layers] == [0, 1, 2]
    assert layers[-1].index == 2
    assert [layer.index for layer in layers[1:]] == [1, 2]
    with pytest.raises(IndexError):
        layers[3]


def test_what_was_checked_is_known_after_every_layer() -> None:
    layers, blobs = _list(SHAS, SHAS)
    assert layers.verification() == Verification(
        True,
        ("config", "layer diff_ids in the config"),
        ("layer ids (docker-save's classic layout: they are not digests)",),
    )
    assert blobs.taken == 3
    unverified, _ = _list(SHAS, SHAS, verify=False)
    assert unverified.verification() == Verification(False, (), ("digests (--no-verify)",))


def test_a_layer_is_judged_when_it_arrives() -> None:
    layers, _ = _list(SHAS, [SHAS[0], SHAS[0], SHAS[2]])
    assert layers[0].summary == 0
    with pytest.raises(UsageError, match=r"layer 1/layer\.tar does not match its diff_id"):
        layers[1]


def test_the_count_of_diff_ids_is_checked_first() -> None:
    with pytest.raises(UsageError, match="lists 2 diff_ids for 3 layers"):
        _list(SHAS[:2], SHAS)


def test_blobs_named_by_digest_and_descriptor_sizes() -> None:
    names = tuple(Descriptor(sha, len(d)) for sha, d in zip(SHAS, DATA, strict=True))
    plan = Plan("oci-layout", "c", None, names)
    config = ImageConfig({}, {}, (), (), {})
    good = [Blob(i, SHAS[i], True, len(DATA[i])) for i in range(3)]
    layers = LayerList(plan, config, iter(good), True)
    assert layers.verification().checked == ("config", "layer blobs by digest")
    short = [Blob(0, SHAS[0], True, 1), *good[1:]]
    with pytest.raises(UsageError, match="its manifest says"):
        list(LayerList(plan, config, iter(short), True))


def test_a_layer_the_config_lists_no_diff_id_for_is_said_to_be_unchecked() -> None:
    names = tuple(Descriptor(sha, len(d)) for sha, d in zip(SHAS, DATA, strict=True))
    plan = Plan("oci-layout", "c", None, names)
    config = ImageConfig({}, {}, (), (), {})  # no diff_ids at all
    blobs = [Blob(i, SHAS[i], False, len(DATA[i])) for i in range(3)]
    assert LayerList(plan, config, iter(blobs), True).verification() == Verification(
        True, ("config", "layer blobs by digest"), ("layers the config lists no diff_id for",)
    )


def test_only_the_classic_layout_is_said_to_name_layers_by_id() -> None:
    # A docker-save archive with an index names its layers in manifest.json, as the classic
    # one does; named otherwise than by digest, each is checked by its diff_id alone.
    plan = Plan("docker-archive (oci)", "c.json", None, tuple(f"l{i}.tar" for i in range(3)))
    config = ImageConfig({}, {}, (), tuple(SHAS), {})
    blobs = [Blob(i, SHAS[i], False, len(DATA[i])) for i in range(3)]
    assert LayerList(plan, config, iter(blobs), True).verification() == Verification(
        True, ("config", "layer diff_ids in the config"), ()
    )


def test_a_compressed_layer_without_a_digest_in_its_name_is_said_to_be_unchecked() -> None:
    """docker load takes a gzip'd layer.tar; its diff_id is the digest of the tar inside, so
    neither the blob's digest nor the diff_id can be compared with what was hashed."""
    plan = Plan("docker-archive (classic)", "c.json", None, ("0/layer.tar",))
    config = ImageConfig({}, {}, (), ("sha256:" + "0" * 64,), {})
    blob = Blob(0, SHAS[0], True, len(DATA[0]))  # its digest is no diff_id: no error either
    assert LayerList(plan, config, iter([blob]), True).verification() == Verification(
        True,
        ("config",),
        (
            "compressed layers not named by a digest (nothing here to compare them with)",
            "layer ids (docker-save's classic layout: they are not digests)",
        ),
    )
