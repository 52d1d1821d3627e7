"""Every fix against its before/after golden files, with the invariants every fix keeps:
the exact expected output, it parses, the fixed findings are gone, a second run changes
nothing, and an unsafe fix needs ``--unsafe-fixes``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from fix_support import fix_source, pending_fixes

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(path.name.removesuffix(".before") for path in GOLDEN.glob("*.before"))


def _load(case: str) -> tuple[str, str, bool]:
    before = (GOLDEN / f"{case}.before").read_text(encoding="utf-8")
    after = (GOLDEN / f"{case}.after").read_text(encoding="utf-8")
    return before, after, before.startswith("# fix: unsafe")


def test_there_are_golden_cases():
    assert len(CASES) >= 6


@pytest.mark.parametrize("case", CASES)
def test_fix_gives_the_golden_output(case):
    before, after, unsafe = _load(case)
    item = fix_source(before, unsafe=unsafe)
    assert item.error is None
    assert item.fixed == after
    assert item.applied, "the golden case must apply at least one fix"
    ast.parse(item.fixed)
    assert pending_fixes(item, unsafe) == []


@pytest.mark.parametrize("case", CASES)
def test_second_run_changes_nothing(case):
    _, after, unsafe = _load(case)
    item = fix_source(after, unsafe=unsafe)
    assert item.fixed == after
    assert item.applied == []


@pytest.mark.parametrize("case", CASES)
def test_unsafe_fixes_need_the_flag(case):
    before, _, unsafe = _load(case)
    if not unsafe:
        pytest.skip("safe fix")
    item = fix_source(before, unsafe=False)
    assert item.fixed == before
    assert item.applied == []
