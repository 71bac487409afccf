"""Archives made to fool, crash or stall `analyze`, written here in tmp_path (no binaries are
checked in). Each is run through the CLI in a child process: the exit code, the one-line
message, no traceback, a bounded peak memory, and nothing written outside the test's folder."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import tarfile
import zlib
from pathlib import Path

import pytest
import zstandard

from tests.commands import sandbox
from tests.image import craft
from tests.image.test_blob import zeros_gzip, zeros_zstd
from tests.imagebuild import ImageSpec, docker_classic, layer_tar, oci_dir

MIB = 1 << 20
GIB = 1 << 30
#: Peak memory allowed to a run whatever its input: bombs included.
RSS_LIMIT_MB = 200


def _members(path: Path, members: list[tuple[str, bytes]]) -> Path:
    with tarfile.open(path, "w") as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def archive(
    path: Path,
    layers: list[bytes],
    *,
    config: object = None,
    manifest: object = None,
    manifest_first: bool = False,
) -> Path:
    """A classic docker-save archive holding LAYERS as they are, with a config (or CONFIG,
    whatever it is) and a manifest (or MANIFEST) naming them."""
    names = [f"{hashlib.sha256(layer).hexdigest()}/layer.tar" for layer in layers]
    if config is None:
        config = {
            "config": {"Env": ["PATH=/bin"]},
            "rootfs": {"type": "layers", "diff_ids": [_sha(layer) for layer in layers]},
            "history": [{"created_by": f"RUN step {i}"} for i in range(len(layers))],
        }
    config_data = json.dumps(config).encode()
    config_name = hashlib.sha256(config_data).hexdigest() + ".json"
    if manifest is None:
        manifest = [{"Config": config_name, "RepoTags": ["x:1"], "Layers": names}]
    head = [("manifest.json", json.dumps(manifest).encode())]
    body = [*zip(names, layers, strict=True), (config_name, config_data)]
    return _members(path, head + body if manifest_first else body + head)


def _bad_input(outcome: sandbox.Outcome, message: str, code: int = 2) -> None:
    """Refused as bad input: one error line naming what is wrong, and nothing else wrong."""
    assert outcome.code == code, outcome.stderr
    assert "Traceback" not in outcome.stderr
    assert outcome.error_line.startswith("slimstage: error: "), outcome.stderr
    assert message in outcome.error_line, outcome.error_line
    errors = [line for line in outcome.stderr.splitlines() if "error" in line]
    assert len(errors) == 1, outcome.stderr
    _clean(outcome)


def _clean(outcome: sandbox.Outcome) -> None:
    assert outcome.outside_writes == []
    assert outcome.max_rss_mb < RSS_LIMIT_MB, outcome.max_rss_mb


def _analyze(tmp_path: Path, target: Path | str, *args: str, **kw: object) -> sandbox.Outcome:
    outcome = sandbox.run(tmp_path, "analyze", str(target), *args, **kw)  # type: ignore[arg-type]
    assert not any((tmp_path / "tmp").iterdir())  # nothing left behind
    return outcome


def _zeros_tar(size: int, packed: str) -> bytes:
    """A layer whose tar holds one file of SIZE zero bytes, compressed, made without ever
    holding it: gzip members (zstd frames) can follow one another."""
    pack = zeros_gzip if packed == "gzip" else zeros_zstd
    whole = gzip.compress if packed == "gzip" else zstandard.ZstdCompressor().compress
    header = craft.header("zeros", size_field=b"\x80" + size.to_bytes(11, "big"))
    tail = bytes(-size % 512) + craft.END
    return whole(header) + pack(size) + whole(tail)


# --- 1. decompression bombs -----------------------------------------------------------------


@pytest.mark.parametrize("packed", ["gzip", "zstd"])
def test_a_10_gib_bomb_is_stopped_in_bounded_memory(tmp_path: Path, packed: str) -> None:
    bomb = _zeros_tar(10 * GIB, packed)
    assert len(bomb) < 12 * MIB
    path = archive(tmp_path / "bomb.tar", [bomb])
    layer = hashlib.sha256(bomb).hexdigest()
    _bad_input(_analyze(tmp_path, path), f"{layer}/layer.tar: expands more than 200x")


def test_the_layer_size_limit_names_the_layer(tmp_path: Path) -> None:
    layer = _zeros_tar(300 * MIB, "gzip")  # under the ratio's 1 GiB floor
    path = archive(tmp_path / "big.tar", [layer])
    name = hashlib.sha256(layer).hexdigest()
    _bad_input(
        _analyze(tmp_path, path, "--max-layer-bytes", "100MB"),
        f"{name}/layer.tar: its tar is larger than --max-layer-bytes (100000000 bytes)",
    )
    assert _analyze(tmp_path, path, "--format", "json").code == 0


# --- 2. truncation --------------------------------------------------------------------------


def _layer(files: int = 20) -> bytes:
    return layer_tar([("file", f"f{i}", "x" * 5000) for i in range(files)])


def test_an_archive_cut_inside_a_layer_manifest_first(tmp_path: Path) -> None:
    layer = _layer()
    full = archive(tmp_path / "a.tar", [layer], manifest_first=True).read_bytes()
    cut = tmp_path / "cut.tar"
    cut.write_bytes(full[: full.index(b"x" * 5000) + 30_000])
    name = hashlib.sha256(layer).hexdigest()
    _bad_input(_analyze(tmp_path, cut), "truncated or inconsistent: a member claims")
    assert name in _analyze(tmp_path, cut).error_line


def test_a_streamed_archive_cut_inside_a_layer_names_the_layer(tmp_path: Path) -> None:
    layer = _layer()
    full = archive(tmp_path / "a.tar", [layer], manifest_first=True).read_bytes()
    cut = tmp_path / "cut.tar.gz"  # compressed: read as a stream
    cut.write_bytes(gzip.compress(full[: full.index(b"x" * 5000) + 30_000]))
    name = hashlib.sha256(layer).hexdigest()
    _bad_input(_analyze(tmp_path, cut), f"{name}/layer.tar: not a readable layer: truncated")


def test_an_archive_cut_between_members_manifest_last_says_truncated(tmp_path: Path) -> None:
    full = archive(tmp_path / "a.tar", [_layer()]).read_bytes()
    with tarfile.open(tmp_path / "a.tar") as tar:
        last = tar.getmembers()[-1]
    cut = tmp_path / "cut.tar"
    cut.write_bytes(full[: last.offset])  # the manifest, which comes last, is gone whole
    outcome = _analyze(tmp_path, cut)
    _bad_input(outcome, "truncated")
    assert "no manifest" not in outcome.stderr


def _oci_with_blob(tmp_path: Path, blob: bytes) -> Path:
    """An OCI layout whose one layer is BLOB (its digest is BLOB's: it matches)."""
    root = oci_dir(tmp_path / "layout", [("linux/amd64", ImageSpec([[("file", "a", "a")]]))])
    blobs = root / "blobs" / "sha256"
    manifest_path = next(p for p in blobs.iterdir() if b'"layers"' in p.read_bytes())
    document = json.loads(manifest_path.read_bytes())
    document["layers"] = [
        {
            "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
            "digest": _sha(blob),
            "size": len(blob),
        }
    ]
    config_path = blobs / document["config"]["digest"][7:]
    config = json.loads(config_path.read_bytes())
    config["rootfs"]["diff_ids"] = [_sha(b"unknown")]
    config_data = json.dumps(config).encode()
    (blobs / _sha(config_data)[7:]).write_bytes(config_data)
    document["config"] = {"digest": _sha(config_data), "size": len(config_data)}
    (blobs / _sha(blob)[7:]).write_bytes(blob)
    manifest_data = json.dumps(document).encode()
    (blobs / _sha(manifest_data)[7:]).write_bytes(manifest_data)
    index = {
        "schemaVersion": 2,
        "manifests": [
            {
                "digest": _sha(manifest_data),
                "size": len(manifest_data),
                "platform": {"os": "linux", "architecture": "amd64"},
            }
        ],
    }
    (root / "index.json").write_text(json.dumps(index))
    return root


def _flushed(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=31)
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


@pytest.mark.parametrize(
    ("blob", "message"),
    [
        (_flushed(_layer()), "truncated: the gzip stream ends before its trailer"),
        (gzip.compress(_layer())[:-8], "truncated: the gzip stream ends before its trailer"),
        (zstandard.ZstdCompressor().compress(_layer())[:-5], "truncated: the zstd stream"),
    ],
    ids=["gzip cut at a flush point", "gzip without its trailer", "zstd cut in a frame"],
)
def test_a_compressed_layer_that_stops_short(tmp_path: Path, blob: bytes, message: str) -> None:
    root = _oci_with_blob(tmp_path, blob)
    _bad_input(_analyze(tmp_path, root), f"blobs/sha256/{_sha(blob)[7:]}: {message}")


# --- 3. negative and inconsistent sizes -----------------------------------------------------


@pytest.mark.parametrize(
    ("layer", "message"),
    [
        (
            craft.tar(craft.pax({"size": "-5000000"}), craft.member("big", b"x" * 5_000_000)),
            "bad pax size",
        ),
        (craft.tar(craft.header("neg", size_field=b"\xff" * 12)), "negative member size"),
        (craft.tar(craft.header("huge", 8**11 - 1), end=False), "claims 8589934591 bytes"),
    ],
    ids=["negative pax size", "negative base-256 size", "size beyond the layer"],
)
def test_impossible_sizes_are_refused_not_counted(
    tmp_path: Path, layer: bytes, message: str
) -> None:
    path = archive(tmp_path / "sizes.tar", [layer])
    _bad_input(_analyze(tmp_path, path, "--max-size", "1MB"), message)


# --- 4. digests -----------------------------------------------------------------------------


def test_a_blob_that_does_not_match_its_digest(tmp_path: Path) -> None:
    root = oci_dir(tmp_path / "l", [("linux/amd64", ImageSpec([[("file", "a", "a" * 999)]]))])
    for blob in (root / "blobs" / "sha256").iterdir():
        data = blob.read_bytes()
        if b"a" * 999 in data:
            blob.write_bytes(data.replace(b"a" * 999, b"b" * 999))
    _bad_input(_analyze(tmp_path, root), "does not match its digest")
    unverified = _analyze(tmp_path, root, "--no-verify", "--format", "json")
    assert unverified.code == 0, unverified.stderr
    assert json.loads(unverified.stdout)["verification"] == {
        "verified": False,
        "checked": [],
        "not_checked": ["digests (--no-verify)"],
    }


# --- 5. secrets are never printed -----------------------------------------------------------

TOKEN = "ghp_" + "Z9" * 18
KEY_BODY = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmU"


def test_secret_values_are_printed_in_no_format(tmp_path: Path) -> None:
    spec = ImageSpec(
        [[("file", f"app/{TOKEN}.txt", "x")], [("file", "b", "y")]],
        history=[
            f"RUN |1 GITHUB_TOKEN={TOKEN} /bin/sh -c make",
            f"RUN printf '-----BEGIN OPENSSH PRIVATE KEY-----\\n{KEY_BODY}\\n' > /k",
        ],
        env=["PATH=/bin", f"DEPLOY={TOKEN}"],
    )
    path = docker_classic(tmp_path / "s.tar", spec)
    runs = [
        _analyze(tmp_path, path, "--format", fmt, "--allow-secrets")
        for fmt in ("table", "markdown", "json")
    ] + [_analyze(tmp_path, path, "--dive-compatible", "--format", "json")]
    for outcome in runs:
        assert outcome.code == 0, outcome.stderr
        assert TOKEN not in outcome.stdout + outcome.stderr
        assert KEY_BODY not in outcome.stdout + outcome.stderr
        _clean(outcome)
    assert "GITHUB_TOKEN=<redacted>" in runs[0].stdout
    found = json.loads(runs[2].stdout)["secrets"]
    assert {(s["kind"], s["where"], s["name"]) for s in found} == {
        ("build-arg-or-env", "history", "GITHUB_TOKEN"),
        ("private-key", "history", "private-key"),
        ("github-token", "env", "DEPLOY"),
    }
    gate = _analyze(tmp_path, path)
    assert gate.code == 7
    assert TOKEN not in gate.stdout + gate.stderr


# --- 6. names that would act on a terminal --------------------------------------------------


def test_control_characters_in_names_reach_no_terminal(tmp_path: Path) -> None:
    hostile = "app/\x1b]0;owned\x07\nSecrets: (none)\x1b[2J"
    path = docker_classic(tmp_path / "c.tar", ImageSpec([[("file", hostile, "x" * 9999)]]))
    for fmt in ("table", "markdown"):
        outcome = _analyze(tmp_path, path, "--format", fmt)
        assert outcome.code == 0, outcome.stderr
        assert "\x1b" not in outcome.stdout
        assert "\x07" not in outcome.stdout
        assert "\\x1b]0;owned\\x07\\nSecrets: (none)" in outcome.stdout
        assert not any(line.startswith("Secrets: (none)") for line in outcome.stdout.splitlines())
        _clean(outcome)


def test_a_name_that_is_not_utf8_prints(tmp_path: Path) -> None:
    layer = craft.tar(craft.member("app/caf\udce9-\udcff", b"x" * 5000))
    path = archive(tmp_path / "u.tar", [layer])
    for fmt in ("table", "markdown", "json"):
        outcome = _analyze(tmp_path, path, "--format", fmt)
        assert outcome.code == 0, outcome.stderr
        assert "Traceback" not in outcome.stderr
        _clean(outcome)
    assert "/app/caf\\xe9-\\xff" in _analyze(tmp_path, path).stdout


# --- 7. input that used to be a bug (exit 3) ------------------------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: archive(p, [_layer(1)], manifest=["a", "b"]), "first entry is not a JSON"),
        (
            lambda p: archive(p, [_layer(1)], manifest=[{"Config": "c.json", "Layers": 5}]),
            "Layers is not a list",
        ),
        (lambda p: archive(p, [_layer(1)], config=["a list"]), "is not a JSON object"),
        (lambda p: archive(p, [_layer(1)], config={"history": 5}), "history is not a list"),
        (
            lambda p: _members(p, [("manifest.json", b"[" * 10_000 + b"]" * 10_000)]),
            "nested too deeply",
        ),
        (lambda p: _members(p, [("index.json", b'{"manifests": 5}')]), "manifests is not a list"),
    ],
    ids=["manifest of strings", "Layers: 5", "config a list", "history: 5", "deep JSON", "index"],
)
def test_json_of_the_wrong_shape(tmp_path: Path, make: object, message: str) -> None:
    path = make(tmp_path / "j.tar")  # type: ignore[operator]
    _bad_input(_analyze(tmp_path, path), message)


