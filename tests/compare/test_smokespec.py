from __future__ import annotations

import json

from slimstage.compare.smokespec import Request, Sidecar, SmokeSpec


def test_a_request_as_the_probe_reads_it() -> None:
    request = Request("/api", method="POST", body="{}", headers=(("X-A", "1"),), expect_status=201)
    assert request.as_probe() == {
        "path": "/api",
        "method": "POST",
        "body": "{}",
        "headers": {"X-A": "1"},
        "expect_status": 201,
        "expect_body": None,
    }
    json.dumps(request.as_probe())  # the probe gets it as JSON


def test_describe_says_what_is_checked() -> None:
    assert SmokeSpec().describe() == "GET /"
    spec = SmokeSpec(
        requests=(Request("/readyz"), Request("/api", method="POST"), Request("/api")),
        sidecars=(Sidecar("postgres", "pg:1"),),
    )
    assert spec.describe() == "GET /readyz +2 request(s) with postgres"
