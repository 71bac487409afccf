"""A large layer read in parts: cut at member headers, put back together, or read whole when a
cut turns out wrong. Whatever happens, the result is the one a whole read gives."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest

from slimstage.analyze.analysis import AnalyzedLayer, LayerReading, read_layer
from slimstage.errors import UsageError
from slimstage.image import assembly, indexed, segments, workers
from slimstage.image.layer import Segment
from tests.image import craft


def _archive(path: Path, layer: bytes) -> Path:
    config = json.dumps(
        {"rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(layer).hexdigest()]}}
    ).encode()
    config_name = hashlib.sha256(config).hexdigest() + ".json"
    manifest = json.dumps([{"Config": config_name, "Layers": ["l/layer.tar"]}]).encode()
    with tarfile.open(path, "w") as tar:
        for name, data in (
            ("l/layer.tar", layer),
            (config_name, config),
            ("manifest.json", manifest),
        ):
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
)


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
    with (tmp_path / "layer").open("wb") as out:
        out.write(layer)
    pax_at = 15 * 1024
    for near in range(pax_at, pax_at + 3 * 512, 512):
        with (tmp_path / "layer").open("rb") as handle:
            cut = segments._cut_near(handle.fileno(), 0, near)
        assert cut is not None
        assert cut == pax_at or cut > pax_at + 3 * 512  # never between the pax header and "p"


def test_a_broken_last_part_is_a_usage_error(
    tmp_path: Path, splitting: list[tuple[int, int]]
) -> None:
    path = _archive(tmp_path / "a.tar", LAYER[: -len(craft.END)] + bytes(512 * 3)[:100])
    with pytest.raises(UsageError, match=r"l/layer\.tar: "):
        _read(path)
