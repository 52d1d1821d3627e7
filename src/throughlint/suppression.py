"""``# noqa`` and ``# throughlint: ignore[...]`` comments, read only for the lines that
carry a diagnostic. A line whose raw text has no such marker is settled by a regex; only
when one has it is the file tokenized, so that a marker inside a string (``HINT = "add
'# noqa'"``) is not taken for a comment."""

from __future__ import annotations

import re
from collections.abc import Iterable

from throughlint.diagnostics import Diagnostic
from throughlint.source import SourceFile

_NOQA = re.compile(
    r"#\s*(?:noqa(?P<noqa_codes>\s*:\s*[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*)?"
    r"|throughlint\s*:\s*ignore(?:\[(?P<ignore_codes>[^\]]*)\])?)",
    re.IGNORECASE,
)
_CODE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)

ALL = frozenset({"*"})


def suppressed_codes(line: str) -> frozenset[str]:
    """Codes a line's comment suppresses; ``{"*"}`` for a bare ``# noqa``."""
    if "#" not in line:
        return frozenset()
    codes: set[str] = set()
    for match in _NOQA.finditer(line):
        listed = match.group("noqa_codes") or match.group("ignore_codes")
        if listed is None:
            return ALL
        codes.update(code.upper() for code in _CODE.findall(listed))
    return frozenset(codes)


def line_suppressions(source: SourceFile, lineno: int) -> frozenset[str]:
    """Codes suppressed on ``lineno`` by a real comment there."""
    line = source.line(lineno)
    if "#" not in line or _NOQA.search(line) is None:
        return frozenset()
    return suppressed_codes(source.comment(lineno))


def is_suppressed(code: str, codes: frozenset[str]) -> bool:
    return "*" in codes or code in codes


def filter_suppressed(diagnostics: Iterable[Diagnostic], source: SourceFile) -> list[Diagnostic]:
    """Drop diagnostics whose first line suppresses their code."""
    kept = []
    cache: dict[int, frozenset[str]] = {}
    for diagnostic in diagnostics:
        line = diagnostic.span.line
        codes = cache.get(line)
        if codes is None:
            codes = cache[line] = line_suppressions(source, line)
        if not is_suppressed(diagnostic.code, codes):
            kept.append(diagnostic)
    return kept
