"""The analyses over a crafted Debian-like image: leftovers, owners, secrets, top paths."""

from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path

import pytest

from slimstage.analyze import analysis
from slimstage.analyze.analysis import read_layer
from slimstage.analyze.filetree import Waste
from slimstage.analyze.origin import Origin
from slimstage.image import archive
from slimstage.image.blob import LayerError, Limits
from slimstage.image.filerange import FileRange
from slimstage.image.layer import Segment
from tests.image import craft
from tests.imagebuild import ImageSpec, Spec, docker_classic

TOKEN = "ghp_" + "A1" * 18
KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n"
LAYERS = [
    [
        ("symlink", "bin", "usr/bin"),
        ("file", "usr/bin/bash", "b" * 1000),
        ("file", "usr/bin/gcc-14", "g" * 5000),
        ("file", "usr/include/stdio.h", "h" * 300),
        ("file", "usr/lib/x86_64-linux-gnu/libc.a", "a" * 700),
        ("file", "var/lib/dpkg/status", "Package: bash\nStatus: install ok installed\n"),
        ("file", "var/lib/dpkg/info/bash.list", "/.\n/bin\n/bin/bash\n"),
        ("file", "var/lib/dpkg/info/gcc-14:amd64.list", "/usr/bin/gcc-14\n"),
        ("file", "var/lib/apt/lists/deb.debian.org_InRelease", "i" * 400),
        ("file", "var/lib/apt/lists/lock", ""),
    ],
    [
        ("file", "root/.ssh/id_rsa", KEY),
        ("file", "app/.env", "TOKEN=1"),
        ("file", "app/.env.example", "TOKEN="),
        ("file", "app/server.pem", "-----BEGIN CERTIFICATE-----\n"),
    ],
    [
        ("whiteout", "root/.ssh/id_rsa"),
        (
            "file",
            "usr/lib/python3/site-packages/flask-3.1.3.dist-info/RECORD",
            "flask/__init__.py,sha256=x,20\nflask/app.py,sha256=y,30\n",
        ),
        ("file", "usr/lib/python3/site-packages/flask/__init__.py", "f" * 20),
        ("file", "usr/lib/python3/site-packages/flask/app.py", "f" * 30),
        ("file", "usr/lib/python3/site-packages/flask/__pycache__/app.cpython-313.pyc", "c" * 15),
        ("file", "usr/lib/python3/site-packages/flask/tests/test_app.py", "t" * 25),
        ("file", "unowned.bin", "u" * 77),
    ],
]


def _analyzed(
    tmp_path: Path, spec: ImageSpec, *, top: int = 10, base: Origin | None = None
) -> analysis.Analysis:
    """SPEC written as a docker-save archive and analyzed as it streams by."""
    path = docker_classic(tmp_path / "img.tar", spec)
    with path.open("rb") as stream:
        image = archive.read_stream(stream, "img.tar", read_layer=read_layer)
    return analysis.analyze(image, top=top, base=base)


@pytest.fixture
def result(tmp_path: Path) -> analysis.Analysis:
    spec = ImageSpec(
        LAYERS,  # type: ignore[arg-type]
        history=["ADD rootfs /", "RUN |1 GITHUB_TOKEN=abc123 /bin/sh -c make", "COPY . /"],
        env=["PATH=/usr/bin", "PYTHONDONTWRITEBYTECODE=1", "API_TOKEN=s3cr3t", "TOKEN_FILE=/run/t"],
    )
    return _analyzed(tmp_path, spec, top=3)


def test_leftovers_by_category(result: analysis.Analysis) -> None:
    by = {lo.category: (lo.bytes, lo.files) for lo in result.leftovers}
    assert by["compilers"] == (5000, 1)
    assert by["headers"] == (300, 1)
    assert by["static-libraries"] == (700, 1)
    assert by["package-indexes"] == (400, 1)  # the empty lock file costs nothing
    # PYTHONDONTWRITEBYTECODE is set, yet app.py's bytecode is read at every start: no leftover
    assert "bytecode" not in by
    assert by["tests-in-site-packages"] == (25, 1)
    assert result.bytecode_disabled
    assert next(lo.category for lo in result.leftovers) == "compilers"
    # No CMD in the history and no base named: every layer counts as this image's own.
    assert result.base.found_by == "not found"
    assert all(lo.base_bytes == 0 for lo in result.leftovers)


def test_owners_follow_merged_usr_and_records(result: analysis.Analysis) -> None:
    os_owned = {o.name: o.bytes for o in result.packages.os}
    assert os_owned == {"bash": 1000, "gcc-14": 5000}
    assert [(o.name, o.bytes, o.files) for o in result.packages.python] == [("flask", 50, 2)]
    owned = 1000 + 5000 + 50
    assert result.packages.unowned_bytes == result.visible_bytes - owned


