"""A large layer read in parts: cut at member headers, put back together, or read whole when a
cut turns out wrong. Whatever happens, the result is the one a whole read gives."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import warnings
from pathlib import Path
from typing import Any

import pytest

from slimstage.analyze.analysis import AnalyzedLayer, LayerReading, read_layer
from slimstage.errors import UsageError
from slimstage.image import assembly, indexed, segments, workers
from slimstage.image.layer import Segment
from slimstage.image.layerlist import Blob
from slimstage.image.tarstream import Source
from tests.image import craft


def _archive(path: Path, *layers: bytes) -> Path:
    """A docker-save archive of LAYERS, named l0/layer.tar, l1/layer.tar, ..."""
    diff_ids = ["sha256:" + hashlib.sha256(layer).hexdigest() for layer in layers]
    config = json.dumps({"rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode()
    config_name = hashlib.sha256(config).hexdigest() + ".json"
    names = [f"l{i}/layer.tar" for i in range(len(layers))]
    manifest = json.dumps([{"Config": config_name, "Layers": names}]).encode()
    with tarfile.open(path, "w") as tar:
        members = [
            *zip(names, layers, strict=True),
            (config_name, config),
            ("manifest.json", manifest),
        ]
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


Table = tuple[tuple[str, ...], bytes, list[int], list[int], dict[int, str], list[int]]


def _read(path: Path, verify: bool = False) -> list[Table]:
    image = indexed.read(str(path), "x", read_layer=read_layer, platform=None, verify=verify)
    return [
        (tuple(t.paths), bytes(t.kinds), list(t.sizes), list(t.offsets), t.links, t.whiteouts)
        for t in (layer.summary.table for layer in image.layers)
    ]


@pytest.fixture
def splitting(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """Cut every layer over 4 kB in two; record how each layer was put together."""
    monkeypatch.setattr(segments, "SPLIT_BYTES", 4096)
    monkeypatch.setattr(assembly, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(workers, "processes", lambda: 2)
    merged: list[tuple[int, int]] = []
    assert isinstance(read_layer, LayerReading)
    merge = read_layer.merge

    def spy(parts: list[Segment]) -> AnalyzedLayer | None:
        result = merge(parts)
        merged.append((len(parts), result is not None))
        return result

    monkeypatch.setattr(read_layer, "merge", spy)
    return merged


LAYER = craft.tar(
    craft.member("etc", kind=b"5"),
    *(craft.member(f"etc/f{i}", b"x" * (100 * i)) for i in range(60)),
    craft.pax({"path": "etc/" + "long" * 40}),
    craft.member("placeholder", b"pax"),
    craft.member("etc/link", kind=b"2", link="f1"),
    craft.member("etc/.wh.gone"),
    *(craft.member(f"var/g{i}", b"y" * 50) for i in range(60)),
    craft.member("var/lib/dpkg/status", b"Package: tool\nStatus: install ok installed\n\n"),
    *(craft.member(f"var/h{i}", b"z" * 70) for i in range(30)),
)


class _Joining:
    """A reader whose parts are strings, put together by joining them (or never, when they do
    not FIT); it reads nothing itself."""

    def __init__(self, fit: bool) -> None:
        self.fit = fit

    def __call__(self, stream: Source, name: str, location: str | None) -> Any:
        raise AssertionError("not read here")

    def segment(
        self, stream: Source, name: str, location: str | None, *, last: bool, offset: int
    ) -> Any:
        raise AssertionError("not read here")

    def merge(self, parts: list[Any]) -> Any | None:
        return "+".join(parts) if self.fit else None


def _no_job() -> None:
    raise AssertionError("jobs are run before gather")


@pytest.mark.parametrize(
    ("fit", "expected"),
    [
        # only an uncompressed layer is cut: a layer put together was not compressed
        (True, [Blob("a1+a2", "sha256:ab", False, 30), Blob("b1+b2+b3", None, False, 11)]),
        # parts that do not fit together: the layer is read whole instead
        (False, [Blob("whole 1", "sha256:cd", False, 1), Blob("whole 2", "sha256:cd", False, 1)]),
    ],
)
def test_each_layer_comes_from_its_own_job_or_its_parts_put_together(
    fit: bool, expected: list[Blob[str]]
) -> None:
    plan = [
        None,
        segments.Split([_no_job, _no_job, _no_job], True, [10, 20, 30]),  # the digest job last
        segments.Split([_no_job, _no_job, _no_job], False, [4, 4, 3]),
    ]
    results = iter([Blob("zero", None, True, 7), "a1", "a2", "sha256:ab", "b1", "b2", "b3"])
    whole = [
        lambda index=index: Blob(f"whole {index}", "sha256:cd", False, 1) for index in range(3)
    ]
    blobs = list(segments.gather(results, plan, whole, _Joining(fit), [7, 30, 11]))
    assert blobs == [Blob("zero", None, True, 7), *expected]
    assert next(results, None) is None  # every result taken, none twice


def test_parts_put_together_are_the_whole(tmp_path: Path, splitting: list[tuple[int, int]]) -> None:
    path = _archive(tmp_path / "a.tar", LAYER)
    parted = _read(path)
    assert splitting == [(2, True)]
    splitting.clear()
    assert _read(path, verify=True) == parted  # the digest comes from a job of its own
    assert splitting == [(2, True)]
    segments.SPLIT_BYTES = 1 << 40
    assert _read(path) == parted


def test_a_cut_in_the_wrong_place_is_noticed_and_the_layer_read_whole(
    tmp_path: Path, splitting: list[tuple[int, int]]
) -> None:
    # A file whose content holds tar headers: a cut may land inside it.
    inner = b"".join(craft.member(f"fake{i}", b"z" * 512) for i in range(40))
    layer = craft.tar(
        craft.member("a", b"a" * 100), craft.member("x.tar", inner), craft.member("b", b"b")
    )
    path = _archive(tmp_path / "a.tar", layer)
    whole = _read(path)
    assert splitting == [(2, False)]  # the first part could not end at the cut
    assert [len(table[0]) for table in whole] == [3]


def test_extended_headers_stay_with_their_member(tmp_path: Path) -> None:
    members = [craft.member(f"f{i}", b"q" * 400) for i in range(30)]
    layer = b"".join(members[:15]) + craft.pax({"path": "x" * 300}) + craft.member("p", b"!")
    layer += b"".join(members[15:]) + craft.END
    pax_at = 15 * 1024
    for near in range(pax_at, pax_at + 3 * 512, 512):
        cut = _cut(tmp_path, layer, near)
        assert cut is not None
        assert cut == pax_at or cut > pax_at + 3 * 512  # never between the pax header and "p"


def test_a_broken_last_part_is_a_usage_error(
    tmp_path: Path, splitting: list[tuple[int, int]]
) -> None:
    path = _archive(tmp_path / "a.tar", LAYER[: -len(craft.END)] + bytes(512 * 3)[:100])
    with pytest.raises(UsageError, match=r"l0/layer\.tar: "):
        _read(path)


def _cut(tmp_path: Path, layer: bytes, near: int) -> int | None:
    (tmp_path / "layer").write_bytes(layer)
    with (tmp_path / "layer").open("rb") as handle:
        return segments._cut_near(handle.fileno(), 0, near)


def test_the_cut_is_the_first_header_at_or_after_the_block_of_near(tmp_path: Path) -> None:
    # members of 1024 bytes: a header, then one block of data
    layer = craft.tar(*(craft.member(f"f{i}", b"d" * 512) for i in range(8)))
    assert _cut(tmp_path, layer, 3 * 1024) == 3 * 1024
    assert _cut(tmp_path, layer, 3 * 1024 + 511) == 3 * 1024  # the header's own block
    assert _cut(tmp_path, layer, 3 * 1024 + 512) == 4 * 1024  # inside the data: the next one
    # no header after the last member: nothing to cut at
    assert _cut(tmp_path, layer, 7 * 1024 + 512) is None


def test_content_just_before_a_cut_is_passed_over_whatever_it_holds(tmp_path: Path) -> None:
    # Where a size field would be, the content of f0 holds letters, not digits: no header.
    for content in (b"X" * 512, b"X0X1" * 128, b"d" * 512):
        layer = craft.tar(craft.member("f0", content), craft.member("f1", b"1"))
        assert _cut(tmp_path, layer, 1024) == 1024, content[:4]


def test_the_cut_takes_every_extended_header_of_its_member(tmp_path: Path) -> None:
    lead = craft.member("f0", b"d" * 512)  # 1024 bytes
    extended = craft.pax({"path": "x" * 300}) + craft.pax({"linkpath": "y" * 700}, name="L2")
    # pax header 1: header + 1 block; pax header 2: header + 2 blocks; then the member
    layer = craft.tar(lead, extended, craft.member("p", b"!"), craft.member("after", b"a"))
    member_at = 1024 + 1024 + 1536
    for near in (1024, 1024 + 600, member_at, member_at + 100):
        assert _cut(tmp_path, layer, near) == 1024, near
    assert _cut(tmp_path, layer, member_at + 512) == member_at + 1024  # "after"


def test_extended_headers_at_the_very_start_leave_no_cut(tmp_path: Path) -> None:
    # the member's extended header is the layer's first block: a cut there is no cut at all
    layer = craft.tar(craft.pax({"path": "x" * 300}), craft.member("p", b"!"))
    assert _cut(tmp_path, layer, 512) is None


def test_a_header_s_size_field() -> None:
    block = bytearray(craft.member("f", b"x" * 1000)[:512])
    assert segments._size(bytes(block)) == 1000
    block[124:136] = b"   1750 \0\0\0\0"
    assert segments._size(bytes(block)) == 0o1750
    for field in (b"\0" * 12, b"12345678901\0", b"abc\0" + bytes(8)):
        block[124:136] = field
        assert segments._size(bytes(block)) == -1, field


def test_cuts_are_increasing_inside_the_layer_and_start_at_zero(tmp_path: Path) -> None:
    layer = craft.tar(*(craft.member(f"f{i}", b"d" * 512) for i in range(16)))
    (tmp_path / "layer").write_bytes(layer)
    size = len(layer)
    # a quarter of 17408 bytes (16 members and the end blocks) is 4352: in f4's header block,
    # so f4; a half, 8704, is f8's data: f9; three quarters, 13056, is f12's data: f13
    assert segments.cuts(str(tmp_path / "layer"), 0, size, 4) == [0, 4096, 9216, 13312]
    # asked for more parts than there are headers near the places: no cut twice, none at 0
    assert segments.cuts(str(tmp_path / "layer"), 0, 2048, 8) == [0, 1024]


def test_the_jobs_of_a_split_run_here_give_the_whole_layer_and_its_digest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(segments, "SPLIT_BYTES", 4096)
    assert isinstance(read_layer, LayerReading)
    prefix = b"p" * 1536  # the layer starts inside a bigger file, as in an archive
    (tmp_path / "archive").write_bytes(prefix + LAYER + b"trailing")
    path = str(tmp_path / "archive")
    plan = segments.split(
        read_layer, path, len(prefix), len(LAYER), "l/layer.tar", parts=3, algorithm="sha256"
    )
    assert plan is not None
    assert plan.verify
    results = [job() for job in plan.jobs]
    assert len(results) == 4  # three parts, then the digest
    assert results[-1] == "sha256:" + hashlib.sha256(LAYER).hexdigest()
    merged = read_layer.merge(results[:-1])
    assert merged is not None
    once = read_layer(io.BytesIO(LAYER), "l/layer.tar", None)
    whole = once.table
    assert merged.file_bytes == once.file_bytes
    assert merged.table.paths == whole.paths
    assert list(merged.table.sizes) == list(whole.sizes)
    assert merged.table.whiteouts == whole.whiteouts
    assert merged.table.links == whole.links
    # the offsets of skipped contents are where they are in the archive
    first = merged.table.paths.index("etc/f5")
    at = merged.table.offsets[first]
    assert (tmp_path / "archive").read_bytes()[at : at + 500] == b"x" * 500
    assert merged.compression == "none"
    assert merged.table.location == path  # contents can be read back from the archive
    assert merged.table.contents == whole.contents  # what the analyses asked to keep
    assert merged.table.contents  # and there is something: the dpkg status file
    # The bytes each job reads, for handing out the largest first: the parts, then the whole.
    assert sum(plan.sizes[:-1]) == len(LAYER)
    assert plan.sizes[-1] == len(LAYER)
    assert all(size > 0 for size in plan.sizes)
    # without verifying, no digest job
    unverified = segments.split(
        read_layer, path, len(prefix), len(LAYER), "l/layer.tar", parts=3, algorithm=None
    )
    assert unverified is not None
    assert (len(unverified.jobs), unverified.verify) == (3, False)


def test_layers_read_whole_and_in_parts_come_back_in_order_and_verified(
    tmp_path: Path, splitting: list[tuple[int, int]]
) -> None:
    small = craft.tar(craft.member("small", b"s"))  # under the split size: read whole
    path = _archive(tmp_path / "a.tar", small, LAYER, small)
    image = indexed.read(str(path), "x", read_layer=read_layer, platform=None, verify=True)
    assert [len(layer.summary.table) for layer in image.layers] == [
        1,
        len(read_layer(io.BytesIO(LAYER), "l", None).table),
        1,
    ]
    assert splitting == [(2, True)]  # the middle one, in two parts
    verification = image.verification
    assert verification.verified
    assert "layer diff_ids in the config" in verification.checked
    assert not any("compressed" in item for item in verification.not_checked)


def _small_layer_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """LAYER in a file of its own, large enough to be split."""
    monkeypatch.setattr(segments, "SPLIT_BYTES", 4096)
    assert isinstance(read_layer, LayerReading)
    (tmp_path / "layer").write_bytes(LAYER)
    return str(tmp_path / "layer")


def test_a_split_layer_named_by_a_sha512_digest_is_hashed_with_sha512(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _small_layer_file(tmp_path, monkeypatch)
    name = "blobs/sha512/" + hashlib.sha512(LAYER).hexdigest()
    assert isinstance(read_layer, LayerReading)
    plan = segments.split(read_layer, path, 0, len(LAYER), name, parts=2, algorithm="sha512")
    assert plan is not None
    assert plan.jobs[-1]() == "sha512:" + hashlib.sha512(LAYER).hexdigest()


def test_a_layer_is_cut_from_the_split_size_on_and_read_whole_below_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert isinstance(read_layer, LayerReading)
    (tmp_path / "layer").write_bytes(LAYER)
    path = str(tmp_path / "layer")

    def plan(parts: int) -> segments.Split | None:
        return segments.split(read_layer, path, 0, len(LAYER), "l", parts=parts, algorithm=None)

    monkeypatch.setattr(segments, "SPLIT_BYTES", len(LAYER))
    assert plan(2) is not None
    assert plan(1) is None  # one worker: nothing to share
    monkeypatch.setattr(segments, "SPLIT_BYTES", len(LAYER) + 1)
    assert plan(2) is None


def test_splitting_a_layer_warns_about_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _small_layer_file(tmp_path, monkeypatch)
    assert isinstance(read_layer, LayerReading)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plan = segments.split(read_layer, path, 0, len(LAYER), "l", parts=3, algorithm=None)
    assert plan is not None
