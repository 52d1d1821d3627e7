"""Values that flow out of the rules: spans, fixes and diagnostics."""

from __future__ import annotations

import enum
from dataclasses import dataclass

# what a finding's innermost loop iterates (``Diagnostic.loop_input``), when ranking
# cares: rows of a query, or an input of no known bound (``finding_context.py``)
QUERY, UNBOUNDED = "query", "unbounded"


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Applicability(str, enum.Enum):
    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A source range; lines and columns are 1-based, columns count characters."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True, slots=True)
class Fix:
    """A rewrite a diagnostic offers; the codemod that performs it is found by ``kind``.
    A declined fix (``declined``: why) has no kind: it is reported, never applied."""

    applicability: Applicability
    description: str
    kind: str = ""
    declined: str = ""

    @property
    def offered(self) -> bool:
        """There is a rewrite to apply (with ``--fix`` when safe, else ``--unsafe-fixes``)."""
        return bool(self.kind) and not self.declined

    @property
    def safe(self) -> bool:
        """Shown as ``[*]`` and applied by ``--fix``."""
        return self.offered and self.applicability is Applicability.SAFE


@dataclass(frozen=True, slots=True)
class Related:
    """A call that a grouped finding stands for (``relevance.py``): where it is, what its
    own rule said, and the fix it offers (``--fix`` applies it before grouping)."""

    path: str
    line: int
    column: int
    code: str
    message: str
    fix: Fix | None = None


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    name: str
    path: str
    span: Span
    message: str
    severity: Severity = Severity.WARNING
    fix: Fix | None = None
    source_line: str = ""
    # Where the finding sits, taken by the walk for baselines and hot-path ranking:
    # the function's dotted name inside its module (``Class.method``, "" at module level),
    # per-item loops around it, what the innermost one iterates ("query", "unbounded" or
    # "") and the function's cyclomatic complexity (radon; 0 at module level).
    enclosing: str = ""
    loop_depth: int = 0
    loop_input: str = ""
    complexity: int = 0
    # ``typed``: the receiver's type was resolved; ``heuristic``: judged by a name or by
    # how the value is used (off with ``heuristics = false``)
    confidence: str = "typed"
    # The innermost per-item loop around the finding, for grouping (``grouping.py``):
    # its header's span (line, column, end line, end column; () outside loops), what it
    # iterates, as text, and the header's source line.
    loop_span: tuple[int, ...] = ()
    loop_subject: str = ""
    loop_source: str = ""
    # How big the loop's input can be (``semantic/input_size.py``) and where the code
    # runs: "hot", "cold: <why>" or "" (``semantic/placement.py``).
    input_size: str = ""
    path_kind: str = ""
    # The calls a finding grouped at its loop stands for, in file order.
    related: tuple[Related, ...] = ()
    # The call that dominates each pass of the loop (an e-mail, a subprocess...), when one
    # runs on every pass (``semantic/pass_cost.py``, set by ``index/reach.py``).
    pass_cost: str = ""
    # For a finding on a cold path: the subject of a loop over a whole table that runs
    # this finding's loop once per row (the loop around it, or around a call of its
    # function: ``Checker.placement``, ``index/reach.py``); "" when there is none.
    table_walk: str = ""

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.span.line, self.span.column, self.code)

    def to_tuple(self) -> tuple:
        """Compact, JSON-safe form used by the cache and the worker processes."""
        fix = _fix_tuple(self.fix)
        span = self.span
        return (
            self.code,
            self.name,
            span.line,
            span.column,
            span.end_line,
            span.end_column,
            self.message,
            self.severity.value,
            fix,
            self.source_line,
            self.enclosing,
            self.loop_depth,
            self.loop_input,
            self.complexity,
            self.confidence,
            list(self.loop_span),
            self.loop_subject,
            self.loop_source,
            self.input_size,
            self.path_kind,
            [
                (r.path, r.line, r.column, r.code, r.message, _fix_tuple(r.fix))
                for r in self.related
            ],
            self.pass_cost,
            self.table_walk,
        )

    @classmethod
    def from_tuple(cls, path: str, data: tuple | list) -> Diagnostic:
        code, name, line, col, end_line, end_col, message, severity, fix, source_line = data[:10]
        context = tuple(data[10:14])  # absent in results cached before these fields
        enclosing, loop_depth, loop_input, complexity = context + ("", 0, "", 0)[len(context) :]
        confidence = data[14] if len(data) > 14 else "typed"
        place = tuple(data[15:21])  # absent in results cached before these fields
        loop_span, subject, loop_source, size, kind, related = (
            place + ((), "", "", "", "", ())[len(place) :]
        )
        return cls(
            code=code,
            name=name,
            path=path,
            span=Span(line, col, end_line, end_col),
            message=message,
            severity=Severity(severity),
            fix=_fix_from(fix),
            source_line=source_line,
            enclosing=enclosing,
            loop_depth=loop_depth,
            loop_input=loop_input,
            complexity=complexity,
            confidence=confidence,
            loop_span=tuple(loop_span),
            loop_subject=subject,
            loop_source=loop_source,
            input_size=size,
            path_kind=kind,
            related=tuple(Related(*item[:5], _fix_from(item[5])) for item in related),
            pass_cost=data[21] if len(data) > 21 else "",
            table_walk=data[22] if len(data) > 22 else "",
        )

    def fixes(self) -> list[Fix]:
        """This finding's fix and those of the calls it groups."""
        found = [self.fix] if self.fix is not None else []
        return found + [r.fix for r in self.related if r.fix is not None]


def _fix_tuple(fix: Fix | None) -> tuple | None:
    if fix is None:
        return None
    return (fix.applicability.value, fix.description, fix.kind, fix.declined)


def _fix_from(data: tuple | list | None) -> Fix | None:
    return Fix(Applicability(data[0]), *data[1:4]) if data else None