def test_secrets_in_any_layer_never_their_content(result: analysis.Analysis) -> None:
    found = {(s.kind, s.name, s.layer, s.visible) for s in result.secrets}
    assert ("ssh-private-key", "/root/.ssh/id_rsa", 1, False) in found
    assert ("dotenv", "/app/.env", 1, True) in found
    assert ("env", "API_TOKEN", None, True) in found
    assert ("build-arg-or-env", "GITHUB_TOKEN", 1, True) in found
    names = {s.name for s in result.secrets}
    assert "/app/.env.example" not in names
    assert "/app/server.pem" not in names  # a certificate, not a key
    assert "TOKEN_FILE" not in names
    dumped = repr(result)
    assert "s3cr3t" not in dumped
    assert "abc123" not in dumped
    assert "AAAA" not in dumped
    assert result.layers[1].created_by == "RUN |1 GITHUB_TOKEN=<redacted> /bin/sh -c make"


def test_top_paths_and_layers(result: analysis.Analysis) -> None:
    assert [t.path for t in result.top] == [
        "/usr/bin/gcc-14",
        "/usr/bin/bash",
        "/usr/lib/x86_64-linux-gnu/libc.a",
    ]
    assert [layer.created_by for layer in result.layers][1].startswith("RUN |1")
    assert [layer.wasted_bytes for layer in result.layers] == [0, len(KEY), 0]
    assert result.layers[2].files_deleted == 1
    assert result.waste.whiteout == len(KEY)
    assert result.size_bytes == result.visible_bytes + result.wasted_bytes


def test_archive_on_disk_and_streamed_agree(tmp_path: Path) -> None:
    # On disk, contents are skipped and read back only for overwritten files; streamed, every
    # byte passes. The figures must not depend on which.
    from slimstage.image import source
    from tests.analyze.test_filetree import L0, L1, L2

    path = docker_classic(tmp_path / "img.tar", ImageSpec([L0, L1, L2]))
    on_disk = analysis.analyze(source.load(str(path), read_layer=read_layer))
    with path.open("rb") as handle:
        streamed = analysis.analyze(
            archive.read_stream(_Unseekable(handle), "stream", read_layer=read_layer)
        )
    assert on_disk.waste.rewritten_unchanged == 400
    assert on_disk.waste.overwritten == 100
    assert on_disk.waste == streamed.waste
    assert on_disk.dive == streamed.dive
    assert on_disk.visible_bytes == streamed.visible_bytes


class _Unseekable:
    def __init__(self, handle: object) -> None:
        self.handle = handle

    def read(self, size: int = -1, /) -> bytes:
        data: bytes = self.handle.read(size)  # type: ignore[attr-defined]
        return data


def test_apk_database_attribution(tmp_path: Path) -> None:
    installed = (
        "C:Q1abc=\nP:musl\nV:1.2.5-r0\nF:lib\nR:ld-musl-x86_64.so.1\n\n"
        "P:busybox\nV:1.36\nF:bin\nR:busybox\nF:etc\nR:securetty\n\n"
    )
    spec = ImageSpec(
        [
            [
                ("file", "lib/ld-musl-x86_64.so.1", "m" * 600),
                ("file", "bin/busybox", "b" * 900),
                ("file", "etc/securetty", "s" * 10),
                ("file", "lib/apk/db/installed", installed),
                ("file", "var/cache/apk/APKINDEX.tar.gz", "i" * 300),
            ]
        ]
    )
    result = _analyzed(tmp_path, spec)
    owned = {(o.name, o.manager): (o.bytes, o.files) for o in result.packages.os}
    assert owned == {("busybox", "apk"): (910, 2), ("musl", "apk"): (600, 1)}
    assert result.packages.unowned_bytes == len(installed) + 300
    assert [(lo.category, lo.bytes) for lo in result.leftovers] == [("package-indexes", 300)]


def _stored(layers: list[list[tuple[str, ...]]]) -> int:
    """The content bytes of every regular file of LAYERS, counted from the spec itself."""
    return sum(len(spec[2]) for layer in layers for spec in layer if spec[0] == "file")


def test_efficiency_is_what_is_visible_of_what_is_stored(result: analysis.Analysis) -> None:
    stored = _stored(LAYERS)  # type: ignore[arg-type]
    assert result.size_bytes == stored
    assert result.visible_bytes == stored - len(KEY)  # only the key is hidden
    assert result.efficiency == (stored - len(KEY)) / stored


def test_an_image_without_bytes_wastes_nothing(tmp_path: Path) -> None:
    empty = _analyzed(tmp_path, ImageSpec([[("file", "empty", ""), ("dir", "d")]]))
    assert (empty.size_bytes, empty.efficiency) == (0, 1.0)


