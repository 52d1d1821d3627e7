"""Values that flow out of the rules: spans, fixes and diagnostics."""

from __future__ import annotations

import enum
from dataclasses import dataclass


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

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.span.line, self.span.column, self.code)

    def to_tuple(self) -> tuple:
        """Compact, JSON-safe form used by the cache and the worker processes."""
        fix = None
        if self.fix is not None:
            fix = (
                self.fix.applicability.value,
                self.fix.description,
                self.fix.kind,
                self.fix.declined,
            )
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
        )

    @classmethod
    def from_tuple(cls, path: str, data: tuple | list) -> Diagnostic:
        code, name, line, col, end_line, end_col, message, severity, fix, source_line = data[:10]
        context = tuple(data[10:14])  # absent in results cached before these fields
        enclosing, loop_depth, loop_input, complexity = context + ("", 0, "", 0)[len(context) :]
        confidence = data[14] if len(data) > 14 else "typed"
        return cls(
            code=code,
            name=name,
            path=path,
            span=Span(line, col, end_line, end_col),
            message=message,
            severity=Severity(severity),
            fix=Fix(Applicability(fix[0]), *fix[1:4]) if fix else None,
            source_line=source_line,
            enclosing=enclosing,
            loop_depth=loop_depth,
            loop_input=loop_input,
            complexity=complexity,
            confidence=confidence,
        )
