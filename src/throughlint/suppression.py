"""``# noqa`` and ``# throughlint: ignore[...]`` comments, read only from the lines that
carry a diagnostic (no tokenize pass over the file)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from throughlint.diagnostics import Diagnostic

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


def is_suppressed(code: str, codes: frozenset[str]) -> bool:
    return "*" in codes or code in codes


def filter_suppressed(diagnostics: Iterable[Diagnostic], line_of) -> list[Diagnostic]:
    """Drop diagnostics whose first line suppresses their code. ``line_of(n)`` gives a line."""
    kept = []
    cache: dict[int, frozenset[str]] = {}
    for diagnostic in diagnostics:
        line = diagnostic.span.line
        codes = cache.get(line)
        if codes is None:
            codes = cache[line] = suppressed_codes(line_of(line))
        if not is_suppressed(diagnostic.code, codes):
            kept.append(diagnostic)
    return kept
