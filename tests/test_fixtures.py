"""Lint everything under ``fixtures/`` and compare with the ``# expect:`` comments.

Only codes of rules that exist and run are compared, so a fixture can carry expectations
for a rule before it lands (or while it is in preview); every line without a comment
must stay clean. The demo is also linted with ``--preview`` through the real command
line, where the preview rules' expectations count too.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from throughlint.project import lint_paths
from throughlint.rules import all_rules, known_codes
from throughlint.settings import Settings

from conftest import FIXTURES, ROOT
from expectations import actual, calls, expected

FIXTURE_FILES = sorted(FIXTURES.rglob("*.py"))
DEMO = FIXTURES / "demo"
PREVIEW_CODES = ("TL204", "TL205", "TL302", "TL303", "TL403", "TL404", "TL501")


def default_codes() -> set[str]:
    """Codes a run without ``--preview`` can report."""
    preview = {rule.code for rule in all_rules() if rule.preview}
    return set(known_codes()) - preview


@pytest.fixture(scope="module")
def findings():
    settings = Settings(project_root=str(ROOT), exclude=(), respect_gitignore=False)
    return _calls_by_file([str(FIXTURES)], settings)


def _calls_by_file(paths: list[str], settings: Settings) -> dict[Path, list]:
    """Each call's own finding by file: the ``# expect:`` comments are per call (grouping
    at the loop and holding back are checked in tests/engine/test_relevance.py)."""
    result = lint_paths(paths, settings, jobs=1, use_cache=False)
    assert not result.errors
    by_file = defaultdict(list)
    for diagnostic in result.calls:
        by_file[Path(diagnostic.path).resolve()].append(diagnostic)
    return by_file


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture_findings_match_expectations(path, findings):
    codes = default_codes()
    want = expected(path.read_text(encoding="utf-8"), codes)
    got = actual(findings.get(path.resolve(), []), codes)
    assert got == want


def test_demo_has_every_rule():
    """The demo carries every rule in the catalogue (rules not built yet simply find nothing)."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in (FIXTURES / "demo").rglob("*.py"))
    stable = ("TL101", "TL102", "TL103", "TL201", "TL202", "TL203", "TL301", "TL401", "TL402")
    for code in (*stable, *PREVIEW_CODES):
        assert f"expect: {code}" in text, code


@pytest.fixture(scope="module")
def demo_with_preview(tmp_path_factory):
    """The demo through the real command line with ``--preview`` (every call's finding:
    ``--show-all``, grouped findings split into their calls)."""
    completed = subprocess.run(
        [sys.executable, "-m", "throughlint", str(DEMO), "--preview", "--show-all",
         "--no-cache", "--format", "json"],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip
    assert completed.returncode == 1, completed.stderr
    by_file = defaultdict(list)
    for diagnostic in calls(json.loads(completed.stdout)["diagnostics"]):
        by_file[Path(ROOT, diagnostic["path"]).resolve()].append(
            (diagnostic["line"], diagnostic["code"])
        )
    return by_file


@pytest.mark.parametrize("path", sorted(DEMO.rglob("*.py")), ids=lambda p: str(p.relative_to(DEMO)))
def test_demo_with_preview_matches_every_expectation(path, demo_with_preview):
    """With ``--preview`` each new rule fires on its demo case and nowhere else, and the
    stable rules' findings are unchanged."""
    codes = set(known_codes())
    want = expected(path.read_text(encoding="utf-8"), codes, preview=True)
    got = sorted(item for item in demo_with_preview.get(path.resolve(), []) if item[1] in codes)
    assert got == want


NAME_TIER_FILES = [
    path
    for path in FIXTURE_FILES
    if "expect-preview:" in path.read_text(encoding="utf-8") and DEMO not in path.parents
]


@pytest.fixture(scope="module")
def findings_with_preview():
    """The fixture projects with a name-tier case, linted with ``--preview`` (the name
    tier on): each call's own finding."""
    settings = Settings(project_root=str(ROOT), exclude=(), respect_gitignore=False, preview=True)
    folders = sorted({str(path.parent) for path in NAME_TIER_FILES})
    return _calls_by_file(folders, settings)


@pytest.mark.parametrize("path", NAME_TIER_FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_name_tier_findings_need_preview(path, findings_with_preview):
    """``# expect-preview:`` lines (a receiver known by its name alone) are reported with
    ``--preview`` and, by the test above, not without it."""
    codes = default_codes()
    want = expected(path.read_text(encoding="utf-8"), codes, preview=True)
    got = actual(findings_with_preview.get(path.resolve(), []), codes)
    assert got == want


def test_each_preview_rule_fires_on_its_demo_case(demo_with_preview):
    fired = {code for found in demo_with_preview.values() for _, code in found}
    assert set(PREVIEW_CODES) <= fired
    assert not set(PREVIEW_CODES) & default_codes(), "a rule left preview: update this test"
