"""Putting an image together: digests compared with what names each blob."""

from __future__ import annotations

import hashlib
import io
import os
import time
from functools import partial
from pathlib import Path

import pytest

from slimstage.analyze.analysis import read_layer
from slimstage.errors import UsageError
from slimstage.image import archive, assembly, workers
from slimstage.image.assembly import algorithm_for, check_json_digest
from slimstage.image.layerlist import Blob, name_digest
from slimstage.image.manifest import Descriptor, ImageConfig, Plan
from tests.imagebuild import ImageSpec, compress, docker_classic, layer_tar

LAYER = layer_tar([("file", "a", "a" * 100)])
SHA = "sha256:" + hashlib.sha256(LAYER).hexdigest()


def _config(*diff_ids: str) -> ImageConfig:
    return ImageConfig({}, {}, (), diff_ids, {})


def _size(stream: object, name: str, location: str | None) -> int:
    return len(stream.read(-1))  # type: ignore[attr-defined]


def test_names_state_digests() -> None:
    assert name_digest("blobs/sha256/" + "0" * 64) == "sha256:" + "0" * 64
    assert name_digest("blobs/sha512/" + "0" * 128) == "sha512:" + "0" * 128
    assert name_digest("blobs/sha256/short") is None
    assert name_digest("abc/layer.tar") is None
    assert algorithm_for("blobs/sha512/x") == "sha512"
    assert algorithm_for("abc/layer.tar") == "sha256"


def test_read_blob_hashes_every_byte_and_tells_compression() -> None:
    packed = compress(LAYER, "gzip")
    found = assembly.read_blob(_size, io.BytesIO(packed), "blobs/sha256/x", None, True)
    assert found == Blob(
        len(packed), "sha256:" + hashlib.sha256(packed).hexdigest(), True, len(packed)
    )
    plain = assembly.read_blob(lambda s, n, loc: 0, io.BytesIO(LAYER), "l", None, True)
    assert plain.digest == SHA  # drained: the reader read nothing, the digest covers it all
    assert not plain.compressed
    unverified = assembly.read_blob(lambda s, n, loc: 0, io.BytesIO(LAYER), "l", None, False)
    assert unverified.digest is None


def test_json_blobs_must_match_their_names() -> None:
    data = b'{"a": 1}'
    hexdigest = hashlib.sha256(data).hexdigest()
    check_json_digest(f"blobs/sha256/{hexdigest}", data, True)
    check_json_digest(f"{hexdigest}.json", data, True)  # a classic config
    check_json_digest("manifest.json", data, True)  # named by no digest: nothing to check
    with pytest.raises(UsageError, match="does not match its digest"):
        check_json_digest(f"{'0' * 64}.json", data, True)
    check_json_digest(f"{'0' * 64}.json", data, False)


def _blob(digest: str, size: int = len(LAYER), compressed: bool = False) -> Blob[int]:
    return Blob(0, digest, compressed, size)


def test_diff_ids_must_match_and_count() -> None:
    plan = Plan("docker-archive (classic)", "c.json", None, ("x/layer.tar",))
    image = assembly.assemble("s", plan, _config(SHA), iter([_blob(SHA)]), True)
    assert image.verification.checked == ("config", "layer diff_ids in the config")
    wrong = assembly.assemble("s", plan, _config("sha256:" + "1" * 64), iter([_blob(SHA)]), True)
    with pytest.raises(UsageError, match="does not match its diff_id"):
        wrong.layers[0]
    with pytest.raises(UsageError, match="lists 2 diff_ids for 1 layers"):
        assembly.assemble("s", plan, _config(SHA, SHA), iter([_blob(SHA)]), True)


def test_descriptor_sizes_must_match() -> None:
    layer = Descriptor(SHA, len(LAYER) + 1)
    plan = Plan("oci-layout", "c", None, (layer,))
    image = assembly.assemble("s", plan, _config(SHA), iter([_blob(SHA)]), True)
    with pytest.raises(UsageError, match=f"is {len(LAYER)} bytes, its manifest says"):
        list(image.layers)


