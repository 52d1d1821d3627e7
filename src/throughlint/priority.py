"""Hot-path ranking: which findings to fix first in a codebase with hundreds of them.

The walk records, when a rule reports, the facts that make a finding expensive
(``finding_context.py``); they travel on the :class:`Diagnostic` and through the cache.
After the run, :func:`rank` turns them into a ``priority`` from 0 to 100:

- loop nesting: 20 points per per-item loop around the finding (the work grows as
  N, N*M, ...), at most 60;
- what the innermost loop iterates: +20 for a query result (the loop grows with a
  table), +15 for unbounded input (a file, a stream, ``while``, ``async for``);
- the enclosing function's cyclomatic complexity (radon): +1 per 2 above 1, at most +10
  (a branchy function hides the cost and is harder to change);
- call sites that reach the function: +6 per doubling (1 caller 6, 3 callers 12, 7
  callers 18), at most +20; the distinct project functions that call it, from the project
  index's call graph (not counted when no rule that builds the index is selected).

A finding outside any loop (a mis-sized pool, an unbounded queue) starts at 10.
A finding on a cold path or on constant input (``relevance.py``, shown with
``--show-all``) keeps a quarter of its points: it ranks below the hot ones.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from typing import TYPE_CHECKING

from throughlint.diagnostics import QUERY, UNBOUNDED, Diagnostic
from throughlint.relevance import held_back

if TYPE_CHECKING:
    from throughlint.settings import Settings

# --- ranking ---------------------------------------------------------------------------


def score(diagnostic: Diagnostic, call_sites: int = 0) -> int:
    """The priority of one finding, 0..100 (see the module docstring)."""
    points = 20 * min(diagnostic.loop_depth, 3) if diagnostic.loop_depth else 10
    points += {QUERY: 20, UNBOUNDED: 15}.get(diagnostic.loop_input, 0)
    points += min(max(diagnostic.complexity - 1, 0) // 2, 10)
    if call_sites > 0:
        points += min(round(6 * math.log2(1 + call_sites)), 20)
    if held_back(diagnostic):
        points //= 4
    return min(points, 100)


def rank(diagnostics: Sequence[Diagnostic], call_sites: dict[str, int]) -> dict[Diagnostic, int]:
    """Priority of every diagnostic; ``call_sites`` maps a function's qualified name
    (``module.Class.method``) to the call sites that reach it (:func:`call_sites`)."""
    return {d: score(d, call_sites.get(qualified_function(d), 0)) for d in diagnostics}


def qualified_function(diagnostic: Diagnostic) -> str:
    """``module.Class.method`` of the function around a finding; "" at module level."""
    if not diagnostic.enclosing:
        return ""
    from throughlint.source import module_name

    return f"{module_name(diagnostic.path)}.{diagnostic.enclosing}"


def by_priority(diagnostics: Iterable[Diagnostic], priorities: dict[Diagnostic, int]):
    """Worst first; ties in file order."""
    return sorted(diagnostics, key=lambda d: (-priorities.get(d, 0), d.sort_key))


def callers_from_index(
    facts: dict[str, dict], wanted: Collection[str] | None = None
) -> Counter[str]:
    """How many project functions call each function (only those in ``wanted``, when
    given), from the project index's per-function summaries (``index/facts.py``: the
    project functions each function calls). A method called on an instance
    (``mod.Class().m``) counts for ``mod.Class.m``."""
    only = None if wanted is None else frozenset(wanted)
    counts: Counter[str] = Counter()
    for file_facts in facts.values():
        for caller, record in (file_facts.get("f") or {}).items():
            if len(record) < 2 or not record[1]:
                continue
            if (
                only is not None
                and only.isdisjoint(record[1])
                and not any("(" in callee for callee in record[1])
            ):
                continue  # none of the wanted names, and no instance's method to spell plain
            callees = {callee if "(" not in callee else _plain(callee) for callee in record[1]}
            callees.discard(caller)
            if only is not None:
                callees &= only
            for callee in callees:
                counts[callee] += 1
    return counts


def _plain(name: str) -> str:
    return name.replace("().", ".").removesuffix("()")


def call_sites(
    diagnostics: Sequence[Diagnostic],
    facts: dict[str, dict] | None,
    known: dict[str, int] | None = None,
) -> tuple[dict[str, int], str]:
    """Callers of each finding's function and where the numbers come from: "project index",
    or "none" when no selected rule built the index (``facts`` is None; then they count 0).
    ``known``: the counts, already worked out for these functions (``LintResult.call_sites``)."""
    if facts is None:
        return {}, "none"
    functions = {qualified_function(d) for d in diagnostics} - {""}
    if known is not None:
        return {name: known.get(name, 0) for name in functions}, "project index"
    callers = callers_from_index(facts, functions) if functions else Counter()
    return {name: callers[name] for name in functions}, "project index"


def priorities_for(
    diagnostics: Sequence[Diagnostic],
    facts: dict[str, dict] | None,
    known: dict[str, int] | None = None,
) -> dict[Diagnostic, int]:
    """Rank the findings of a run; ``facts`` are the project index's (None: not built)."""
    sites, _ = call_sites(diagnostics, facts, known)
    return rank(diagnostics, sites)


def index_facts(result, settings: Settings) -> dict[str, dict] | None:
    """The run's project-index facts, or None when no selected rule built the index."""
    from throughlint.rules import any_uses_index, selected_codes

    codes = selected_codes(
        settings.select, settings.extend_select, settings.ignore, settings.preview
    )
    if not any_uses_index(codes):
        return None
    return getattr(result, "facts", None)
