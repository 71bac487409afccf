"""The archive's JSON documents, refused by shape before anything is read from them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from slimstage.errors import UsageError
from slimstage.image import manifest
from slimstage.image.manifest import Descriptor, Plan

DIGEST = "sha256:" + "a" * 64
OTHER = "sha256:" + "b" * 64


def _loader(documents: dict[str, Any]) -> tuple[manifest.LoadJson, manifest.Has]:
    def load(name: str, what: str) -> Any:
        if name not in documents:
            raise UsageError(f"image archive names a {what} it does not contain: {name}")
        return documents[name]

    return load, documents.__contains__


def _plan(documents: dict[str, Any], want: str | None = None) -> Plan:
    load, has = _loader(documents)
    return manifest.plan(load, has, want, "x.tar")


def test_docker_save_manifest() -> None:
    plan = _plan({"manifest.json": [{"Config": "c.json", "Layers": ["a/layer.tar"]}]})
    assert plan == Plan("docker-archive (classic)", "c.json", None, ("a/layer.tar",))


def test_oci_index_to_manifest_with_descriptors() -> None:
    image = {
        "config": {"digest": DIGEST, "size": 10},
        "layers": [{"digest": OTHER, "size": 20, "mediaType": "x"}],
    }
    plan = _plan(
        {
            "index.json": {"manifests": [{"digest": DIGEST, "size": 3}]},
            f"blobs/sha256/{'a' * 64}": image,
        }
    )
    assert plan == Plan("oci-layout", f"blobs/sha256/{'a' * 64}", 10, (Descriptor(OTHER, 20),))


@pytest.mark.parametrize(
    ("documents", "message"),
    [
        ({"manifest.json": ["a", "b"]}, "first entry is not a JSON object"),
        ({"manifest.json": {"Config": "c"}}, "manifest.json is not a list"),
        ({"manifest.json": []}, "lists no image"),
        ({"manifest.json": [{"Config": "c", "Layers": 5}]}, "Layers is not a list"),
        ({"manifest.json": [{"Config": 5, "Layers": []}]}, "Config is not a string"),
        ({"manifest.json": [{"Config": "c", "Layers": [{"a": 1}]}]}, "layer is not a string"),
        ({"index.json": ["x"]}, "index.json is not a JSON object"),
        ({"index.json": {"manifests": 5}}, "index is not a list"),
        ({"index.json": {"manifests": []}}, "lists no manifests"),
        ({"index.json": {"manifests": ["x"]}}, "index entry is not a JSON object"),
        ({"index.json": {"manifests": [{"digest": "md5:x"}]}}, "no valid sha256/sha512 digest"),
        ({"index.json": {"manifests": [{"digest": "sha256:../../etc"}]}}, "no valid"),
        (
            {"index.json": {"manifests": [{"digest": DIGEST, "size": -1}]}},
            "size that is not a count",
        ),
        (
            {"index.json": {"manifests": [{"digest": DIGEST, "size": True}]}},
            "size that is not a count",
        ),
        ({}, "not an image archive"),
    ],
)
def test_wrong_shapes_are_usage_errors(documents: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        _plan(documents)


def test_an_index_pointing_at_itself_stops() -> None:
    looping = {
        "manifests": [{"digest": DIGEST, "mediaType": "application/vnd.oci.image.index.v1+json"}]
    }
    with pytest.raises(UsageError, match="nested too deeply"):
        _plan({"index.json": looping, f"blobs/sha256/{'a' * 64}": looping})


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([1, 2], "is not a JSON object"),
        ({"history": 5}, "history is not a list"),
        ({"history": ["x"]}, "history entry is not a JSON object"),
        ({"config": []}, "config's config is not a JSON object"),
        ({"config": {"Env": "PATH=/bin"}}, "Env is not a list"),
        ({"config": {"Env": [5]}}, "Env entry is not a string"),
        ({"config": {"Labels": ["a"]}}, "Labels is not a JSON object"),
        ({"rootfs": {"diff_ids": "x"}}, "diff_ids is not a list"),
    ],
)
def test_config_of_the_wrong_shape(document: Any, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        manifest.config(document, "c.json")


def test_config_values() -> None:
    config = manifest.config(
        {
            "config": {"Env": ["A=1", "B=x=y", "EMPTY"], "Labels": {"l": "v", "n": None, "d": {}}},
            "history": [{"created_by": "ADD x"}, {"created_by": ["odd"]}, {"empty_layer": True}],
            "rootfs": {"diff_ids": [DIGEST]},
        },
        "c",
    )
    assert config.env == {"A": "1", "B": "x=y", "EMPTY": ""}
    assert config.labels == {"l": "v"}
    assert config.diff_ids == (DIGEST,)
    assert manifest.layer_history(config, 3) == ["ADD x", "", "(missing)"]


def test_json_nested_too_deeply_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="nested too deeply"):
        manifest.parse(b"[" * 10_000 + b"]" * 10_000, "manifest.json")
    with pytest.raises(UsageError, match="not valid JSON"):
        manifest.parse(b"\xff\xfe{", "manifest.json")
    assert manifest.parse(json.dumps({"a": 1}).encode(), "x") == {"a": 1}


@pytest.mark.parametrize(
    ("machine", "expected"),
    [
        ("x86_64", "linux/amd64"),
        ("AARCH64", "linux/arm64"),
        ("arm64", "linux/arm64"),
        ("riscv64", "linux/riscv64"),
    ],
)
def test_the_default_platform_is_this_machine_s_in_oci_words(
    monkeypatch: pytest.MonkeyPatch, machine: str, expected: str
) -> None:
    import platform

    monkeypatch.setattr(platform, "machine", lambda: machine)
    assert manifest.default_platform() == expected
