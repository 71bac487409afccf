"""What `pip download` and `apt-get update` in a container say about the package indexes."""

from __future__ import annotations

from slimstage import proc
from slimstage.bases import reach
from slimstage.errors import CommandFailed
from tests.bases.fakestandins import FakeStandIns

FIX = "slimstage base build --release trixie --ca-bundle /etc/ca.pem"

# What pip printed here in python:3.11-slim before it trusted the proxy's CA.
PIP_UNTRUSTED = (
    "Could not fetch URL https://pypi.org/simple/six/: There was a problem confirming the ssl "
    "certificate: HTTPSConnectionPool(host='pypi.org', port=443): Max retries exceeded with url: "
    "/simple/six/ (Caused by SSLError(SSLCertVerificationError(1, '[SSL: "
    "CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate in "
    "certificate chain (_ssl.c:992)'))) - skipping\n"
    "ERROR: Could not find a version that satisfies the requirement six==1.16.0 (from versions: "
    "none)\nERROR: No matching distribution found for six==1.16.0\n"
)
PIP_NO_DNS = (
    "WARNING: Retrying (Retry(total=0, ...)) after connection broken by 'NewConnectionError('"
    "<pip._vendor.urllib3.connection.HTTPSConnection object>: Failed to establish a new "
    "connection: [Errno -3] Temporary failure in name resolution')': /simple/six/\n"
    "ERROR: No matching distribution found for six==1.16.0\n"
)
APT_OK = (
    "Get:1 http://deb.debian.org/debian trixie InRelease [140 kB]\n"
    "Fetched 9422 kB in 1s (6483 kB/s)\nReading package lists...\n"
)
APT_UNREACHABLE = (
    "Err:1 http://deb.debian.org/debian trixie InRelease\n"
    "  Temporary failure resolving 'deb.debian.org'\nReading package lists...\n"
    "W: Failed to fetch http://deb.debian.org/debian/dists/trixie/InRelease  Temporary failure "
    "resolving 'deb.debian.org'\nW: Some index files failed to download. They have been "
    "ignored, or old ones used instead.\n"
)


def _result(code: int, out: str = "", err: str = "") -> proc.Result:
    return proc.Result(("docker", "run"), code, out, err)


def test_pip_answering_is_reachable() -> None:
    found = reach.read_pip(_result(0, "Successfully downloaded six\n"), ca_fix=FIX)
    assert found == reach.Reach(
        "pip download six==1.16.0", True, "the Python package index answered"
    )


def test_an_untrusted_certificate_points_at_the_ca_bundle() -> None:
    found = reach.read_pip(_result(1, "", PIP_UNTRUSTED), ca_fix=FIX)
    assert not found.ok
    assert "TLS certificate this image does not trust" in found.detail
    assert found.fix == FIX


def test_no_route_to_the_index_points_at_the_engine_network() -> None:
    found = reach.read_pip(_result(1, "", PIP_NO_DNS), ca_fix=FIX)
    assert not found.ok
    assert found.detail.startswith("the package index is not reachable: WARNING: Retrying")
    assert found.fix == reach.NETWORK_FIX


def test_apt_exiting_0_without_fetching_anything_is_a_failure() -> None:
    assert reach.read_apt(_result(0, APT_OK), ca_fix=FIX).ok
    failed = reach.read_apt(_result(0, APT_UNREACHABLE), ca_fix=FIX)
    assert not failed.ok
    assert failed.detail.startswith("failed (exit 0): W: Some index files failed")
    https = (
        "Err:1 https://mirror.example/debian trixie InRelease\n  Certificate verification failed"
    )
    assert reach.read_apt(_result(100, https), ca_fix=FIX).fix == FIX


def test_probe_runs_both_commands_and_reports_a_timeout() -> None:
    engine = FakeStandIns()
    engine.answers["python3"] = _result(0)
    engine.answers["apt-get"] = CommandFailed(("docker", "run"), -1, "", "timed out after 60s")
    found = reach.probe(engine, "python:3.13-slim", ca_fix=FIX, labels={"t": "1"})
    assert [spec.command[:4] for spec in engine.started] == [
        ("python3", "-m", "pip", "download"),
        ("apt-get", "-o", "Acquire::Retries=0", "-o"),
    ]
    assert all(
        spec.image == "python:3.13-slim" and spec.labels == {"t": "1"} for spec in engine.started
    )
    assert [r.ok for r in found] == [True, False]
    assert found[1].detail == "the Debian mirror is not reachable: timed out after 60s"
    assert reach.PIP_PACKAGE in reach.PIP_COMMAND
