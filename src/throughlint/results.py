"""What a lint run returns, and the codes the engine itself reports: a module of its own
so that the front-ends (the reporters, adoption, a run served from the project snapshot)
read results without importing the engine, the checker and the rules."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from throughlint.diagnostics import Diagnostic

PARSE_ERROR_CODE = "TL000"
PARSE_ERROR_NAME = "unreadable-source"
INTERNAL_ERROR_CODE = "TL999"
INTERNAL_ERROR_NAME = "internal-error"


@dataclass
class LintResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0
    errors: list[str] = field(default_factory=list)
    # Project-index facts per linted file (the call graph ranks findings: priority.py).
    facts: dict[str, dict] = field(default_factory=dict, repr=False)
    # How the run went: ``notes`` for ``--verbose`` (where the index's facts came from),
    # ``notices`` always unless ``--quiet`` (a cold index).
    notes: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    # ``diagnostics`` is what the front-ends show: grouped at loops, cold and constant
    # findings held back (``relevance.py``, applied by ``Project``). ``calls`` is every
    # call's own finding before that (what ``--fix`` works on); ``held_back`` counts what
    # was left out, by reason.
    calls: list[Diagnostic] = field(default_factory=list, repr=False)
    held_back: Counter[str] = field(default_factory=Counter)
    # the callers of the functions of ``calls`` (``priority.call_sites``), when the run
    # had them without the facts (served from the project snapshot: ``facts`` is empty)
    call_sites: dict[str, int] | None = field(default=None, repr=False)

    @property
    def internal_errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.code == INTERNAL_ERROR_CODE]


def has_internal_error(items: list) -> bool:
    """A rule failure is never cached: the rerun with --show-traceback must lint again."""
    return any(item[0] == INTERNAL_ERROR_CODE for item in items)
