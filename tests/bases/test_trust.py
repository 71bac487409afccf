"""CA fingerprints and the one decision on a stand-in present: build, reuse or keep."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from slimstage.bases.catalog import BaseStatus
from slimstage.bases.trust import BUILD, KEEP, NO_CA, REUSE, ca_fingerprint, describe_ca, judge

CA = "sha256:" + "ab" * 32
OTHER = "sha256:" + "cd" * 32


def _row(*, present: bool = True, stand_in: bool = True, ca: str = CA, on: str = "") -> BaseStatus:
    return BaseStatus(
        "python:3.13-slim",
        "python-slim",
        "trixie",
        present=present,
        stand_in=stand_in,
        image_id="sha256:py",
        ca=ca,
        built_on=on,
    )


DEBIAN = BaseStatus("debian:trixie-slim", "debian-slim", "trixie", True, True, image_id="sha256:d")


def test_the_fingerprint_is_the_sha256_of_the_bundle_or_none(tmp_path: Path) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_bytes(b"-----BEGIN CERTIFICATE-----\n")
    expected = "sha256:" + hashlib.sha256(bundle.read_bytes()).hexdigest()
    assert ca_fingerprint(bundle) == expected
    assert ca_fingerprint(None) == NO_CA
    assert describe_ca(expected) == f"the CA bundle {expected[:19]}"
    assert describe_ca(NO_CA) == "no extra CA"


@pytest.mark.parametrize(
    ("row", "ca", "rebuild", "action", "reason"),
    [
        (_row(present=False), CA, False, BUILD, "missing"),
        (_row(on="sha256:d"), CA, False, REUSE, "stand-in trusting the CA bundle sha256:abababab"),
        (_row(on="sha256:d"), CA, True, BUILD, "a rebuild was asked for"),
        (_row(ca=""), CA, False, BUILD, "it records no CA fingerprint"),
        (_row(ca=NO_CA), CA, False, BUILD, "it trusts no extra CA, and the CA bundle sha256:abab"),
        (_row(), OTHER, False, BUILD, "it trusts the CA bundle sha256:abababab"),
        (_row(), NO_CA, False, BUILD, "and no CA bundle is asked for (--ca-bundle FILE, or $SSL"),
        (_row(on="sha256:old"), CA, False, BUILD, "it was built on an earlier debian:trixie-slim"),
        (_row(stand_in=False), CA, True, KEEP, "slimstage never replaces an image it did not"),
    ],
)
def test_judge(row: BaseStatus, ca: str, rebuild: bool, action: str, reason: str) -> None:
    verdict = judge(row, ca=ca, base=DEBIAN, rebuild=rebuild)
    assert verdict.action == action
    assert reason in verdict.reason


def test_an_official_image_is_kept_and_said_to_lack_the_ca_asked_for() -> None:
    kept = judge(_row(stand_in=False), ca=CA)
    assert kept.reason.endswith(f"; the CA bundle {CA[:19]} asked for is not installed in it")
    assert "not installed" not in judge(_row(stand_in=False), ca=NO_CA).reason


def test_a_mismatch_names_both_bundles() -> None:
    verdict = judge(_row(), ca=OTHER)
    assert (
        verdict.reason
        == f"it trusts the CA bundle {CA[:19]}, not the CA bundle {OTHER[:19]} as asked"
    )