def test_a_path_500_levels_deep(tmp_path: Path) -> None:
    deep = "/".join(["d"] * 500)
    spec = ImageSpec([[("file", f"{deep}/f", "x" * 100)], [("whiteout", "d")]])
    outcome = _analyze(tmp_path, docker_classic(tmp_path / "deep.tar", spec), "--format", "json")
    assert outcome.code == 0, outcome.stderr
    assert json.loads(outcome.stdout)["waste"]["dir_deleted"] == 100
    _clean(outcome)
    dive = _analyze(tmp_path, tmp_path / "deep.tar", "--dive-compatible")
    assert dive.code == 0, dive.stderr


def test_blobs_linked_to_proc_self(tmp_path: Path) -> None:
    root = oci_dir(tmp_path / "l", [("linux/amd64", ImageSpec([[("file", "a", "a")]]))])
    for blob in (root / "blobs" / "sha256").iterdir():
        blob.unlink()
    (root / "blobs" / "sha256").rmdir()
    (root / "blobs").rmdir()
    (root / "blobs").symlink_to("/proc/self")
    _bad_input(_analyze(tmp_path, root), "the layout does not contain")


def test_a_target_that_looks_like_an_option(tmp_path: Path) -> None:
    outcome = sandbox.run(tmp_path, "analyze", "--", "--help")
    _bad_input(outcome, "not a file, a folder or an image reference")


