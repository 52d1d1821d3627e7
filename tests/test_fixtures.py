"""Lint everything under ``fixtures/`` and compare with the ``# expect:`` comments.

Only codes of rules that exist are compared, so a fixture can carry expectations for a
rule before it lands; every line without a comment must stay clean.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from throughlint.project import lint_paths
from throughlint.rules import known_codes
from throughlint.settings import Settings

from conftest import FIXTURES, ROOT
from expectations import actual, expected

FIXTURE_FILES = sorted(FIXTURES.rglob("*.py"))


@pytest.fixture(scope="module")
def findings():
    settings = Settings(project_root=str(ROOT), exclude=(), respect_gitignore=False)
    result = lint_paths([str(FIXTURES)], settings, jobs=1, use_cache=False)
    assert not result.errors
    by_file = defaultdict(list)
    # each call's own finding: the ``# expect:`` comments are per call (grouping at the
    # loop and holding back are checked in tests/engine/test_relevance.py)
    for diagnostic in result.calls:
        by_file[Path(diagnostic.path).resolve()].append(diagnostic)
    return by_file


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture_findings_match_expectations(path, findings):
    codes = known_codes()
    want = expected(path.read_text(encoding="utf-8"), codes)
    got = actual(findings.get(path.resolve(), []), codes)
    assert got == want


def test_demo_has_every_rule():
    """The demo carries every rule in the catalogue (rules not built yet simply find nothing)."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in (FIXTURES / "demo").rglob("*.py"))
    for code in ("TL101", "TL102", "TL103", "TL201", "TL202", "TL203", "TL301", "TL401", "TL402"):
        assert f"expect: {code}" in text, code
