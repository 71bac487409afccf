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
        ({"index.json": {"manifests": 5}}, "manifests is not a list"),
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


IMAGE_BLOB = f"blobs/sha256/{'a' * 64}"


def _indexed(image: Any) -> dict[str, Any]:
    return {"index.json": {"manifests": [{"digest": DIGEST, "size": 1}]}, IMAGE_BLOB: image}


@pytest.mark.parametrize(
    ("documents", "message"),
    [
        ({"manifest.json": ["a"]}, "manifest.json's first entry is not a JSON object"),
        ({"manifest.json": {}}, "manifest.json is not a list"),
        ({"manifest.json": []}, "manifest.json lists no image"),
        ({"manifest.json": [{"Config": "c", "Layers": 5}]}, "manifest.json's Layers is not a list"),
        (
            {"manifest.json": [{"Config": 5, "Layers": []}]},
            "manifest.json's Config is not a string",
        ),
        (
            {"manifest.json": [{"Config": "c", "Layers": [1]}]},
            "a manifest.json layer is not a string",
        ),
        ({"index.json": ["x"]}, "index.json is not a JSON object"),
        ({"index.json": {"manifests": 5}}, "the index's manifests is not a list"),
        ({"index.json": {"manifests": []}}, "the index lists no manifests"),
        ({"index.json": {"manifests": ["x"]}}, "an index entry is not a JSON object"),
        ({"index.json": {"manifests": [{}]}}, "an index entry has no valid sha256/sha512 digest"),
        (
            {"index.json": {"manifests": [{"digest": DIGEST, "size": -1}]}},
            "an index entry has a size that is not a count of bytes",
        ),
        (_indexed({"config": 5, "layers": []}), "the manifest's config is not a JSON object"),
        (
            _indexed({"config": {"digest": DIGEST}, "layers": 5}),
            "the manifest's layers is not a list",
        ),
        (
            _indexed({"config": {"digest": DIGEST}, "layers": [5]}),
            "a manifest layer is not a JSON object",
        ),
    ],
)
def test_each_wrong_shape_says_what_is_wrong_in_full(
    documents: dict[str, Any], message: str
) -> None:
    with pytest.raises(UsageError) as info:
        _plan(documents)
    assert str(info.value) == f"image archive: {message}"


def test_a_size_of_zero_is_a_count() -> None:
    plan = _plan(_indexed({"config": {"digest": DIGEST, "size": 0}, "layers": []}))
    assert plan.config_size == 0


def _platforms(*entries: tuple[str, str, dict[str, Any] | None]) -> dict[str, Any]:
    manifests = []
    documents: dict[str, Any] = {}
    for letter, platform, notes in entries:
        digest = "sha256:" + letter * 64
        entry: dict[str, Any] = {"digest": digest, "size": 1}
        if platform:
            os_name, arch = platform.split("/")
            entry["platform"] = {"os": os_name, "architecture": arch}
        if notes:
            entry["annotations"] = notes
        manifests.append(entry)
        documents[f"blobs/sha256/{letter * 64}"] = {
            "config": {"digest": "sha256:" + "c" * 64, "size": ord(letter)},
            "layers": [],
        }
    return {"index.json": {"manifests": manifests}, **documents}


ATTESTATION = {"vnd.docker.reference.type": "attestation-manifest"}