def test_the_ten_largest_files_by_default(tmp_path: Path) -> None:
    files = [("file", f"f{i:02}", "x" * (i + 1)) for i in range(12)]
    top = _analyzed(tmp_path, ImageSpec([files])).top  # type: ignore[list-item]
    assert [(t.path, t.bytes) for t in top] == [(f"/f{i:02}", i + 1) for i in range(11, 1, -1)]


def test_secrets_in_labels_are_named_never_shown(tmp_path: Path) -> None:
    spec = ImageSpec([[("file", "a", "a")]], labels={"DEPLOY_TOKEN": "ghp_" + "a" * 36})
    result = _analyzed(tmp_path, spec)
    assert [(s.where, s.name) for s in result.secrets if s.where == "label"] == [
        ("label", "DEPLOY_TOKEN")
    ]
    assert "ghp_" not in repr(result)


def test_the_base_s_share_of_owners_unowned_bytes_and_waste(tmp_path: Path) -> None:
    base = Origin(1, "base image layers", "debian", "the first layer is the base's")
    result = _analyzed(tmp_path, ImageSpec(LAYERS), base=base)  # type: ignore[arg-type]
    owners = {o.name: (o.bytes, o.base_bytes) for o in result.packages.os + result.packages.python}
    # bash and gcc-14 are in layer 0, the base's; flask came later
    assert owners == {"bash": (1000, 1000), "gcc-14": (5000, 5000), "flask": (50, 0)}
    # the base's unowned files: layer 0's visible bytes that no package lists
    layer0 = _stored(LAYERS[:1])  # type: ignore[arg-type]
    assert result.packages.unowned_base_bytes == layer0 - 1000 - 5000
    # the key was written by layer 1, not the base: none of the waste is the base's
    assert result.base_waste == Waste()
    assert result.base_visible_bytes == layer0


def test_the_reader_keeps_the_limits_it_was_given() -> None:
    packed = gzip.compress(craft.tar(craft.member("big", b"x" * 5000)))
    reader = analysis.layer_reader(Limits(max_bytes=4096))
    with pytest.raises(LayerError, match="larger than --max-layer-bytes"):
        reader(io.BytesIO(packed), "layer", None)
    assert analysis.layer_reader()(io.BytesIO(packed), "layer", None).file_bytes == 5000


STATUS = b"Package: tool\nStatus: install ok installed\nVersion: 1.0\n\n"


def test_a_layer_read_in_two_parts_is_the_layer_read_whole(tmp_path: Path) -> None:
    # The layer sits inside a bigger file, as in an archive, and is cut between two members.
    first = craft.member("etc/a", b"a" * 700) + craft.member("root/.ssh/id_rsa", KEY.encode())
    second = craft.member("var/lib/dpkg/status", STATUS) + craft.member("opt/big", b"b" * 900)
    layer = craft.tar(first, second)
    prefix = b"p" * 1024
    archive_path = tmp_path / "archive"
    archive_path.write_bytes(prefix + layer + b"trailing")
    where = str(archive_path)
    reading = analysis.LayerReading(Limits())
    with FileRange.open(where, len(prefix), len(first)) as stream:
        head = reading.segment(stream, "l", where, last=False, offset=0)
    rest_size = len(layer) - len(first)
    with FileRange.open(where, len(prefix) + len(first), rest_size) as stream:
        tail = reading.segment(stream, "l", where, last=True, offset=len(first))
    merged = reading.merge([head, tail])
    assert merged is not None
    whole = reading(io.BytesIO(layer), "l", None)
    assert whole.table.paths == ["etc/a", "root/.ssh/id_rsa", "var/lib/dpkg/status", "opt/big"]
    assert merged.table.paths == whole.table.paths
    assert list(merged.table.sizes) == list(whole.table.sizes)
    assert (merged.file_bytes, merged.compression) == (whole.file_bytes, "none")
    # what the analyses asked for is kept from both parts: the key, the dpkg database
    assert merged.table.contents == {1: KEY.encode(), 2: STATUS}
    assert merged.credential_files == whole.credential_files == {1: "ssh-private-key"}
    # a content passed over is read back from the archive when its digest is asked for
    assert merged.table.offsets[3] == len(prefix) + len(layer) - len(craft.END) - 1024
    assert merged.table.digest(3) == zlib.crc32(b"b" * 900)