def test_an_unverified_blob_tells_compression_and_its_size_when_known() -> None:
    packed = compress(LAYER, "gzip")
    found = assembly.read_blob(_size, io.BytesIO(packed), "l", None, False)
    assert found == Blob(len(packed), None, True, -1)  # a plain stream does not know its size

    class Sized(io.BytesIO):
        size = 12345

    plain = assembly.read_blob(lambda s, n, loc: 0, Sized(LAYER), "l", None, False)
    assert (plain.compressed, plain.size) == (False, 12345)


def test_a_sha512_blob_is_hashed_with_sha512() -> None:
    found = assembly.read_blob(lambda s, n, loc: 0, io.BytesIO(LAYER), "blobs/sha512/x", None, True)
    assert found.digest == "sha512:" + hashlib.sha512(LAYER).hexdigest()


def test_json_digests_in_every_place_and_the_message_in_full() -> None:
    data = b'{"b": 2}'
    sha512 = hashlib.sha512(data).hexdigest()
    check_json_digest(f"blobs/sha512/{sha512}", data, True)
    with pytest.raises(UsageError) as info:
        check_json_digest(f"blobs/sha512/{'0' * 128}", data, True)
    assert str(info.value) == (
        f"image archive: blobs/sha512/{'0' * 128} does not match its digest (sha512:000000000000…)"
    )
    # a <hex>.json inside a folder is no classic config: nothing to check
    check_json_digest(f"x/{'0' * 64}.json", data, True)
    # nor a name that is no digest
    check_json_digest("short.json", data, True)


def test_json_read_in_steps_is_hashed_whole() -> None:
    data = bytes(range(256)) * 100
    reader = assembly._Bytes(data)
    assert reader.read(0) == b""
    assert reader.read(10) == data[:10]
    assert reader.read(-1) == data[10:]
    assert reader.read(5) == b""


def test_a_json_blob_named_by_another_digest_is_refused() -> None:
    with pytest.raises(UsageError, match="does not match its digest"):
        check_json_digest("blobs/sha256/" + "0" * 64, b'{"a": 1}', True)


def test_an_image_with_other_layers_keeps_what_was_verified(tmp_path: Path) -> None:
    path = docker_classic(tmp_path / "a.tar", ImageSpec([[("file", "a", "x")]]))
    with path.open("rb") as stream:
        image = archive.read_stream(stream, str(path), read_layer=read_layer, location=str(path))
    other: archive.Image[object] = image.with_layers([])
    assert other.verification == image.verification
    assert other.verification.verified


def test_only_a_name_like_a_classic_config_states_a_digest() -> None:
    data = b'{"a": 1}'
    other = hashlib.sha256(b"something else").hexdigest()
    check_json_digest(f"{other}.conf", data, True)  # not <hex>.json: nothing to check
    check_json_digest(f"{other}XJSON", data, True)
    with pytest.raises(UsageError, match="does not match its digest"):
        check_json_digest(f"{other}.json", data, True)


def _pid(log: Path, index: int) -> Blob[tuple[int, int]]:
    """A layer job that notes when it starts: its Blob says which process read it."""
    with log.open("a") as out:
        out.write(f"{index}\n")
    time.sleep(0.2)  # long enough that the other worker has begun its job
    return Blob((os.getpid(), index), None, False, 0)


@pytest.mark.parametrize(("sizes", "elsewhere"), [([60, 40], True), ([60, 39], False)])
def test_layers_are_read_by_worker_processes_from_a_total_size_on(
    sizes: list[int], elsewhere: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(assembly, "PARALLEL_BYTES", 100)
    monkeypatch.setattr(workers, "processes", lambda: 2)
    jobs = [partial(_pid, tmp_path / "log", n) for n in range(2)]
    results = [blob.summary for blob in assembly.read_planned(jobs, sizes)]
    assert [index for _, index in results] == [0, 1]
    assert (os.getpid() not in {pid for pid, _ in results}) is elsewhere


def test_the_largest_layer_is_read_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(assembly, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(workers, "processes", lambda: 2)
    log = tmp_path / "started"
    jobs = [partial(_pid, log, n) for n in range(4)]
    results = [blob.summary for blob in assembly.read_planned(jobs, [1, 2, 1, 50])]
    assert [index for _, index in results] == [0, 1, 2, 3]
    started = [int(line) for line in log.read_text().split()]
    assert sorted(started[:2]) == [1, 3]  # the two largest, one per worker
