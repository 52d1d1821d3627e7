"""Human output: location, code, message and a code frame with a caret under the finding.
Colour comes from rich and only on a terminal without ``NO_COLOR``."""

from __future__ import annotations

import io

from throughlint.diagnostics import Diagnostic
from throughlint.reporters import Report
from throughlint.reporters.summary import priority_line, statistics_rows, summary_line


def render(report: Report) -> str:
    from rich.console import Console
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=report.color,
        no_color=not report.color,
        highlight=False,
        soft_wrap=True,
        width=200,
    )
    for diagnostic in report.result.diagnostics:
        console.print(_header(diagnostic, Text))
        for line in _frame(diagnostic, Text):
            console.print(line)
        console.print()
    if report.statistics:
        for count, code, name, fixable in statistics_rows(report.result.diagnostics):
            console.print(Text(f"{count:>5}  {code}  {name}{'  [*] fixable' if fixable else ''}"))
    if not report.quiet:
        style = "bold green" if not report.result.diagnostics else "bold"
        console.print(Text(summary_line(report.result.diagnostics, report.result.files), style))
        worst = priority_line(report.result.diagnostics, report.priorities)
        if worst:
            console.print(Text(worst))
    return buffer.getvalue()


def _header(diagnostic: Diagnostic, Text):
    span = diagnostic.span
    text = Text()
    text.append(diagnostic.path, "bold")
    text.append(f":{span.line}:{span.column}: ", "cyan")
    text.append(
        diagnostic.code, "bold red" if diagnostic.severity.value == "error" else "bold yellow"
    )
    text.append(f" [{diagnostic.name}] ", "dim")
    text.append(diagnostic.message)
    if diagnostic.fix is not None:
        text.append(f" [*] {diagnostic.fix.description}", "green")
    return text


def _frame(diagnostic: Diagnostic, Text):
    source = diagnostic.source_line.expandtabs(1).rstrip("\n")
    if not source.strip():
        return []
    span = diagnostic.span
    number = str(span.line)
    gutter = " " * len(number)
    start = max(span.column - 1, 0)
    end = span.end_column - 1 if span.end_line == span.line else len(source)
    width = max(end - start, 1)
    code_line = Text()
    code_line.append(f"{number} | ", "blue")
    code_line.append(source)
    caret_line = Text()
    caret_line.append(f"{gutter} | ", "blue")
    caret_line.append(" " * start + "^" * width, "bold red")
    return [code_line, caret_line]
