"""``path:line:col: CODE message``, one line per diagnostic (editors and grep)."""

from __future__ import annotations

from throughlint.relevance import held_back_line
from throughlint.reporters import Report
from throughlint.reporters.printable import one_line
from throughlint.reporters.summary import statistics_rows, summary_line


def render(report: Report) -> str:
    table_only = report.statistics and report.quiet  # like ruff: only the table
    lines = [
        f"{one_line(d.path)}:{d.span.line}:{d.span.column}: {d.code} {one_line(d.message)}"
        for d in ([] if table_only else report.result.diagnostics)
    ]
    if report.statistics:
        lines.extend(
            f"{count:>5}  {code}  {name}{'  [*]' if fixable else ''}"
            for count, code, name, fixable in statistics_rows(report.result.diagnostics)
        )
    if not report.quiet:
        lines.append(
            summary_line(report.result.diagnostics, report.result.files, len(report.result.errors))
        )
        held = held_back_line(report.result.held_back)
        if held:
            lines.append(held)
    return "\n".join(lines) + "\n" if lines else ""