def test_a_part_of_a_layer_is_read_within_the_reader_s_limits(tmp_path: Path) -> None:
    first = craft.member("a", b"a" * 600)
    second = craft.member("b", b"b" * 2000)
    layer = craft.tar(first, second)
    (tmp_path / "layer").write_bytes(layer)
    where = str(tmp_path / "layer")

    def last_part(limits: Limits) -> Segment:
        with FileRange.open(where, len(first), len(layer) - len(first)) as stream:
            reading = analysis.LayerReading(limits)
            return reading.segment(stream, "l", where, last=True, offset=len(first))

    assert last_part(Limits(max_bytes=len(layer))).clean
    # a limit the part's own member alone goes past: b's header and data come after a's
    with pytest.raises(LayerError, match="larger than --max-layer-bytes"):
        last_part(Limits(max_bytes=len(first) + 512 + 1999))


def _examined(tmp_path: Path, spec: ImageSpec, base: Origin | None = None) -> analysis.Examined:
    path = docker_classic(tmp_path / "img.tar", spec)
    with path.open("rb") as stream:
        image = archive.read_stream(stream, "img.tar", read_layer=read_layer)
    return analysis.examine(image, base=base)


def test_each_visible_file_s_digest_is_that_of_the_layer_it_comes_from(tmp_path: Path) -> None:
    layers: list[list[Spec]] = [
        [("file", "zero", "0" * 10)],
        [("file", "one", "1" * 11)],
        [("file", "two", "2" * 12), ("file", "zero", "z" * 13)],
        [("file", "three", "3" * 14)],
    ]
    examined = _examined(tmp_path, ImageSpec(layers))
    expected = {"one": "1" * 11, "two": "2" * 12, "zero": "z" * 13, "three": "3" * 14}
    for path, content in expected.items():
        assert examined.digest(path) == zlib.crc32(content.encode()), path


PYTHON_LAYERS: list[list[Spec]] = [
    [
        ("file", "var/lib/dpkg/status", "Package: base-tool\nStatus: install ok installed\n"),
        ("file", "var/lib/dpkg/info/base-tool.list", "/usr/bin/base-tool\n"),
        ("file", "usr/bin/base-tool", "b" * 100),
    ],
    [
        ("file", "srv/site-packages/flask-3.1.3.dist-info/RECORD", "flask/app.py,,40\n"),
        ("file", "srv/site-packages/flask/app.py", "f" * 40),
    ],
    [("file", "other", "o" * 5)],
]


@pytest.mark.parametrize(("base_layers", "flask_base_bytes"), [(1, 0), (2, 40), (3, 40)])
def test_a_package_is_the_base_s_when_its_layer_is_one_of_the_base_s(
    tmp_path: Path, base_layers: int, flask_base_bytes: int
) -> None:
    base = Origin(base_layers, "base image layers", "debian", "given")
    examined = _examined(tmp_path, ImageSpec(PYTHON_LAYERS), base)
    packages = examined.analysis.packages
    owned = {o.name: (o.bytes, o.base_bytes) for o in packages.os + packages.python}
    assert owned == {"base-tool": (100, 100), "flask": (40, flask_base_bytes)}


BYTECODE_LAYERS: list[list[Spec]] = [
    [
        ("file", "usr/lib/python3.13/os.py", "o" * 10),
        ("file", "app/real.py", "r" * 5),
        ("symlink", "app/linked.py", "real.py"),
        ("file", "app/__pycache__/linked.cpython-313.pyc", "l" * 30),
        ("file", "app/__pycache__/gone.cpython-313.pyc", "g" * 40),
        ("file", "app/__pycache__/empty.cpython-313.pyc", ""),
        ("file", "usr/include/empty.h", ""),
        ("file", "usr/include/" + TOKEN + ".h", "h" * 20),
    ]
]


def test_bytecode_no_source_can_import_is_a_leftover_and_empty_files_are_none(
    tmp_path: Path,
) -> None:
    examined = _examined(tmp_path, ImageSpec(BYTECODE_LAYERS))
    found = {lo.category: (lo.bytes, lo.files) for lo in examined.analysis.leftovers}
    # gone.py is nowhere; linked.py is a symlink to a source, so its bytecode is imported
    assert found == {"bytecode": (40, 1), "headers": (20, 1)}
    leftover = {path: facts.leftover for path, facts in examined.files.items()}
    assert leftover["app/__pycache__/gone.cpython-313.pyc"] == "bytecode"
    assert leftover["app/__pycache__/linked.cpython-313.pyc"] is None
    assert leftover["usr/include/" + TOKEN + ".h"] == "headers"
    # empty files cost nothing: no category, as in the leftover totals
    assert leftover["app/__pycache__/empty.cpython-313.pyc"] is None
    assert leftover["usr/include/empty.h"] is None


def test_leftover_examples_never_show_a_secret(tmp_path: Path) -> None:
    examined = _examined(tmp_path, ImageSpec(BYTECODE_LAYERS))
    [headers] = [lo for lo in examined.analysis.leftovers if lo.category == "headers"]
    assert headers.examples == ("/usr/include/<redacted>.h",)
