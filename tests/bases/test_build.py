"""Building the stand-ins: which are built, reused or kept and with which CA (on an engine
double), and the real images keeping the promises of the images they stand for."""

from __future__ import annotations

from pathlib import Path

import pytest

from slimstage.bases import build
from slimstage.bases.catalog import (
    LABEL_BUILT_ON,
    LABEL_CA,
    LABEL_STAND_IN,
    RELEASES,
    BaseStatus,
    base_images,
)
from slimstage.bases.trust import NO_CA, ca_fingerprint
from slimstage.engine import Engine, RunSpec
from slimstage.errors import UsageError
from slimstage.options import BaseBuildOptions
from tests.bases.fakestandins import FakeStandIns
from tests.conftest import Sweeper

RUNTIME = "slimstage/python:3.13-runtime"
TRIXIE = RELEASES["trixie"]
TRIXIE_TAGS = ["debian:trixie-slim", "python:3.13-slim", RUNTIME]


def test_plan_resolves_defaults_and_checks_the_ca_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    plan = build.plan(BaseBuildOptions())
    assert (plan.release.codename, plan.mirror, plan.ca_bundle) == (
        "trixie",
        "http://deb.debian.org/debian",
        None,
    )
    ca = tmp_path / "ca.pem"
    ca.write_text("x")
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))
    assert build.plan(BaseBuildOptions(release="bookworm")).ca_bundle == ca
    with pytest.raises(UsageError, match="no such file"):
        build.plan(BaseBuildOptions(ca_bundle=tmp_path / "missing.pem"))


# -- on an engine double: what is built, reused or kept, and what each image trusts ------------


@pytest.fixture
def fake_debootstrap(monkeypatch: pytest.MonkeyPatch) -> None:
    """debootstrap replaced by the few directories slim_rootfs writes into."""

    def make_tree(root: Path, codename: str, mirror: str) -> None:
        for rel in ("etc/apt/apt.conf.d", "usr/sbin", "usr/bin"):
            (root / rel).mkdir(parents=True, exist_ok=True)

    monkeypatch.setattr(build, "debootstrap", make_tree)


def _ca(tmp_path: Path, name: str = "proxy-ca.pem") -> Path:
    path = tmp_path / name
    path.write_text(f"-----BEGIN CERTIFICATE-----\n{name}\n-----END CERTIFICATE-----\n")
    return path


def _plan(
    ca: Path | None,
    *,
    rebuild: bool = False,
    prefix: str = "",
    labels: dict[str, str] | None = None,
) -> build.BuildPlan:
    return build.BuildPlan(
        release=TRIXIE, ca_bundle=ca, rebuild=rebuild, prefix=prefix, labels=labels or {}
    )


def _ids(rows: list[BaseStatus]) -> list[str]:
    return [row.image_id for row in rows]


@pytest.mark.usefixtures("fake_debootstrap")
def test_no_images_yet_builds_all_three_trusting_the_ca_asked_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine, ca = FakeStandIns(), _ca(tmp_path)
    rows = build.build_all(engine, _plan(ca))
    assert engine.made == TRIXIE_TAGS
    fingerprint = ca_fingerprint(ca)
    assert [row.ca for row in rows] == [fingerprint] * 3
    assert [engine.images[tag].ca for tag in TRIXIE_TAGS] == [ca.read_bytes()] * 3
    assert [row.built_on for row in rows] == ["", rows[0].image_id, rows[0].image_id]
    assert [args["BASE"] for args in engine.build_args] == ["debian:trixie-slim"] * 2
    assert engine.copied_ca == [None, None]  # the Debian stand-in carries it: no second copy
    assert engine.images["python:3.13-slim-trixie"] is engine.images["python:3.13-slim"]
    err = capsys.readouterr().err
    trusting = f"the CA bundle {fingerprint[:19]} ({ca})"
    assert f"base: building python:3.13-slim (missing) with {trusting}\n" in err
    assert f"base: built python:3.13-slim; it trusts {trusting}\n" in err


