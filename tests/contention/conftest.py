"""Fixtures for the contention tests.

``ask``: a throwaway rule that asks the semantic model about ``probe(expr)`` calls during a real
walk, so facts are tested at the position where rules would ask them."""

from __future__ import annotations

import ast
from collections.abc import Callable
from itertools import count
from typing import Any

import pytest

from throughlint.engine import lint_text
from throughlint.rules.base import Rule

_COUNTER = count()


def _ask(source: str, question: Callable[[Any, ast.expr], Any]) -> list[Any]:
    """Answers of ``question(model, argument)`` for every ``probe(argument)``, in order."""
    answers: list[tuple[int, Any]] = []
    # a distinct summary per call: equal rules share a cached dispatch table
    rule = Rule(code="TL990", name="probe", summary=f"Test probe {next(_COUNTER)}")

    @rule.on(ast.Call)
    def check(checker, node: ast.Call) -> None:
        if isinstance(node.func, ast.Name) and node.func.id == "probe" and node.args:
            answers.append((node.lineno, question(checker.semantic, node.args[0])))

    diagnostics = lint_text(source, "probe_module.py", rules=[rule])
    assert not diagnostics, diagnostics  # an exception in the question shows up as TL999
    return [answer for _, answer in sorted(answers, key=lambda pair: pair[0])]


@pytest.fixture
def ask():
    return _ask
