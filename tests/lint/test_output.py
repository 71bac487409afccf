from __future__ import annotations

import json

from slimstage.lint import output
from slimstage.lint.rule import Finding, Severity
from slimstage.lint.rules import all_rules
from slimstage.lint.runner import lint_text

TEXT = "FROM python:3.13-slim as b\nFROM python:3.13-slim\nRUN apt-get install -y gcc\n"


def test_text_lines_name_file_line_code_stage() -> None:
    text = output.text(lint_text(TEXT, path="D"))
    assert "D:3 SS101 warning [stage 1]: build-only packages" in text


def test_json_fields() -> None:
    items = json.loads(output.to_json(lint_text(TEXT, path="D")))
    assert items
    assert set(items[0]) == {"code", "severity", "line", "stage", "message", "file"}


def test_sarif_2_1_0_shape() -> None:
    rules = all_rules()
    document = json.loads(output.sarif(lint_text(TEXT, path="D"), rules))
    assert document["version"] == "2.1.0"
    run = document["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "slimstage"
    assert [r["id"] for r in driver["rules"]] == [r.code for r in rules]
    assert run["results"]
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1


HOSTILE = (
    "FROM debian:12 AS \x1b]0;owned\x07\n"
    "FROM \x1b[2Jdebian\x9b AS b\u202ec\nCOPY --from=\x1b[2J a b\nUSER me\n"
)


def test_text_escapes_control_characters() -> None:
    findings = [
        Finding("SS404", Severity.WARNING, "a\x1bb", 2, "st\nage", "x\x1b[2J\ry\u2028z\x85\t\x7f")
    ]
    assert output.text(findings) == (
        "a\\x1bb:2 SS404 warning [stage st\\nage]: x\\x1b[2J\\ry\\u2028z\\x85\\t\\x7f\n"
    )
    printed = output.text(lint_text(HOSTILE, path="D"))
    assert not any(ch in printed.replace("\n", "") for ch in "\x1b\x07\x9b\u202e\r")
    assert "[stage \\x1b]0;owned\\x07]" in printed
    assert printed.count("\n") == len(lint_text(HOSTILE, path="D"))  # one line per finding


def test_json_and_sarif_escape_them_by_themselves() -> None:
    findings = lint_text(HOSTILE, path="D")
    for document in (output.to_json(findings), output.sarif(findings, all_rules())):
        assert document.isascii()
        assert "\x1b" not in document
        assert "\\u001b" in document
        json.loads(document)


def test_sarif_describes_the_shellcheck_codes_it_reports() -> None:
    findings = lint_text("FROM debian:12\nRUN cd /x; echo $y\nRUN echo $z\n", path="D")
    codes = {f.code for f in findings if f.code.startswith("SC")}
    assert codes == {"SC2086", "SC2154", "SC2164"}
    run = json.loads(output.sarif(findings, all_rules()))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids))
    for code in codes:
        entry = rules[ids.index(code)]
        assert entry["helpUri"] == f"https://www.shellcheck.net/wiki/{code}"
        assert entry["shortDescription"]["text"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