@pytest.mark.usefixtures("fake_debootstrap")
def test_stand_ins_that_match_are_reused_and_nothing_claims_a_new_trust(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine, ca = FakeStandIns(), _ca(tmp_path)
    first = build.build_all(engine, _plan(ca))
    capsys.readouterr()
    again = build.build_all(engine, _plan(ca))
    assert _ids(again) == _ids(first)
    assert len(engine.made) == 3
    short = ca_fingerprint(ca)[:19]
    assert capsys.readouterr().err.splitlines() == [
        f"base: {tag} is present (stand-in trusting the CA bundle {short}); reusing it"
        for tag in TRIXIE_TAGS
    ]


@pytest.mark.usefixtures("fake_debootstrap")
def test_stand_ins_built_without_the_ca_are_rebuilt_with_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The bookworm stand-ins of the report: built with no CA, then asked to trust one.
    bookworm = RELEASES["bookworm"]
    engine, ca = FakeStandIns(), _ca(tmp_path)
    build.build_all(engine, build.BuildPlan(release=bookworm))
    assert engine.images["python:3.11-slim"].labels[LABEL_CA] == NO_CA
    capsys.readouterr()
    rows = build.build_all(engine, build.BuildPlan(release=bookworm, ca_bundle=ca))
    assert len(engine.made) == 6
    assert [row.ca for row in rows] == [ca_fingerprint(ca)] * 3
    assert engine.images["python:3.11-slim"].ca == ca.read_bytes()
    err = capsys.readouterr().err
    assert "reusing" not in err
    asked = f"the CA bundle {ca_fingerprint(ca)[:19]} is asked for"
    assert f"base: building debian:bookworm-slim (it trusts no extra CA, and {asked})" in err


@pytest.mark.usefixtures("fake_debootstrap")
def test_a_new_ca_rebuilds_the_debian_stand_in_and_the_images_built_on_it(tmp_path: Path) -> None:
    engine = FakeStandIns()
    first = build.build_all(engine, _plan(_ca(tmp_path, "old.pem")))
    new = _ca(tmp_path, "new.pem")
    rows = build.build_all(engine, _plan(new))
    assert engine.made == TRIXIE_TAGS * 2
    assert not set(_ids(rows)) & set(_ids(first))
    assert [row.ca for row in rows] == [ca_fingerprint(new)] * 3
    assert [row.built_on for row in rows[1:]] == [rows[0].image_id] * 2
    # The images replaced do not stay behind untagged.
    assert engine.removed == _ids(first)


@pytest.mark.usefixtures("fake_debootstrap")
def test_stand_ins_from_before_ca_fingerprints_are_rebuilt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = FakeStandIns()
    for tag in TRIXIE_TAGS:
        engine.add_stand_in(tag)
    build.build_all(engine, _plan(None))
    assert engine.made == TRIXIE_TAGS
    assert "(it records no CA fingerprint: an older slimstage built it) with no extra CA" in (
        capsys.readouterr().err
    )


@pytest.mark.usefixtures("fake_debootstrap")
def test_images_built_on_an_earlier_debian_stand_in_are_rebuilt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine, ca = FakeStandIns(), _ca(tmp_path)
    build.build_all(engine, _plan(ca))
    debian = engine.add_stand_in("debian:trixie-slim", **{LABEL_CA: ca_fingerprint(ca)})
    capsys.readouterr()
    rows = build.build_all(engine, _plan(ca))
    assert engine.made[3:] == TRIXIE_TAGS[1:]
    assert [row.built_on for row in rows[1:]] == [debian.id] * 2
    assert "(it was built on an earlier debian:trixie-slim)" in capsys.readouterr().err


def test_an_official_image_is_kept_and_the_images_built_on_it_still_trust_the_ca(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine, ca = FakeStandIns(), _ca(tmp_path)
    official = engine.add("debian:trixie-slim", {})
    rows = build.build_all(engine, _plan(ca))
    assert engine.made == TRIXIE_TAGS[1:]
    assert engine.images["debian:trixie-slim"] is official
    assert engine.copied_ca == [ca.read_bytes()] * 2
    assert [row.built_on for row in rows[1:]] == [official.id] * 2
    assert (
        "base: keeping debian:trixie-slim: not a stand-in (no org.slimstage.stand-in label): "
        "slimstage never replaces an image it did not build; the CA bundle "
        f"{ca_fingerprint(ca)[:19]} asked for is not installed in it\n"
    ) in capsys.readouterr().err
    build.build_all(engine, _plan(ca, rebuild=True))
    assert engine.images["debian:trixie-slim"] is official


@pytest.mark.usefixtures("fake_debootstrap")
def test_rebuild_rebuilds_every_stand_in(tmp_path: Path) -> None:
    engine = FakeStandIns()
    build.build_all(engine, _plan(None))
    build.build_all(engine, _plan(None, rebuild=True))
    assert engine.made == TRIXIE_TAGS * 2


@pytest.mark.usefixtures("fake_debootstrap")
def test_a_tag_prefix_and_extra_labels_reach_every_stand_in(tmp_path: Path) -> None:
    engine = FakeStandIns()
    rows = build.build_all(engine, _plan(None, prefix="t-1/", labels={"org.slimstage.test": "1"}))
    assert engine.made == [f"t-1/{tag}" for tag in TRIXIE_TAGS]
    assert "t-1/python:3.13-slim-trixie" in engine.images
    assert [args["BASE"] for args in engine.build_args] == ["t-1/debian:trixie-slim"] * 2
    for tag in engine.made:
        assert engine.images[tag].labels["org.slimstage.test"] == "1"
    assert engine.images[rows[1].tag].labels[LABEL_BUILT_ON] == rows[0].image_id


# -- the real images ---------------------------------------------------------------------------


def _sh(engine: Engine, sweeper: Sweeper, image: str, script: str) -> tuple[int, str]:
    result = engine.run_once(RunSpec(image, labels=sweeper.labels, command=["sh", "-c", script]))
    return result.returncode, result.stdout + result.stderr


def _python(engine: Engine, sweeper: Sweeper, image: str, code: str) -> str:
    spec = RunSpec(image, labels=sweeper.labels, command=["python3", "-c", code])
    result = engine.run_once(spec)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def _present_releases(engine: Engine) -> list[str]:
    return [
        release.codename
        for release in RELEASES.values()
        if engine.inspect_image(base_images(release)[2].tag) is not None
    ]


@pytest.mark.engine
def test_python_slim_stand_in_keeps_the_official_promises(engine: Engine, sweeper: Sweeper) -> None:
    code, out = _sh(
        engine,
        sweeper,
        "python:3.13-slim",
        "set -e; for c in python pip python3 pip3; do command -v $c; done; python --version;"
        " test -f /usr/include/python3.13/Python.h && echo headers;"
        " test ! -e /usr/lib/python3.13/EXTERNALLY-MANAGED && echo no-pep668;"
        ' test -z "$(find /usr/share/man /usr/share/doc -type f ! -name copyright)" && echo no-man;'
        ' test -z "$(ls /var/lib/apt/lists | grep -v -e partial -e lock)" && echo no-lists;'
        " command -v gcc || echo no-gcc",
    )
    assert code == 0, out
    for word in (
        "/usr/local/bin/python",
        "/usr/local/bin/pip",
        "Python 3.13",
        "headers",
        "no-pep668",
        "no-man",
        "no-lists",
        "no-gcc",
    ):
        assert word in out


@pytest.mark.engine
def test_runtime_base_has_python_and_nothing_to_build_with(
    engine: Engine, sweeper: Sweeper
) -> None:
    imports = "import ssl, sqlite3, zlib, ctypes, json, urllib.request; print('ok')"
    assert _python(engine, sweeper, RUNTIME, imports) == "ok"
    probe = (
        "import os, shutil, importlib.util as u;"
        "print(*(shutil.which(c) for c in ('sh', 'gcc', 'pip', 'apt-get')),"
        " u.find_spec('pip'), os.path.exists('/usr/include/python3.13'))"
    )
    assert _python(engine, sweeper, RUNTIME, probe) == "None None None None None False"


@pytest.mark.engine
def test_runtime_base_knows_time_zones_in_every_release_built(
    engine: Engine, sweeper: Sweeper
) -> None:
    code = (
        "import datetime as dt, zoneinfo;"
        "paris = zoneinfo.ZoneInfo('Europe/Paris');"
        "print(dt.datetime(2025, 7, 1, tzinfo=paris).utcoffset(),"
        " dt.datetime(2025, 1, 1, tzinfo=paris).utcoffset())"
    )
    releases = _present_releases(engine)
    assert "trixie" in releases
    for codename in releases:
        runtime = base_images(RELEASES[codename])[2].tag
        assert _python(engine, sweeper, runtime, code) == "2:00:00 1:00:00", runtime


@pytest.mark.engine
def test_the_stand_ins_in_use_hold_the_ca_their_labels_name(
    engine: Engine, sweeper: Sweeper
) -> None:
    script = (
        "f=/usr/local/share/ca-certificates/slimstage-extra-ca.crt;"
        ' if [ -e $f ]; then echo "sha256:$(sha256sum < $f | cut -d" " -f1)"; else echo none; fi'
    )
    for codename in _present_releases(engine):
        debian, python_slim, runtime = base_images(RELEASES[codename])
        labels = {image.kind: engine.image_labels(image.tag) for image in (debian, python_slim)}
        for image in (debian, python_slim):
            code, out = _sh(engine, sweeper, image.tag, script)
            assert (code, out.strip()) == (0, labels[image.kind][LABEL_CA]), image.tag
        # The runtime has no shell: it carries the CA in its bundle, as its label records.
        assert engine.image_labels(runtime.tag)[LABEL_CA] == labels["debian-slim"][LABEL_CA]


def _test_ca(engine: Engine, sweeper: Sweeper, path: Path) -> str:
    """A self-signed certificate no Debian bundle holds, made with the stand-in's openssl."""
    command = ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
    command += ["-nodes", "-keyout", "/dev/null", "-subj", "/CN=slimstage test CA", "-days", "2"]
    made = engine.run_once(RunSpec("python:3.13-slim", labels=sweeper.labels, command=command))
    assert made.returncode == 0, made.stderr
    path.write_text(made.stdout)
    return "".join(made.stdout.strip().splitlines()[1:-1])  # the base64 body


@pytest.mark.engine
def test_stand_ins_built_on_a_debian_image_install_the_ca_asked_for_themselves(
    engine: Engine, sweeper: Sweeper, tmp_path: Path
) -> None:
    # Under a throw-away prefix, on a copy of the Debian stand-in in use labelled as an image
    # slimstage did not build (so it is kept, and no debootstrap runs): the real Dockerfiles
    # must put the CA asked for into the bundle that pip and Python read.
    ca = tmp_path / "test-ca.pem"
    body = _test_ca(engine, sweeper, ca)
    prefix = f"slimstage-test-{sweeper.run}/"
    (tmp_path / "Dockerfile").write_text("FROM debian:trixie-slim\n")
    engine.build(
        dockerfile=tmp_path / "Dockerfile",
        context=tmp_path,
        tag=f"{prefix}debian:trixie-slim",
        labels={**sweeper.labels, LABEL_STAND_IN: "false"},
    )
    plan = _plan(ca, prefix=prefix, labels=sweeper.labels)
    debian, *rows = build.build_all(engine, plan)
    assert not debian.stand_in
    assert [(row.stand_in, row.ca, row.built_on) for row in rows] == [
        (True, ca_fingerprint(ca), debian.image_id)
    ] * 2
    bundle = "''.join(open('/etc/ssl/certs/ca-certificates.crt').read().split())"
    read = f"import sys; print(sys.argv[1] in {bundle})"
    for row in rows:
        spec = RunSpec(row.tag, labels=sweeper.labels, command=["python3", "-c", read, body])
        assert engine.run_once(spec).stdout.strip() == "True", row.tag
    assert _ids(build.build_all(engine, plan)) == _ids([debian, *rows])


@pytest.mark.engine
def test_bookworm_release_gives_python_3_11_trusting_the_ca_asked_for(
    engine: Engine, sweeper: Sweeper
) -> None:
    # Built as `slimstage base build --release bookworm` builds it ($SSL_CERT_FILE trusted), and
    # kept as a cache, like the trixie stand-ins.
    plan = build.plan(BaseBuildOptions(release="bookworm"))
    rows = build.build_all(engine, plan)
    assert [row.tag for row in rows] == [
        "debian:bookworm-slim",
        "python:3.11-slim",
        "slimstage/python:3.11-runtime",
    ]
    assert all(row.present and row.stand_in for row in rows)
    assert [row.ca for row in rows] == [ca_fingerprint(plan.ca_bundle)] * 3
    for image in ("python:3.11-slim", "slimstage/python:3.11-runtime"):
        code = "import sys, ssl, sqlite3; print(sys.version_info[:2])"
        assert _python(engine, sweeper, image, code) == "(3, 11)", image