def test_dive_ci_naming_a_binary_file(tmp_path: Path) -> None:
    path = docker_classic(tmp_path / "a.tar", ImageSpec([[("file", "a", "a")]]))
    binary = tmp_path / "work" / "dive-ci"
    binary.parent.mkdir(exist_ok=True)
    binary.write_bytes(bytes(range(256)) * 4)
    _bad_input(_analyze(tmp_path, path, "--dive-ci", str(binary)), "not a text file")


def test_a_gzipped_docker_save_archive_is_read(tmp_path: Path) -> None:
    plain = docker_classic(tmp_path / "a.tar", ImageSpec([[("file", "a", "a" * 123)]]))
    packed = tmp_path / "image.tar.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    outcome = _analyze(tmp_path, packed, "--format", "json")
    assert outcome.code == 0, outcome.stderr
    assert json.loads(outcome.stdout)["size_bytes"] == 123
    _clean(outcome)
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(gzip.compress(b"\x1b]0;owned\x07 not a tar at all " * 100))
    refused = _analyze(tmp_path, junk)
    _bad_input(refused, "not a readable image archive")
    assert "owned" not in refused.stderr  # no bytes of the file are echoed


# --- 8. the engine's own errors -------------------------------------------------------------

FAKE_DOCKER = r"""#!{python}
import json, sys
args = sys.argv[1:]
if args[:1] == ["version"]:
    print("20.10.24")
elif args[:1] == ["buildx"]:
    sys.exit(1)
elif args[:1] == ["info"]:
    print(json.dumps({{"ServerVersion": "20.10.24"}}))
elif args[:2] == ["image", "inspect"]:
    print(json.dumps([{{"RootFS": {{"Layers": []}}}}]))
elif args[:1] == ["save"]:
    {save}
"""


@pytest.mark.parametrize(
    ("save", "code", "message"),
    [
        (
            'sys.stderr.write(\'Error response from daemon: {"message":"write /var/lib/docker/'
            "tmp/x: no space left on device\"}\\n'); sys.exit(1)",
            6,
            "docker save img:1: write /var/lib/docker/tmp/x: no space left on device",
        ),
        (
            'sys.stdout.buffer.write(b\'{"errorDetail":{"message":"layer not known"},'
            '"error":"layer not known"}\\r\\n\'); sys.exit(0)',
            2,
            "img:1: the engine stopped sending the image: layer not known",
        ),
    ],
    ids=["save fails", "save writes its error into the stream"],
)
def test_engine_errors_are_one_sentence(tmp_path: Path, save: str, code: int, message: str) -> None:
    docker = tmp_path / "docker"
    docker.write_text(FAKE_DOCKER.format(python=os.sys.executable, save=save))  # type: ignore[attr-defined]
    docker.chmod(0o755)
    outcome = _analyze(tmp_path, "img:1", env={"SLIMSTAGE_DOCKER": str(docker)})
    _bad_input(outcome, message, code)
    assert "{" not in outcome.error_line
