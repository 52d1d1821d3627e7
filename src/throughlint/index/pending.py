"""Pending findings: what the walk of one file records for the project index to decide
(``index/facts.py`` collects them; the rules' ``on_project`` checks word them)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from throughlint.suppression import line_suppressions

if TYPE_CHECKING:
    from throughlint.checker import Checker
    from throughlint.index.facts import FileFacts


def add_pending(checker: Checker, node: ast.AST, kind: str, **data: Any) -> None:
    """Record a finding that needs the project index; carries the line's suppressions."""
    facts: FileFacts | None = getattr(checker, "index_facts", None)
    if facts is None:
        return
    span = checker.source.span(node)
    line = checker.source.line(span.line)
    enclosing, context = checker.where()
    record = {
        "k": kind,
        "span": [span.line, span.column, span.end_line, span.end_column],
        "src": line,
        "sup": sorted(line_suppressions(checker.source, span.line)),
        "fn": enclosing,
        "ctx": [context.loop_depth, context.loop_input, context.complexity],
        "place": list(checker.placement(context.loop_input)),
        **data,
    }
    facts.pending.append(record)
