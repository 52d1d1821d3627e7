"""Human output: location, code, message and a code frame with a caret under the finding.

Plain text is built without rich (pre-commit and CI runs are not terminals, and importing
rich costs more than linting a file); colour comes from rich, only on a terminal without
``NO_COLOR``.
"""

from __future__ import annotations

from collections.abc import Iterator

from throughlint.diagnostics import Diagnostic, Fix, Severity
from throughlint.relevance import held_back_line
from throughlint.reporters import Report
from throughlint.reporters.printable import one_line, same_width
from throughlint.reporters.summary import priority_line, statistics_rows, summary_line

# (text, rich style) pieces; the plain renderer ignores the styles
Piece = tuple[str, str]


def render(report: Report) -> str:
    lines = list(_lines(report))
    if not report.color:
        return "".join("".join(text for text, _ in line) + "\n" for line in lines)
    return _render_rich(lines)


def _render_rich(lines: list[list[Piece]]) -> str:
    import io

    from rich.console import Console
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, highlight=False, soft_wrap=True)
    for line in lines:
        text = Text()
        for piece, style in line:
            text.append(piece, style or None)
        console.print(text)
    return buffer.getvalue()


def _lines(report: Report) -> Iterator[list[Piece]]:
    diagnostics = report.result.diagnostics
    table_only = report.statistics and report.quiet  # like ruff: only the table
    for diagnostic in [] if table_only else diagnostics:
        yield _header(diagnostic)
        yield from _frame(diagnostic)
        yield []
    if report.statistics:
        for count, code, name, fixable in statistics_rows(diagnostics):
            yield [(f"{count:>5}  {code}  {name}{'  [*] fixable' if fixable else ''}", "")]
    if not report.quiet:
        errors = len(report.result.errors)
        style = "bold green" if not diagnostics and not errors else "bold"
        yield [(summary_line(diagnostics, report.result.files, errors), style)]
        held = held_back_line(report.result.held_back)
        if held:
            yield [(held, "")]
        worst = priority_line(diagnostics, report.priorities)
        if worst:
            yield [(worst, "")]


def _header(diagnostic: Diagnostic) -> list[Piece]:
    span = diagnostic.span
    code_style = "bold red" if diagnostic.severity is Severity.ERROR else "bold yellow"
    pieces = [
        (one_line(diagnostic.path), "bold"),
        (f":{span.line}:{span.column}: ", "cyan"),
        (diagnostic.code, code_style),
        (f" [{diagnostic.name}] ", "dim"),
        (one_line(diagnostic.message), ""),
    ]
    if diagnostic.confidence != "typed":
        pieces.append((f" ({diagnostic.confidence})", "dim"))
    pieces.extend(_fix_pieces(diagnostic.fix))
    return pieces


def _fix_pieces(fix: Fix | None) -> list[Piece]:
    if fix is not None and fix.safe:
        return [(f" [*] {fix.description}", "green")]
    if fix is not None and fix.offered:
        return [(f" [unsafe fix] {fix.description}", "yellow")]
    return []


# a loop of generated code can hold thousands of calls: the text frame lists the first few
_RELATED_SHOWN = 10


def _frame(diagnostic: Diagnostic) -> list[list[Piece]]:
    source = same_width(diagnostic.source_line.expandtabs(1).rstrip("\n"))
    if not source.strip():
        return []
    span = diagnostic.span
    number = str(span.line)
    gutter = " " * len(number)
    start = max(span.column - 1, 0)
    end = span.end_column - 1 if span.end_line == span.line else len(source)
    width = max(end - start, 1)
    frame = [
        [(f"{number} | ", "blue"), (source, "")],
        [(f"{gutter} | ", "blue"), (" " * start + "^" * width, "bold red")],
    ]
    shown = diagnostic.related[:_RELATED_SHOWN]
    for related in shown:
        frame.append(
            [
                (f"{gutter} = ", "blue"),
                (f"{related.line}:{related.column}: ", "cyan"),
                (related.code, "bold yellow"),
                (f" {one_line(related.message)}", "dim"),
                *_fix_pieces(related.fix),
            ]
        )
    hidden = len(diagnostic.related) - len(shown)
    if hidden:
        codes = ", ".join(sorted({r.code for r in diagnostic.related[_RELATED_SHOWN:]}))
        frame.append(
            [
                (f"{gutter} = ", "blue"),
                (f"... and {hidden} more ({codes}): every call is in the JSON and SARIF", "dim"),
            ]
        )
    return frame
