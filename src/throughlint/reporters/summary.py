"""Counts shared by the human-readable reporters."""

from __future__ import annotations

from collections import Counter

from throughlint.diagnostics import Diagnostic


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def summary_line(diagnostics: list[Diagnostic], files: int, errors: int = 0) -> str:
    """The last line of a human report; never a success line when an error was reported
    (a missing path, unreadable input), whatever else happened."""
    failed = f"{plural(errors, 'error')} reported"
    if not diagnostics:
        if errors:
            return f"No diagnostics, but {failed} ({plural(files, 'file')} linted)."
        return f"All checks passed! ({plural(files, 'file')} linted)"
    safe, unsafe = fix_counts(diagnostics)
    touched = len({d.path for d in diagnostics})
    line = f"Found {plural(len(diagnostics), 'diagnostic')} in {plural(touched, 'file')}"
    line += f" ({plural(files, 'file')} linted)."
    if safe:
        line += f" {safe} fixable with `--fix`"
        line += f"; {unsafe} more with `--unsafe-fixes`." if unsafe else "."
    elif unsafe:
        line += f" {unsafe} fixable with `--unsafe-fixes`."
    if errors:
        line += f" And {failed}."
    return line


def fix_counts(diagnostics: list[Diagnostic]) -> tuple[int, int]:
    """How many findings ``--fix`` would fix, and how many more ``--unsafe-fixes`` would
    (declined fixes count in neither)."""
    fixes = [fix for d in diagnostics for fix in d.fixes()]  # grouped calls' fixes too
    safe = sum(1 for fix in fixes if fix.safe)
    offered = sum(1 for fix in fixes if fix.offered)
    return safe, offered - safe


def statistics_rows(diagnostics: list[Diagnostic]) -> list[tuple[int, str, str, bool]]:
    counts = Counter((d.code, d.name) for d in diagnostics)
    fixable = {(d.code, d.name) for d in diagnostics if any(fix.safe for fix in d.fixes())}
    rows = [(count, code, name, (code, name) in fixable) for (code, name), count in counts.items()]
    rows.sort(key=lambda row: (-row[0], row[1]))
    return rows


def priority_line(diagnostics: list[Diagnostic], priorities: dict[Diagnostic, int]) -> str | None:
    """The worst finding by priority (see ``priority.py``), for the human summaries."""
    ranked = [d for d in diagnostics if d in priorities]
    if not ranked:
        return None
    worst = min(ranked, key=lambda d: (-priorities[d], d.sort_key))
    where = f" in `{worst.enclosing}`" if worst.enclosing else ""
    return (
        f"Highest priority: {worst.code} at {worst.path}:{worst.span.line}{where} "
        f"(priority {priorities[worst]}/100; `--sort priority` or `throughlint report` "
        "for the hot spots)."
    )
