from __future__ import annotations

import json
from collections.abc import Iterator

import slimstage
from slimstage.dockerfile import Instruction, Stage
from slimstage.lint import output
from slimstage.lint.rule import Context, Finding, Rule, Severity
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


def _no_findings(_ctx: Context) -> Iterator[tuple[Instruction | Stage, str]]:
    return iter(())


RULES = [Rule("SS901", Severity.ERROR, "A rule", _no_findings)]
FINDINGS = [
    Finding("SS901", Severity.ERROR, "Dockerfile", 3, "app", "first"),
    Finding("SC2086", Severity.INFO, "Dockerfile", 5, None, "Double quote to prevent globbing."),
    Finding("SC2086", Severity.INFO, "other/Dockerfile", 1, None, "a later message"),
]


def test_text_is_one_line_a_finding_with_the_stage_when_there_is_one() -> None:
    assert output.text(FINDINGS[1:2]) == (
        "Dockerfile:5 SC2086 info: Double quote to prevent globbing.\n"
    )
    assert output.text([]) == ""
    assert output.text(FINDINGS[:2]) == (
        "Dockerfile:3 SS901 error [stage app]: first\n"
        "Dockerfile:5 SC2086 info: Double quote to prevent globbing.\n"
    )


def test_json_document_written_out() -> None:
    expected = [
        {
            "code": "SS901",
            "severity": "error",
            "file": "Dockerfile",
            "line": 3,
            "stage": "app",
            "message": "first",
        },
        {
            "code": "SC2086",
            "severity": "info",
            "file": "Dockerfile",
            "line": 5,
            "stage": None,
            "message": "Double quote to prevent globbing.",
        },
    ]
    # indented by two, one key a line, as a person reading the file expects
    assert output.to_json(FINDINGS[:2]) == json.dumps(expected, indent=2) + "\n"
    assert output.to_json(FINDINGS[:2]).startswith('[\n  {\n    "code": "SS901",\n')


def test_sarif_document_written_out() -> None:
    docs = "https://github.com/slimstage/slimstage/blob/main/docs/rules/SS901.md"

    def result(index: int, code: str, level: str, message: str, uri: str, line: int) -> object:
        return {
            "ruleId": code,
            "ruleIndex": index,
            "level": level,
            "message": {"text": message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri},
                        "region": {"startLine": line},
                    }
                }
            ],
        }

    expected = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "slimstage",
                        "version": slimstage.__version__,
                        "informationUri": "https://github.com/slimstage/slimstage",
                        "rules": [
                            {
                                "id": "SS901",
                                "name": "A rule",
                                "shortDescription": {"text": "A rule"},
                                "helpUri": docs,
                                "defaultConfiguration": {"level": "error"},
                            },
                            {
                                # described by the first message seen for the code
                                "id": "SC2086",
                                "name": "Double quote to prevent globbing.",
                                "shortDescription": {"text": "Double quote to prevent globbing."},
                                "helpUri": "https://www.shellcheck.net/wiki/SC2086",
                                "defaultConfiguration": {"level": "note"},
                            },
                        ],
                    }
                },
                "results": [
                    result(0, "SS901", "error", "first", "Dockerfile", 3),
                    result(1, "SC2086", "note", FINDINGS[1].message, "Dockerfile", 5),
                    result(1, "SC2086", "note", "a later message", "other/Dockerfile", 1),
                ],
            }
        ],
    }
    assert output.sarif(FINDINGS, RULES) == json.dumps(expected, indent=2) + "\n"


def test_sarif_levels_of_each_severity() -> None:
    levels = {}
    for severity in Severity:
        finding = Finding("SS901", severity, "D", 1, None, "m")
        rule = Rule("SS901", severity, "t", _no_findings)
        document = json.loads(output.sarif([finding], [rule]))
        run = document["runs"][0]
        assert (
            run["tool"]["driver"]["rules"][0]["defaultConfiguration"]["level"]
            == (run["results"][0]["level"])
        )
        levels[severity.name] = run["results"][0]["level"]
    assert levels == {"STYLE": "note", "INFO": "note", "WARNING": "warning", "ERROR": "error"}


def test_characters_up_to_0xff_escape_as_x_and_above_as_u() -> None:
    assert output.escape("\x9f") == "\\x9f"  # the last C1 control
    assert output.escape("a\u2028b\u2069") == "a\\u2028b\\u2069"
    assert output.escape("\xff\u0100é") == "\xff\u0100é"  # printable: left alone