def test_platforms_are_chosen_and_attestations_passed_over(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(manifest, "default_platform", lambda: "linux/arm64")
    two = _platforms(("a", "linux/amd64", None), ("b", "linux/arm64", None))
    assert _plan(two).config_size == ord("b")  # this machine's
    assert _plan(two, "linux/amd64").config_size == ord("a")
    with pytest.raises(UsageError) as info:
        _plan(two, "linux/s390x")
    assert str(info.value) == (
        "--platform linux/s390x: not in this image (it has: linux/amd64, linux/arm64)"
    )
    # an attestation manifest (BuildKit's provenance) is never the image, whatever it claims
    attested = _platforms(("d", "unknown/unknown", ATTESTATION), ("e", "linux/amd64", None))
    assert _plan(attested).config_size == ord("e")
    assert _plan(attested, "linux/s390x").config_size == ord("e")  # the one image there is
    # a single image without a platform is the image whatever is asked
    assert _plan(_platforms(("f", "", None)), "linux/s390x").config_size == ord("f")
    # none but attestations: they are all there is
    only = _platforms(("d", "", ATTESTATION))
    assert _plan(only).config_size == ord("d")
    # several without platforms: the first, and a platform asked for is not there to say
    unnamed = _platforms(("a", "", None), ("b", "", None))
    assert _plan(unnamed).config_size == ord("a")
    with pytest.raises(UsageError, match=r"\(it has: none named\)$"):
        _plan(unnamed, "linux/amd64")


def _digest(n: int) -> str:
    return f"sha256:{n:064x}"


def _blob(n: int) -> str:
    return f"blobs/sha256/{n:064x}"


_INDEX_TYPE = "application/vnd.oci.image.index.v1+json"
_MANIFEST = {"config": {"digest": _digest(999)}, "layers": [{"digest": _digest(998)}]}


class _Loads:
    """index.json and blobs by name; remembers what each was asked for as."""

    def __init__(self, documents: dict[str, Any]) -> None:
        self.documents = documents
        self.asked: list[tuple[str, str]] = []

    def __call__(self, name: str, what: str) -> Any:
        self.asked.append((name, what))
        return self.documents[name]

    def has(self, name: str) -> bool:
        return name in self.documents


def _chain(depth: int) -> _Loads:
    """index.json, then DEPTH - 1 nested indexes, then an image manifest. Every entry but the
    last is typed as an index; the last is not typed: the document itself tells."""
    documents: dict[str, Any] = {}
    for level in range(depth):
        entry: dict[str, Any] = {"digest": _digest(level + 1)}
        if level < depth - 1:
            entry["mediaType"] = _INDEX_TYPE
        documents["index.json" if level == 0 else _blob(level)] = {"manifests": [entry]}
    documents[_blob(depth)] = _MANIFEST
    return _Loads(documents)


@pytest.mark.parametrize("depth", [1, 2, 8])
def test_nested_indexes_are_followed_to_the_image(depth: int) -> None:
    loads = _chain(depth)
    found = manifest.plan(loads, loads.has, None, "x")
    assert found.config == _blob(999)
    assert loads.asked[0] == ("index.json", "index")
    assert all(what == "manifest" for _, what in loads.asked[1:])
    assert len(loads.asked) == depth + 1


def test_indexes_nested_deeper_than_eight_are_refused() -> None:
    loads = _chain(9)
    with pytest.raises(UsageError) as caught:
        manifest.plan(loads, loads.has, None, "x")
    assert str(caught.value) == "image archive: indexes nested too deeply"


def test_an_entry_typed_as_an_index_is_followed_as_one() -> None:
    # Typed as an index, the document is read as one, even without a manifests list.
    entry = {"mediaType": _INDEX_TYPE, "digest": _digest(1)}
    loads = _Loads({"index.json": {"manifests": [entry]}, _blob(1): {"schemaVersion": 2}})
    with pytest.raises(UsageError) as caught:
        manifest.plan(loads, loads.has, None, "x")
    assert str(caught.value) == "image archive: the index lists no manifests"


def test_the_docker_manifest_is_asked_for_as_a_manifest() -> None:
    loads = _Loads({"manifest.json": [{"Config": "c.json", "Layers": ["l/layer.tar"]}]})
    manifest.plan(loads, loads.has, None, "x")
    assert loads.asked == [("manifest.json", "manifest")]


def _entries_for(*platforms: dict[str, str] | None) -> _Loads:
    entries = []
    for n, platform in enumerate(platforms, 1):
        entry: dict[str, Any] = {"digest": _digest(n)}
        if platform is not None:
            entry["platform"] = platform
        entries.append(entry)
    documents: dict[str, Any] = {"index.json": {"manifests": entries}}
    for n in range(1, len(platforms) + 1):
        documents[_blob(n)] = {"config": {"digest": _digest(100 + n)}, "layers": []}
    return _Loads(documents)


def test_with_no_platform_asked_and_none_like_this_machine_the_first_is_taken() -> None:
    loads = _entries_for(
        {"os": "linux", "architecture": "s390x"}, {"os": "linux", "architecture": "ppc64le"}
    )
    assert manifest.plan(loads, loads.has, None, "x").config == _blob(101)


def test_only_whole_platforms_are_named_when_the_one_asked_for_is_missing() -> None:
    loads = _entries_for({"os": "linux", "architecture": "amd64"}, {"os": "linux"}, None)
    with pytest.raises(UsageError) as caught:
        manifest.plan(loads, loads.has, "linux/arm64", "x")
    assert str(caught.value) == "--platform linux/arm64: not in this image (it has: linux/amd64)"


def test_messages_about_the_config_say_which_part() -> None:
    with pytest.raises(UsageError) as caught:
        manifest.config({"rootfs": []}, "c")
    assert str(caught.value) == "image archive: the config's rootfs is not a JSON object"
    with pytest.raises(UsageError) as caught:
        manifest.config({"rootfs": {"diff_ids": [5]}}, "c")
    assert str(caught.value) == "image archive: a diff_id is not a string"


def test_invalid_json_says_what_the_parser_said() -> None:
    with pytest.raises(UsageError) as caught:
        manifest.parse(b"{", "index.json")
    assert str(caught.value) == (
        "image archive: index.json is not valid JSON: "
        "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"
    )


def test_an_untyped_entry_leading_to_an_index_is_followed_as_one() -> None:
    # No entry says it is an index: a document with a manifests list is one all the same.
    documents: dict[str, Any] = {
        "index.json": {"manifests": [{"digest": _digest(1)}]},
        _blob(1): {"manifests": [{"digest": _digest(2)}]},
        _blob(2): _MANIFEST,
    }
    loads = _Loads(documents)
    found = manifest.plan(loads, loads.has, None, "x")
    assert (found.config, found.layers) == (_blob(999), (Descriptor(_digest(998), None),))
    assert [name for name, _ in loads.asked] == ["index.json", _blob(1), _blob(2)]


def test_what_the_parser_said_is_cut_at_80_characters() -> None:
    with pytest.raises(UsageError) as caught:
        manifest.parse(b"\n" * 99_999 + b"{", "index.json")
    assert str(caught.value) == (
        "image archive: index.json is not valid JSON: "
        "Expecting property name enclosed in double quotes: line 100000 column 2 (char 10"
    )
