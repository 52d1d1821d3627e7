"""The checker remembers its last answers to "where is this finding?" (``placement``,
``where``) while the walk's frame, scope and bindings stay the same: every call of a long
loop body asks the same. The remembered answer is the one a fresh computation gives, at
every call of every fixture file."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from throughlint.checker import Checker
from throughlint.index.facts import FileFacts
from throughlint.rules.base import Rule
from throughlint.settings import Settings
from throughlint.source import SourceFile

PROBE = Rule(code="TL998", name="probe", summary="asks where each call is, twice")
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
REBOUND = f"""
ROWS = {tuple(range(20))}


def run(conn, fetch):
    for row in ROWS:
        conn.execute("INSERT INTO t VALUES (?)", (row,))
        ROWS = fetch()
        conn.execute("INSERT INTO t VALUES (?)", (row,))
"""


def _answers(text: str) -> tuple[int, list[int]]:
    """Walks ``text``; at each call compares the remembered answers with fresh ones: how
    many calls were asked about, and the lines where the two differed (the checker keeps a
    rule's exception to itself: what the probe saw is returned instead)."""
    asked: list[int] = []
    differ: list[int] = []

    def ask(checker, node):
        asked.append(node.lineno)
        enclosing, context = checker.where()
        placed = checker.placement(context.loop_input)
        kept_place, kept_context = checker._placed, checker._context
        checker._placed = checker._context = None  # forget: compute afresh
        fresh = checker.where()
        if fresh != (enclosing, context) or checker.placement(context.loop_input) != placed:
            differ.append(node.lineno)
        checker._placed, checker._context = kept_place, kept_context

    checker = Checker(
        SourceFile("x.py", text), ast.parse(text), Settings(), {ast.Call: ((PROBE, ask),)}, "m"
    )
    checker.index_facts = FileFacts()
    checker.run()
    assert not checker.internal_errors
    return len(asked), differ


@pytest.mark.parametrize(
    "path", sorted(FIXTURES.rglob("*.py")), ids=lambda p: str(p.relative_to(FIXTURES))
)
def test_remembered_answers_are_fresh_ones(path):
    _, differ = _answers(path.read_text(encoding="utf-8"))
    assert differ == []


def test_a_binding_in_the_loop_body_is_seen():
    # ``ROWS = fetch()`` in the body: the loop's input is no longer the constant after it
    assert _answers(REBOUND) == (3, [])
