from __future__ import annotations

import json

from slimstage.lint import output
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
