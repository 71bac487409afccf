"""Which extra CA bundle a stand-in trusts, and whether a stand-in present is the one asked for.

A stand-in records the sha256 of the extra CA bundle it was built with (LABEL_CA), so a bundle
that changed, or a stand-in built without one, is seen without starting a container. `judge`
is the one decision `base build` acts on and `doctor` reports: build, reuse, or keep an image
slimstage did not make.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from slimstage.bases.catalog import LABEL_STAND_IN, BaseStatus

NO_CA = "none"

BUILD = "build"
REUSE = "reuse"
KEEP = "keep"


def ca_fingerprint(bundle: Path | None) -> str:
    """What LABEL_CA records for BUNDLE: "sha256:<hex>" of its bytes, or NO_CA."""
    if bundle is None:
        return NO_CA
    return "sha256:" + hashlib.sha256(bundle.read_bytes()).hexdigest()


def describe_ca(fingerprint: str) -> str:
    if fingerprint == NO_CA:
        return "no extra CA"
    if not fingerprint:
        return "an unrecorded CA bundle"
    return f"the CA bundle {fingerprint[:19]}"  # sha256: and 12 hex digits, as image IDs


@dataclass(frozen=True)
class Verdict:
    action: str  # BUILD, REUSE or KEEP
    reason: str


def judge(
    row: BaseStatus, *, ca: str, base: BaseStatus | None = None, rebuild: bool = False
) -> Verdict:
    """What to do with the image found under a stand-in's tag, given the CA fingerprint asked
    for and, for an image built on another, that base as it is now."""
    if not row.present:
        return Verdict(BUILD, "missing")
    if not row.stand_in:
        reason = (
            f"not a stand-in (no {LABEL_STAND_IN} label): slimstage never replaces an image it "
            "did not build"
        )
        if ca != NO_CA:
            reason += f"; {describe_ca(ca)} asked for is not installed in it"
        return Verdict(KEEP, reason)
    if rebuild:
        return Verdict(BUILD, "a rebuild was asked for")
    if not row.ca:
        return Verdict(BUILD, "it records no CA fingerprint: an older slimstage built it")
    if row.ca != ca:
        return Verdict(BUILD, _mismatch(row.ca, ca))
    if base is not None and row.built_on != base.image_id:
        return Verdict(BUILD, f"it was built on an earlier {base.tag}")
    return Verdict(REUSE, f"stand-in trusting {describe_ca(row.ca)}")


def _mismatch(found: str, asked: str) -> str:
    if asked == NO_CA:
        return (
            f"it trusts {describe_ca(found)}, and no CA bundle is asked for "
            "(--ca-bundle FILE, or $SSL_CERT_FILE)"
        )
    if found == NO_CA:
        return f"it trusts no extra CA, and {describe_ca(asked)} is asked for"
    return f"it trusts {describe_ca(found)}, not {describe_ca(asked)} as asked"
