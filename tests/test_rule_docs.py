"""Reference pages: generated from the rule modules, with the fixed headings, never stale."""

from __future__ import annotations

import subprocess
import sys

import pytest

from throughlint.rules import all_rules
from throughlint.rules.base import DOC_SECTIONS, REQUIRED_SECTIONS, doc_sections

from conftest import ROOT


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.code)
def test_reference_has_the_fixed_headings_in_order(rule):
    sections = doc_sections(rule.reference)
    assert set(REQUIRED_SECTIONS) <= set(sections), sections
    assert all(section in DOC_SECTIONS for section in sections), sections
    assert sections == sorted(sections, key=DOC_SECTIONS.index)


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.code)
def test_rule_metadata_is_consistent(rule):
    assert rule.code.startswith("TL") and len(rule.code) == 5
    assert rule.name == rule.name.lower() and " " not in rule.name
    assert rule.summary and not rule.summary.endswith(".")
    assert rule.checks, "a rule needs at least one check function"


def test_rule_pages_are_up_to_date():
    completed = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "update_rule_docs.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, (
        f"{completed.stdout} run `python scripts/update_rule_docs.py` to regenerate rules/"
    )


def test_rule_command_prints_the_page(run_cli):
    rule = all_rules()[0]
    completed = run_cli("rule", rule.code)
    assert completed.returncode == 0
    assert completed.stdout == (ROOT / "rules" / f"{rule.code}.md").read_text(encoding="utf-8")


def test_rule_command_rejects_unknown_code(run_cli):
    completed = run_cli("rule", "TL777")
    assert completed.returncode == 2
    assert completed.stderr.count("\n") == 1 and "TL777" in completed.stderr


def test_rules_command_lists_every_rule(run_cli):
    completed = run_cli("rules")
    assert completed.returncode == 0
    for rule in all_rules():
        assert rule.code in completed.stdout and rule.name in completed.stdout
