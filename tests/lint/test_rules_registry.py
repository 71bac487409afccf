from __future__ import annotations

import re
from pathlib import Path

from slimstage.lint.rules import all_rules

DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules"


def test_codes_are_unique_and_stable_in_form() -> None:
    codes = [rule.code for rule in all_rules()]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"SS[1-5]\d\d", code) for code in codes)
    assert len(codes) >= 20


def test_every_rule_has_a_doc_page_and_a_test_module() -> None:
    tests = Path(__file__).parent / "rules"
    for rule in all_rules():
        page = DOCS / f"{rule.code}.md"
        assert page.is_file(), f"{page} missing: run scripts/rule-docs"
        assert rule.title in page.read_text()
        assert list(tests.glob(f"test_{rule.code.lower()}_*.py")), rule.code


def test_hadolint_codes_map_to_one_rule_each() -> None:
    seen: dict[str, str] = {}
    for rule in all_rules():
        for code in rule.hadolint:
            assert code not in seen
            seen[code] = rule.code
    assert seen["DL3002"] == "SS401"
