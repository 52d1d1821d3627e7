"""GitHub Actions workflow commands. GitHub shows only about ten annotations per step, so
the most important come first: errors, then rules in catalogue order (queries first)."""

from __future__ import annotations

from throughlint.diagnostics import Severity
from throughlint.reporters import Report

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    ordered = sorted(
        report.result.diagnostics,
        key=lambda d: (_RANK[d.severity], d.code, d.path, d.span.line, d.span.column),
    )
    lines = []
    for d in ordered:
        properties = ",".join(
            (
                f"file={escape_property(d.path)}",
                f"line={d.span.line}",
                f"col={d.span.column}",
                f"endLine={d.span.end_line}",
                f"endColumn={d.span.end_column}",
                f"title={escape_property(f'{d.code} ({d.name})')}",
            )
        )
        lines.append(f"::{_COMMAND[d.severity]} {properties}::{escape_data(d.message)}")
    for error in report.result.errors:
        lines.append(f"::error title=throughlint::{escape_data(error)}")
    return "\n".join(lines) + "\n" if lines else ""
