"""``ProjectIndex.add_all`` merges each file's facts through one table of mergers, by the
kinds the file holds: every kind of fact is either merged there or read from the files'
facts elsewhere, and merging all files at once, one by one, or in two steps (a base and an
overlay, as a long-lived project does) gives the same tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from throughlint.index import ProjectIndex
from throughlint.index.project import _FACT_TABLES
from throughlint.index.roots import FACT_NAMES
from throughlint.project import lint_paths
from throughlint.settings import Settings

ROOT = Path(__file__).resolve().parents[2]

# read from each file's facts, not merged into the index: the file's own pending findings
# and codes (``engine._project_findings``), the call graph's (``index/reach.py``), and
# what a run checks per file (``project.stale_facts``, ``refine``'s loops)
READ_ELSEWHERE = {
    "codes",
    "p",
    "h",
    "a",
    "pa",
    "service_calls",
    "output_sizes",
    "table_calls",
    "loop_costs",
    "loop_calls",
    "external_modules",
}


def test_every_kind_of_fact_is_merged_or_read_elsewhere():
    merged = set(ProjectIndex()._mergers())
    assert not merged & READ_ELSEWHERE
    assert merged | READ_ELSEWHERE == FACT_NAMES.keys(), sorted(
        FACT_NAMES.keys() ^ (merged | READ_ELSEWHERE)
    )


@pytest.fixture(scope="module")
def fixture_facts() -> list[dict]:
    settings = Settings(preview=True, extend_select=("TL404",), project_root=str(ROOT))
    result = lint_paths([str(ROOT / "fixtures")], settings, use_cache=False, jobs=1)
    facts = list(result.facts.values())
    assert len(facts) > 20
    return facts


def _tables(index: ProjectIndex) -> dict:
    tables = {name: getattr(index, name) for name in _FACT_TABLES}
    tables["sites"] = index.argument_types.sites
    tables["passed"] = index.argument_types.passed
    tables["effects"] = index.argument_types.effects
    tables["values"] = index.attribute_values.values
    tables["dispatch"] = index.dispatch.calls
    return tables


def test_merging_at_once_one_by_one_or_over_a_base_gives_the_same_tables(fixture_facts):
    at_once = ProjectIndex()
    at_once.add_all(fixture_facts)
    one_by_one = ProjectIndex()
    for facts in fixture_facts:
        one_by_one.add(facts)
    half = len(fixture_facts) // 2
    base = ProjectIndex()
    base.add_all(fixture_facts[:half])
    overlay = base.overlay()
    overlay.add_all(fixture_facts[half:])
    expected = _tables(at_once)
    assert expected["functions"] and expected["classes"] and expected["sites"]
    assert _tables(one_by_one) == expected
    assert _tables(overlay) == expected
    assert len(base.functions) < len(overlay.functions)  # the base is left as it was


def test_answers_given_before_a_merge_are_forgotten(fixture_facts):
    index = ProjectIndex()
    index.add_all(fixture_facts[:1])
    index._keys_known["stale"] = "answer"
    index._class_keys["Stale"] = "app.Stale"
    index.argument_types._types[("f", "0", "x")] = ("int", None)
    index.dispatch._targets = {}
    index.attribute_values._rewritten["stale"] = None
    index.add_all(fixture_facts[1:])
    assert not index._keys_known and not index._class_keys
    assert not index.argument_types._types
    assert index.dispatch._targets is None
    assert not index.attribute_values._rewritten
