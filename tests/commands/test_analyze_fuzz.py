"""Valid archives, mutated (cut, bytes flipped, sizes rewritten): `analyze` and `diff` say exit 0
or 2, never 3 (a bug). In-process through cli.main, which maps exceptions as a user sees them."""

from __future__ import annotations

import contextlib
import gzip
import io
import tarfile
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slimstage import cli
from tests.image import craft
from tests.imagebuild import ImageSpec, Spec, docker_classic, docker_oci, oci_tar

SPEC_LAYERS: list[list[Spec]] = [
    [("dir", "etc"), ("file", "etc/a", "a" * 700), ("symlink", "etc/s", "a")],
    [("file", "etc/a", "b" * 700), ("whiteout", "etc/s"), ("file", "var/lib/dpkg/status", "")],
    [("opaque", "etc"), ("hardlink", "h", "etc/a"), ("file", "x/y/z", "z" * 3)],
]


def _valid(kind: int) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.tar"
        if kind == 0:
            docker_classic(path, ImageSpec(SPEC_LAYERS))
        elif kind == 1:
            docker_oci(path, ImageSpec(SPEC_LAYERS))
        else:
            compression = "gzip" if kind == 2 else "zstd"
            spec = ImageSpec(SPEC_LAYERS, compression=compression)
            oci_tar(path, [("linux/amd64", spec)])
        return path.read_bytes()


VALID = [_valid(kind) for kind in range(4)]
#: Where headers are, in the archive and in the uncompressed layers inside it.
HEADERS = [
    [offset for offset in range(0, len(data), 512) if data[offset + 257 : offset + 262] == b"ustar"]
    for data in VALID
]


def _rewrite_size(data: bytearray, offset: int, value: bytes, fix_checksum: bool) -> None:
    data[offset + 124 : offset + 136] = value.ljust(12, b"\0")[:12]
    if fix_checksum:
        block = bytearray(data[offset : offset + 512])
        craft.checksum(block)
        data[offset : offset + 512] = block


_SIZES = st.one_of(
    st.integers(0, 8**11 - 1).map(lambda n: f"{n:011o}".encode()),
    st.binary(min_size=12, max_size=12),
    st.from_regex(rb"\A[0-9 ]{11}\0\Z"),  # digits, but not all octal ones
    st.sampled_from([b"-0000000001", b"\xff" * 12, b"\x80" + (10**15).to_bytes(11, "big")]),
    st.sampled_from([b"-0000000001", b"\xff" * 12]),
)


@st.composite
def mutated(draw: st.DrawFn) -> tuple[bytes, bool]:
    kind = draw(st.integers(0, len(VALID) - 1))
    data = bytearray(VALID[kind])
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(["cut", "flip", "size", "size"]))
        if how == "cut" and len(data) > 1:
            del data[draw(st.integers(0, len(data) - 1)) :]
        elif how == "flip" and data:
            at = draw(st.integers(0, len(data) - 1))
            data[at] ^= draw(st.integers(1, 255))
        elif how == "size" and HEADERS[kind]:
            at = draw(st.sampled_from(HEADERS[kind]))
            if at + 512 <= len(data):
                _rewrite_size(data, at, draw(_SIZES), draw(st.booleans()))
    return bytes(data), draw(st.booleans())


def _exit_code(*args: str) -> int:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return cli.main(list(args))


@settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mutated(), st.sampled_from([[], ["--no-verify"], ["--dive-compatible"]]))
def test_mutated_archives_are_read_or_refused_never_a_bug(
    case: tuple[bytes, bool], flags: list[str]
) -> None:
    data, compress_outer = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("image.tar.gz" if compress_outer else "image.tar")
        path.write_bytes(gzip.compress(data, compresslevel=1) if compress_outer else data)
        code = _exit_code("analyze", str(path), "--format", "json", "--allow-secrets", *flags)
        assert code in (0, 2), code
        if code == 0:
            assert _exit_code("diff", str(path), str(path), "--format", "json") in (0, 2)


def test_the_valid_archives_are_valid() -> None:
    for data in VALID:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "image.tar"
            path.write_bytes(data)
            assert _exit_code("analyze", str(path), "--format", "json") == 0
    assert all(HEADERS)
    with tarfile.open(fileobj=io.BytesIO(VALID[0])) as tar:
        assert len(tar.getmembers()) > 3
